/* social.c - follow, block and mute buttons; follower, following, blocked and muted lists;
 * incoming follow requests. Rules live in core/follow.c and core/block.c. */
#include "web/social.h"

#include <microhttpd.h>
#include <string.h>

#include "core/account.h"
#include "core/block.h"
#include "core/follow.h"
#include "http/request.h"
#include "http/router.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/id.h"
#include "util/tmpl.h"
#include "web/web.h"

/* The approved account named in the path (":name"), or NULL with req->err (404). */
static struct account *
path_account(struct req *req)
{
	const char *name = req_param(req, "name");
	struct account *acct = name ? account_by_handle(req->arena, name, &req->err) : NULL;
	if (acct == NULL && req->err.code == ERR_UNAVAILABLE)
		return NULL;
	if (name == NULL || (acct != NULL && !acct->approved)) {
		err_set(&req->err, ERR_NOT_FOUND, "There is no such account.", "no account");
		return NULL;
	}
	return acct;
}

/* ---- buttons on a profile ---- */

enum social_action {
	ACT_FOLLOW,
	ACT_UNFOLLOW,
	ACT_BLOCK,
	ACT_UNBLOCK,
	ACT_MUTE,
	ACT_UNMUTE,
};

static int
act(struct req *req, enum social_action action)
{
	if (req->viewer == NULL)
		return web_need_signin(req);
	struct account *target = path_account(req);
	if (target == NULL)
		return -1;
	struct arena *a = req->arena;
	int64_t me = req->viewer->id, them = target->id;
	const char *notice = NULL;
	int rc = -1;
	bool requested = false;
	switch (action) {
	case ACT_FOLLOW: /* a remote handle: whoever its server names now (core/follow.h) */
		rc = follow_chosen(a, me, target, &requested, &them, &req->err);
		if (rc == 0 && them != target->id &&
		    (target = account_by_id(a, them, &req->err)) == NULL)
			return -1;
		notice = requested ? "follow_requested" : "followed";
		break;
	case ACT_UNFOLLOW:
		rc = follow_undo(a, me, them, &req->err);
		notice = "unfollowed";
		break;
	case ACT_BLOCK:
		rc = block_add(a, me, them, &req->err);
		notice = "blocked";
		break;
	case ACT_UNBLOCK:
		rc = block_remove(a, me, them, &req->err);
		notice = "unblocked";
		break;
	case ACT_MUTE:
		rc = mute_add(a, me, them, &req->err);
		notice = "muted";
		break;
	case ACT_UNMUTE:
		rc = mute_remove(a, me, them, &req->err);
		notice = "unmuted";
		break;
	}
	if (rc != 0)
		return -1;
	return web_redirect(req, web_back(req, web_account_path(a, account_handle(a, target))),
			    notice);
}

static int
follow(struct req *req)
{
	return act(req, ACT_FOLLOW);
}
static int
unfollow(struct req *req)
{
	return act(req, ACT_UNFOLLOW);
}
static int
block(struct req *req)
{
	return act(req, ACT_BLOCK);
}
static int
unblock(struct req *req)
{
	return act(req, ACT_UNBLOCK);
}
static int
mute(struct req *req)
{
	return act(req, ACT_MUTE);
}
static int
unmute(struct req *req)
{
	return act(req, ACT_UNMUTE);
}

/* ---- lists ---- */

/* Sets "accounts" (with "key" on each, and flag set true on each when not NULL),
 * "has_accounts" and the pagination links for a page read from base. */
static void
page_ctx(struct req *req, struct tval *ctx, const struct account_page *pg, const char *base,
	 const char *flag)
{
	struct tval *list = tval_list(req->arena);
	char buf[ID_STRLEN];
	for (int i = 0; i < pg->n; i++) {
		struct tval *v = web_account_view(req, &pg->items[i].account);
		tval_set_str(v, "key", id_format(pg->items[i].key_id, buf));
		if (flag != NULL)
			tval_set_bool(v, flag, 1);
		tval_push(list, v);
	}
	tval_set(ctx, "accounts", list);
	tval_set_bool(ctx, "has_accounts", pg->n > 0);
	if (pg->n > 0)
		web_page_links(req, ctx, base, pg->items[0].key_id, pg->items[pg->n - 1].key_id,
			       pg->has_newer, pg->has_older);
	tval_set_str(ctx, "back", req->path);
}

static int
read_key(struct req *req, struct page_key *key)
{
	struct page page;
	if (web_page_params(req, &page) != 0)
		return -1;
	key->max_id = page.max_id;
	key->min_id = page.min_id;
	key->limit = page.limit;
	return 0;
}

static int
collection(struct req *req, bool followers)
{
	struct account *owner = path_account(req);
	if (owner == NULL)
		return -1;
	struct page_key key;
	if (read_key(req, &key) != 0)
		return -1;
	struct tval *ctx = tval_obj(req->arena);
	tval_set(ctx, "owner", web_account_view(req, owner));
	tval_set_bool(ctx, followers ? "followers" : "following", 1);
	int64_t viewer = req->viewer ? req->viewer->id : 0;
	if (!follow_lists_visible(owner, viewer)) {
		tval_set_bool(ctx, "hidden", 1);
	} else {
		struct account_page pg;
		int rc = followers
			     ? follow_list_followers(req->arena, owner->id, &key, &pg, &req->err)
			     : follow_list_following(req->arena, owner->id, &key, &pg, &req->err);
		if (rc != 0 || block_drop_from_page(req->arena, viewer, &pg, &req->err) != 0)
			return -1;
		const char *path = web_account_path(req->arena, account_handle(req->arena, owner));
		page_ctx(
		    req, ctx, &pg,
		    arena_printf(req->arena, "%s/%s", path, followers ? "followers" : "following"),
		    NULL);
	}
	return web_render(req, MHD_HTTP_OK, "account_list",
			  followers ? N_("Followers") : N_("Following"), ctx);
}

static int
followers(struct req *req)
{
	return collection(req, true);
}
static int
following(struct req *req)
{
	return collection(req, false);
}

/* The viewer's blocked or muted accounts. */
static int
own_list(struct req *req, bool blocks)
{
	if (req->viewer == NULL)
		return web_need_signin(req);
	struct page_key key;
	if (read_key(req, &key) != 0)
		return -1;
	struct account_page pg;
	int rc = blocks ? block_list(req->arena, req->viewer->id, &key, &pg, &req->err)
			: mute_list(req->arena, req->viewer->id, &key, &pg, &req->err);
	if (rc != 0)
		return -1;
	struct tval *ctx = tval_obj(req->arena);
	tval_set_bool(ctx, blocks ? "blocks" : "mutes", 1);
	page_ctx(req, ctx, &pg, blocks ? "/blocks" : "/mutes",
		 blocks ? "can_unblock" : "can_unmute");
	return web_render(req, MHD_HTTP_OK, "account_list",
			  blocks ? N_("Blocked accounts") : N_("Muted accounts"), ctx);
}

static int
blocks(struct req *req)
{
	return own_list(req, true);
}
static int
mutes(struct req *req)
{
	return own_list(req, false);
}

/* ---- follow requests ---- */

static int
requests(struct req *req)
{
	if (req->viewer == NULL)
		return web_need_signin(req);
	struct page_key key;
	if (read_key(req, &key) != 0)
		return -1;
	struct account_page pg;
	if (follow_list_requests(req->arena, req->viewer->id, &key, &pg, &req->err) != 0)
		return -1;
	struct tval *ctx = tval_obj(req->arena);
	page_ctx(req, ctx, &pg, "/follow_requests", NULL);
	tval_set_bool(ctx, "locked", req->viewer->locked);
	return web_render(req, MHD_HTTP_OK, "follow_requests", N_("Follow requests"), ctx);
}

static int
decide(struct req *req, bool accept)
{
	if (req->viewer == NULL)
		return web_need_signin(req);
	int64_t id;
	const char *s = req_param(req, "id");
	if (s == NULL || id_parse(s, &id) != 0)
		return err_set(&req->err, ERR_NOT_FOUND, "That follow request no longer exists.",
			       "bad request id");
	int rc = accept ? follow_request_accept(req->arena, req->viewer->id, id, &req->err)
			: follow_request_reject(req->arena, req->viewer->id, id, &req->err);
	if (rc != 0)
		return -1;
	return web_redirect(req, web_back(req, "/follow_requests"),
			    accept ? "request_accepted" : "request_rejected");
}

static int
accept_request(struct req *req)
{
	return decide(req, true);
}
static int
reject_request(struct req *req)
{
	return decide(req, false);
}

int
web_social_routes(struct router *r)
{
	int rc = 0;
	rc |= router_add(r, "POST", "/@:name/follow", follow);
	rc |= router_add(r, "POST", "/@:name/unfollow", unfollow);
	rc |= router_add(r, "POST", "/@:name/block", block);
	rc |= router_add(r, "POST", "/@:name/unblock", unblock);
	rc |= router_add(r, "POST", "/@:name/mute", mute);
	rc |= router_add(r, "POST", "/@:name/unmute", unmute);
	rc |= router_add(r, "GET", "/@:name/followers", followers);
	rc |= router_add(r, "GET", "/@:name/following", following);
	rc |= router_add(r, "GET", "/blocks", blocks);
	rc |= router_add(r, "GET", "/mutes", mutes);
	rc |= router_add(r, "GET", "/follow_requests", requests);
	rc |= router_add(r, "POST", "/follow_requests/:id/accept", accept_request);
	rc |= router_add(r, "POST", "/follow_requests/:id/reject", reject_request);
	return rc ? -1 : 0;
}
