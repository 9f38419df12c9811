/* search.c - GET /api/v2/search and /api/v1/accounts/search over core/search.c, the web's
 * search: accounts (members for members; an exact username for visitors), hashtags with a
 * post the caller may see, and `resolve` of user@domain on a peer this node federates with
 * (members only; core never contacts a peer on a visitor's behalf). "statuses" holds only
 * the caller's own posts containing q (search_own_posts: nobody searches other members'
 * words), paged by max_id like a timeline rather than by offset. All three keys are always
 * there, since clients read them. */
#include <microhttpd.h>
#include <string.h>

#include "api/api.h"
#include "api/entities.h"
#include "api/params.h"
#include "core/search.h"
#include "util/arena.h"
#include "util/err.h"

#define SEARCH_PAGE_DEFAULT 20
#define SEARCH_PAGE_MAX 40
#define SEARCH_OFFSET_MAX 10000

/* What a search call asks. */
struct search_call {
	const char *q;
	const char *type; /* NULL: every kind */
	bool resolve;
	long limit, offset;
	int64_t max_id; /* own posts older than this (0: from the newest) */
};

static int
read_search(struct api_call *call, struct search_call *s)
{
	memset(s, 0, sizeof *s);
	if (api_str(call, "q", 1000, &s->q) != 0 || api_str(call, "type", 20, &s->type) != 0 ||
	    api_bool(call, "resolve", false, &s->resolve) != 0 ||
	    api_int(call, "limit", 1, SEARCH_PAGE_MAX, SEARCH_PAGE_DEFAULT, &s->limit) != 0 ||
	    api_int(call, "offset", 0, SEARCH_OFFSET_MAX, 0, &s->offset) != 0 ||
	    api_id(call, "max_id", &s->max_id) != 0)
		return -1;
	if (s->q == NULL)
		return err_set(&call->req->err, ERR_UNPROCESSABLE,
			       "q is missing: say what to search.", "no q");
	if (s->type != NULL && *s->type == '\0')
		s->type = NULL;
	if (s->type != NULL && strcmp(s->type, "accounts") != 0 &&
	    strcmp(s->type, "hashtags") != 0 && strcmp(s->type, "statuses") != 0)
		return err_set(&call->req->err, ERR_UNPROCESSABLE,
			       "type must be accounts, hashtags or statuses.", "type");
	/* Mastodon resolves only the first page: a later one must not ask the peer again */
	if (s->offset > 0)
		s->resolve = false;
	return 0;
}

static bool
wants(const struct search_call *s, const char *type)
{
	return s->type == NULL || strcmp(s->type, type) == 0;
}

/* The accounts of res in the page limit/offset asks. */
static json_t *
accounts_json(struct api_call *call, const struct search_results *res, const struct search_call *s)
{
	json_t *list = json_array();
	for (long i = s->offset; i < res->naccounts && i < s->offset + s->limit; i++) {
		json_t *doc = api_account(call, &res->accounts[i], false);
		if (doc != NULL)
			json_array_append_new(list, doc);
	}
	return list;
}

static json_t *
tags_json(struct api_call *call, const struct search_results *res, const struct search_call *s)
{
	json_t *list = json_array();
	for (long i = s->offset; i < res->ntags && i < s->offset + s->limit; i++)
		json_array_append_new(list, json_pack("{ss ss s[]}", "name", res->tags[i], "url",
						      arena_printf(call->req->arena, "%s/tags/%s",
								   call->base_url, res->tags[i]),
						      "history"));
	return list;
}

/* The caller's own posts containing q: a page by max_id (an offset past the first page
 * finds none, so a client paging by offset stops instead of seeing the page again). */
static json_t *
statuses_json(struct api_call *call, const struct search_call *s)
{
	if (call->me == NULL || s->offset > 0)
		return json_array();
	struct status *items;
	int n = search_own_posts(call->req->arena, call->me->id, s->q, s->max_id, (int)s->limit,
				 &items, &call->req->err);
	return n < 0 ? NULL : api_statuses(call, items, n);
}

static int
run(struct api_call *call, struct search_call *s, struct search_results *res)
{
	if (read_search(call, s) != 0)
		return -1;
	return search_run(call->req->arena, s->q, call->me ? call->me->id : 0,
			  s->resolve && call->me != NULL, res, &call->req->err);
}

static int
search_v2(struct api_call *call)
{
	struct search_call s;
	struct search_results res;
	if (run(call, &s, &res) != 0)
		return -1;
	json_t *statuses = wants(&s, "statuses") ? statuses_json(call, &s) : json_array();
	if (statuses == NULL)
		return -1;
	return api_json(
	    call, MHD_HTTP_OK,
	    json_pack("{so so so}", "accounts",
		      wants(&s, "accounts") ? accounts_json(call, &res, &s) : json_array(),
		      "hashtags", wants(&s, "hashtags") ? tags_json(call, &res, &s) : json_array(),
		      "statuses", statuses));
}

/* GET /api/v1/accounts/search: the accounts part alone. */
static int
accounts_search(struct api_call *call)
{
	struct search_call s;
	struct search_results res;
	if (run(call, &s, &res) != 0)
		return -1;
	return api_json(call, MHD_HTTP_OK, accounts_json(call, &res, &s));
}

static const struct api_route routes[] = {
    {"GET", "/api/v2/search", search_v2, API_ANYONE, SCOPE(SCOPE_READ_SEARCH)},
    {"GET", "/api/v1/accounts/search", accounts_search, API_ANYONE, SCOPE(SCOPE_READ_ACCOUNTS)},
};

int
api_search_routes(struct router *r)
{
	return api_register(r, routes, sizeof routes / sizeof routes[0]);
}
