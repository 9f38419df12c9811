/* account_lists.c - lists of accounts around a member: GET /api/v1/accounts/:id/followers and
 * /following (hidden as on the web when the member chose to hide them: an empty list to
 * anyone else, as Mastodon answers), GET /api/v1/follow_requests with POST
 * .../:account_id/authorize and /reject (core/follow.c: the Accept or Reject reaches a remote
 * requester), and the member's own GET /api/v1/blocks and /api/v1/mutes. Keyset paging on
 * the relation rows (api/account_page.h). */
#include <microhttpd.h>

#include "api/account_page.h"
#include "api/api.h"
#include "api/entities.h"
#include "core/account.h"
#include "core/block.h"
#include "core/follow.h"
#include "core/timeline.h"
#include "util/err.h"

/* The account of the path's id, if the caller may see its profile (timeline_profile_check,
 * the web's rule). */
static struct account *
path_account(struct api_call *call)
{
	int64_t id;
	if (api_path_id(call, "id", &id) != 0)
		return NULL;
	struct account *acct = account_by_id(call->req->arena, id, &call->req->err);
	if (acct == NULL ||
	    timeline_profile_check(call->req->arena, call->me, acct, &call->req->err) != 0) {
		if (call->req->err.code == ERR_NOT_FOUND)
			err_set(&call->req->err, ERR_NOT_FOUND, "Record not found",
				"no such account");
		return NULL;
	}
	return acct;
}

static int
collection(struct api_call *call, const struct page_key *key, struct account_page *out,
	   bool followers)
{
	struct account *owner = path_account(call);
	if (owner == NULL)
		return -1;
	if (!follow_lists_visible(owner, call->me ? call->me->id : 0)) {
		*out = (struct account_page){0};
		return 0;
	}
	int rc =
	    followers
		? follow_list_followers(call->req->arena, owner->id, key, out, &call->req->err)
		: follow_list_following(call->req->arena, owner->id, key, out, &call->req->err);
	return rc != 0 ? rc
		       : block_drop_from_page(call->req->arena, call->me ? call->me->id : 0, out,
					      &call->req->err);
}

static int
followers_page(struct api_call *call, const struct page_key *key, struct account_page *out)
{
	return collection(call, key, out, true);
}

static int
following_page(struct api_call *call, const struct page_key *key, struct account_page *out)
{
	return collection(call, key, out, false);
}

static int
requests_page(struct api_call *call, const struct page_key *key, struct account_page *out)
{
	return follow_list_requests(call->req->arena, call->me->id, key, out, &call->req->err);
}

static int
blocks_page(struct api_call *call, const struct page_key *key, struct account_page *out)
{
	return block_list(call->req->arena, call->me->id, key, out, &call->req->err);
}

static int
mutes_page(struct api_call *call, const struct page_key *key, struct account_page *out)
{
	return mute_list(call->req->arena, call->me->id, key, out, &call->req->err);
}

static int
followers(struct api_call *call)
{
	return api_answer_accounts(call, followers_page);
}

static int
following(struct api_call *call)
{
	return api_answer_accounts(call, following_page);
}

static int
follow_requests(struct api_call *call)
{
	return api_answer_accounts(call, requests_page);
}

static int
blocks(struct api_call *call)
{
	return api_answer_accounts(call, blocks_page);
}

static int
mutes(struct api_call *call)
{
	return api_answer_accounts(call, mutes_page);
}

/* Answers the request of the path's account: the Relationship as it stands afterwards. */
static int
decide(struct api_call *call, bool accept)
{
	int64_t id;
	if (api_path_id(call, "id", &id) != 0)
		return -1;
	struct arena *a = call->req->arena;
	if (follow_request_answer(a, call->me->id, id, accept, &call->req->err) != 0) {
		if (call->req->err.code == ERR_NOT_FOUND)
			err_set(&call->req->err, ERR_NOT_FOUND, "Record not found",
				"no follow request from this account");
		return -1;
	}
	struct relationship rel;
	if (relationship_get(a, call->me->id, id, &rel, &call->req->err) != 0)
		return -1;
	return api_json(call, MHD_HTTP_OK, api_relationship(call, id, &rel));
}

static int
authorize(struct api_call *call)
{
	return decide(call, true);
}

static int
reject(struct api_call *call)
{
	return decide(call, false);
}

static const struct api_route routes[] = {
    {"GET", "/api/v1/accounts/:id/followers", followers, API_ANYONE, SCOPE(SCOPE_READ_ACCOUNTS)},
    {"GET", "/api/v1/accounts/:id/following", following, API_ANYONE, SCOPE(SCOPE_READ_ACCOUNTS)},
    {"GET", "/api/v1/follow_requests", follow_requests, API_MEMBER, SCOPE(SCOPE_READ_FOLLOWS)},
    {"POST", "/api/v1/follow_requests/:id/authorize", authorize, API_MEMBER,
     SCOPE(SCOPE_WRITE_FOLLOWS)},
    {"POST", "/api/v1/follow_requests/:id/reject", reject, API_MEMBER, SCOPE(SCOPE_WRITE_FOLLOWS)},
    {"GET", "/api/v1/blocks", blocks, API_MEMBER, SCOPE(SCOPE_READ_BLOCKS)},
    {"GET", "/api/v1/mutes", mutes, API_MEMBER, SCOPE(SCOPE_READ_MUTES)},
};

int
api_account_lists_routes(struct router *r)
{
	return api_register(r, routes, sizeof routes / sizeof routes[0]);
}
