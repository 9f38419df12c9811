/* relationships.c - POST /api/v1/accounts/:id/follow, unfollow, block, unblock, mute,
 * unmute, and GET /api/v1/accounts/relationships?id[]=..., over core/follow.h and
 * core/block.h: the rules of the web's buttons (a block in either direction refuses a
 * follow, a locked account gets a request, a remote handle is checked again by WebFinger
 * before a follow). */
#include <microhttpd.h>

#include "api/api.h"
#include "api/entities.h"
#include "api/params.h"
#include "core/account.h"
#include "core/block.h"
#include "core/follow.h"
#include "core/timeline.h"
#include "util/err.h"
#include "util/id.h"

static int
not_found(struct api_call *call)
{
	return err_set(&call->req->err, ERR_NOT_FOUND, "Record not found", "no such account");
}

/* The approved account of the path's id (whatever the relation: unblocking a blocker must
 * work). */
static struct account *
path_account(struct api_call *call)
{
	int64_t id;
	if (api_path_id(call, "id", &id) != 0)
		return NULL;
	struct account *acct = account_by_id(call->req->arena, id, &call->req->err);
	if (acct == NULL || !acct->approved || (acct->suspended && acct->id != call->me->id)) {
		if (acct != NULL || call->req->err.code == ERR_NOT_FOUND)
			not_found(call);
		return NULL;
	}
	return acct;
}

static int
answer(struct api_call *call, int64_t account_id)
{
	struct relationship rel;
	if (relationship_get(call->req->arena, call->me->id, account_id, &rel, &call->req->err) !=
	    0)
		return -1;
	return api_json(call, MHD_HTTP_OK, api_relationship(call, account_id, &rel));
}

enum act { ACT_FOLLOW, ACT_UNFOLLOW, ACT_BLOCK, ACT_UNBLOCK, ACT_MUTE, ACT_UNMUTE };

static int
act(struct api_call *call, enum act what)
{
	struct account *target = path_account(call);
	if (target == NULL)
		return -1;
	struct arena *a = call->req->arena;
	struct err *err = &call->req->err;
	int64_t me = call->me->id, them = target->id;
	bool requested;
	int rc = -1;
	switch (what) {
	case ACT_FOLLOW:
		rc = follow_chosen(a, me, target, &requested, &them, err);
		break;
	case ACT_UNFOLLOW:
		rc = follow_undo(a, me, them, err);
		break;
	case ACT_BLOCK:
		rc = block_add(a, me, them, err);
		break;
	case ACT_UNBLOCK:
		rc = block_remove(a, me, them, err);
		break;
	case ACT_MUTE:
		rc = mute_add(a, me, them, err);
		break;
	case ACT_UNMUTE:
		rc = mute_remove(a, me, them, err);
		break;
	}
	if (rc != 0)
		return err->code == ERR_NOT_FOUND ? not_found(call) : -1;
	return answer(call, them);
}

static int
follow(struct api_call *call)
{
	return act(call, ACT_FOLLOW);
}

static int
unfollow(struct api_call *call)
{
	return act(call, ACT_UNFOLLOW);
}

static int
block(struct api_call *call)
{
	return act(call, ACT_BLOCK);
}

static int
unblock(struct api_call *call)
{
	return act(call, ACT_UNBLOCK);
}

static int
mute(struct api_call *call)
{
	return act(call, ACT_MUTE);
}

static int
unmute(struct api_call *call)
{
	return act(call, ACT_UNMUTE);
}

#define RELATIONSHIPS_MAX 40

/* GET /api/v1/accounts/relationships?id[]=1&id[]=2: one entity per id, in order; ids of no
 * account, or of one whose profile the caller can't see (timeline_profile_check), are left
 * out. */
static int
relationships(struct api_call *call)
{
	const char **list;
	int n;
	if (api_list(call, "id", RELATIONSHIPS_MAX, &list, &n) != 0)
		return -1;
	json_t *out = json_array();
	for (int i = 0; i < n; i++) {
		int64_t id;
		if (id_parse(list[i], &id) != 0 || id <= 0) {
			json_decref(out);
			return err_set(&call->req->err, ERR_UNPROCESSABLE, "id: must be an id",
				       "relationships id");
		}
		struct err err;
		struct account *acct = account_by_id(call->req->arena, id, &err);
		if (acct == NULL && err.code != ERR_NOT_FOUND) {
			json_decref(out);
			call->req->err = err;
			return -1;
		}
		/* an account whose profile the caller can't see (not approved, suspended, a
		 * blocker of the caller) is left out like an unknown id */
		if (acct == NULL)
			continue;
		if (timeline_profile_check(call->req->arena, call->me, acct, &err) != 0) {
			if (err.code == ERR_NOT_FOUND)
				continue;
			json_decref(out);
			call->req->err = err;
			return -1;
		}
		struct relationship rel;
		if (relationship_get(call->req->arena, call->me->id, id, &rel, &call->req->err) !=
		    0) {
			json_decref(out);
			return -1;
		}
		json_array_append_new(out, api_relationship(call, id, &rel));
	}
	return api_json(call, MHD_HTTP_OK, out);
}

#define FOLLOWS SCOPE(SCOPE_WRITE_FOLLOWS)

static const struct api_route routes[] = {
    {"GET", "/api/v1/accounts/relationships", relationships, API_MEMBER, SCOPE(SCOPE_READ_FOLLOWS)},
    {"POST", "/api/v1/accounts/:id/follow", follow, API_MEMBER, FOLLOWS},
    {"POST", "/api/v1/accounts/:id/unfollow", unfollow, API_MEMBER, FOLLOWS},
    {"POST", "/api/v1/accounts/:id/block", block, API_MEMBER, SCOPE(SCOPE_WRITE_BLOCKS)},
    {"POST", "/api/v1/accounts/:id/unblock", unblock, API_MEMBER, SCOPE(SCOPE_WRITE_BLOCKS)},
    {"POST", "/api/v1/accounts/:id/mute", mute, API_MEMBER, SCOPE(SCOPE_WRITE_MUTES)},
    {"POST", "/api/v1/accounts/:id/unmute", unmute, API_MEMBER, SCOPE(SCOPE_WRITE_MUTES)},
};

int
api_relationships_routes(struct router *r)
{
	return api_register(r, routes, sizeof routes / sizeof routes[0]);
}
