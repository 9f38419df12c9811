/* accounts.c - GET /api/v1/accounts/verify_credentials, /api/v1/accounts/lookup,
 * /api/v1/accounts/:id and /api/v1/accounts/:id/statuses. Who may see a profile is
 * core's one rule (timeline_profile_check), as on the web's profile page. */
#include <microhttpd.h>
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "api/entities.h"
#include "api/paging.h"
#include "api/params.h"
#include "core/account.h"
#include "core/media.h"
#include "core/timeline.h"
#include "db/media.h" /* struct media_row */
#include "util/arena.h"
#include "util/err.h"

static int
verify_credentials(struct api_call *call)
{
	return api_json(call, MHD_HTTP_OK, api_account(call, call->me, true));
}

static int
not_found(struct api_call *call)
{
	return err_set(&call->req->err, ERR_NOT_FOUND, "Record not found", "no such account");
}

/* The account of the path's id if the caller may see it. */
static struct account *
visible_account(struct api_call *call)
{
	int64_t id;
	if (api_path_id(call, "id", &id) != 0)
		return NULL;
	struct account *acct = account_by_id(call->req->arena, id, &call->req->err);
	if (acct == NULL) {
		if (call->req->err.code == ERR_NOT_FOUND)
			not_found(call);
		return NULL;
	}
	if (timeline_profile_check(call->req->arena, call->me, acct, &call->req->err) != 0) {
		if (call->req->err.code == ERR_NOT_FOUND)
			not_found(call);
		return NULL;
	}
	return acct;
}

static int
account_get(struct api_call *call)
{
	struct account *acct = visible_account(call);
	if (acct == NULL)
		return -1;
	return api_json(call, MHD_HTTP_OK, api_account(call, acct, false));
}

/* acct: "name" (or "@name", or "name@this.host") for a member, "name@domain" for a remote
 * account this node knows (lookup never fetches). */
static int
lookup(struct api_call *call)
{
	const char *handle;
	if (api_str(call, "acct", 600, &handle) != 0)
		return -1;
	if (handle == NULL || *handle == '\0')
		return err_set(&call->req->err, ERR_UNPROCESSABLE, "acct is required.",
			       "lookup without acct");
	if (*handle == '@')
		handle++;
	const char *at = strchr(handle, '@');
	const char *host = strstr(call->base_url, "://");
	host = host ? host + 3 : call->base_url;
	if (at != NULL && strcasecmp(at + 1, host) == 0)
		handle = arena_strndup(call->req->arena, handle, (size_t)(at - handle));
	struct account *acct = account_by_handle(call->req->arena, handle, &call->req->err);
	if (acct == NULL)
		return call->req->err.code == ERR_NOT_FOUND ? not_found(call) : -1;
	if (timeline_profile_check(call->req->arena, call->me, acct, &call->req->err) != 0)
		return call->req->err.code == ERR_NOT_FOUND ? not_found(call) : -1;
	return api_json(call, MHD_HTTP_OK, api_account(call, acct, false));
}

/* Keeps the posts of p that pass the filters (the page's keys were read before). */
static int
filter(struct api_call *call, struct timeline_page *p, bool exclude_replies, bool exclude_reblogs,
       bool only_media)
{
	int64_t *ids = arena_alloc(call->req->arena, sizeof *ids * (size_t)(p->n ? p->n : 1));
	for (int i = 0; i < p->n; i++)
		ids[i] = p->items[i].id;
	struct media_row *media = NULL;
	int nmedia = 0;
	if (only_media && p->n > 0 &&
	    (nmedia = media_of_statuses(call->req->arena, ids, p->n, &media, &call->req->err)) < 0)
		return -1;
	int kept = 0;
	for (int i = 0; i < p->n; i++) {
		const struct status *st = &p->items[i];
		bool has_media = false;
		for (int m = 0; m < nmedia; m++)
			if (media[m].status_id == st->id)
				has_media = true;
		/* a reply to oneself (a thread) stays, as on Mastodon */
		if ((exclude_replies && st->in_reply_to_id != 0 &&
		     st->in_reply_to_account_id != st->author.id) ||
		    (exclude_reblogs && st->booster_id != 0) || (only_media && !has_media))
			continue;
		p->items[kept++] = *st;
	}
	p->n = kept;
	return 0;
}

static int
account_statuses(struct api_call *call)
{
	struct account *acct = visible_account(call);
	if (acct == NULL)
		return -1;
	bool pinned, exclude_replies, exclude_reblogs, only_media;
	struct timeline_query q;
	int64_t since;
	if (api_bool(call, "pinned", false, &pinned) != 0 ||
	    api_bool(call, "exclude_replies", false, &exclude_replies) != 0 ||
	    api_bool(call, "exclude_reblogs", false, &exclude_reblogs) != 0 ||
	    api_bool(call, "only_media", false, &only_media) != 0 ||
	    api_page_params(call, &q, &since) != 0)
		return -1;
	struct timeline_page p;
	int64_t viewer = call->me ? call->me->id : 0;
	if (pinned) {
		/* at most five, one page: no paging past them */
		if (q.max_id != 0 || q.min_id != 0 || since != 0)
			p = (struct timeline_page){0};
		else if (timeline_pinned(call->req->arena, viewer, acct->id, &p, &call->req->err) !=
			 0)
			return -1;
		p.has_older = false;
	} else if (timeline_account(call->req->arena, viewer, acct->id, &q, &p, &call->req->err) !=
		   0) {
		return -1;
	}
	int64_t newest = p.n ? p.items[0].key : 0, oldest = p.n ? p.items[p.n - 1].key : 0;
	api_page_since(&p, since);
	if (filter(call, &p, exclude_replies, exclude_reblogs, only_media) != 0 ||
	    api_json(call, MHD_HTTP_OK, api_statuses(call, p.items, p.n)) != 0)
		return -1;
	if (!pinned)
		api_page_links(call, newest, oldest, p.has_older);
	return 0;
}

static const struct api_route routes[] = {
    {"GET", "/api/v1/accounts/verify_credentials", verify_credentials, API_MEMBER,
     SCOPE(SCOPE_READ_ACCOUNTS)},
    {"GET", "/api/v1/accounts/lookup", lookup, API_ANYONE, SCOPE(SCOPE_READ_ACCOUNTS)},
    {"GET", "/api/v1/accounts/:id", account_get, API_ANYONE, SCOPE(SCOPE_READ_ACCOUNTS)},
    {"GET", "/api/v1/accounts/:id/statuses", account_statuses, API_ANYONE,
     SCOPE(SCOPE_READ_STATUSES)},
};

int
api_accounts_routes(struct router *r)
{
	return api_register(r, routes, sizeof routes / sizeof routes[0]);
}
