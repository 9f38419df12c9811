/* follow.c - follows and follow requests; SQL lives in db/follows.c. */
#include "follow.h"

#include <string.h>

#include "core/account.h"
#include "core/deletion.h"
#include "core/events.h"
#include "core/notification.h"
#include "db/db.h"
#include "db/follows.h"
#include "util/arena.h"
#include "util/err.h"

int
relationship_get(struct arena *a, int64_t viewer_id, int64_t target_id, struct relationship *out,
		 struct err *err)
{
	memset(out, 0, sizeof *out);
	if (viewer_id == 0 || viewer_id == target_id)
		return 0;
	bool f[6];
	if (db_relationship(a, viewer_id, target_id, f, err) != 0)
		return -1;
	out->following = f[0];
	out->requested = f[1];
	out->followed_by = f[2];
	out->blocking = f[3];
	out->blocked_by = f[4];
	out->muting = f[5];
	return 0;
}

int
follow_chosen(struct arena *a, int64_t follower_id, const struct account *target,
	      bool *requested, int64_t *followed_id, struct err *err)
{
	*requested = false;
	if (target->domain != NULL) {
		target = account_lookup_remote(a, account_handle(a, target), err);
		if (target == NULL)
			return -1;
	}
	*followed_id = target->id;
	return follow_account(a, follower_id, target->id, requested, err);
}

int
follow_account(struct arena *a, int64_t follower_id, int64_t target_id, bool *requested,
	       struct err *err)
{
	*requested = false;
	if (follower_id == target_id)
		return err_set(err, ERR_UNPROCESSABLE, "You can't follow yourself.", "self follow");
	struct account *target = account_by_id(a, target_id, err);
	if (target == NULL)
		return -1;
	if (!target->approved)
		return err_set(err, ERR_NOT_FOUND, "There is no such account.", "pending account");
	/* A remote account answers with Accept or Reject: until then it is a request. The row
	 * and the Follow queued for the peer are one transaction. */
	bool ask = target->locked || target->domain != NULL;
	if (db_begin(err) != 0)
		return -1;
	/* the follower's server was asked first: it may have been deleted meanwhile */
	if (deletion_hold_live(a, follower_id, err) != 0)
		goto fail;
	int rc = ask ? db_follow_request_insert(a, follower_id, target_id, err)
		     : db_follow_insert(a, follower_id, target_id, err);
	if (rc < 0)
		goto fail;
	if (rc == 2) {
		err_set(err, ERR_FORBIDDEN,
			"You can't follow this account because one of you blocks the other.",
			"follow refused by a block");
		goto fail;
	}
	if (ask) {
		/* rc 0 with no request pending means we already follow them */
		struct relationship rel = {0};
		if (rc == 0 && relationship_get(a, follower_id, target_id, &rel, err) != 0)
			goto fail;
		*requested = rc == 1 || rel.requested;
	}
	if (rc == 1 && target->domain != NULL) {
		struct event ev = {.kind = EV_FOLLOW, .actor_id = follower_id, .target_id = target_id};
		if (events_emit(a, &ev, err) != 0)
			goto fail;
	} else if (rc == 1 &&
		   notification_add(a, target_id, follower_id,
				    target->locked ? NOTIF_FOLLOW_REQUEST : NOTIF_FOLLOW, 0, err) != 0) {
		goto fail;
	}
	return db_commit(err);
fail:
	db_rollback();
	return -1;
}

int
follow_undo(struct arena *a, int64_t follower_id, int64_t target_id, struct err *err)
{
	if (db_begin(err) != 0)
		return -1;
	const char *follow_uri = NULL;
	int n = db_follow_delete(a, follower_id, target_id, &follow_uri, err);
	if (n < 0)
		goto fail;
	struct account *target = n > 0 ? account_by_id(a, target_id, err) : NULL;
	if (n > 0 && target == NULL)
		goto fail;
	if (target != NULL && target->domain != NULL) {
		struct event ev = {.kind = EV_UNFOLLOW, .actor_id = follower_id,
				   .target_id = target_id, .activity_uri = follow_uri};
		if (events_emit(a, &ev, err) != 0)
			goto fail;
	}
	return db_commit(err);
fail:
	db_rollback();
	return -1;
}

static int
decide(struct arena *a, int64_t owner_id, int64_t request_id, bool accept, struct err *err)
{
	int64_t requester = 0;
	const char *uri = NULL;
	if (db_begin(err) != 0) /* the answer and the Accept or Reject queued: both or neither */
		return -1;
	int rc = db_follow_request_decide(a, owner_id, request_id, accept, &requester, &uri, err);
	if (rc < 0)
		goto fail;
	if (rc == 0) {
		err_set(err, ERR_NOT_FOUND, "That follow request no longer exists.",
			"no follow request %lld for this account", (long long)request_id);
		goto fail;
	}
	struct account *requester_acct = account_by_id(a, requester, err);
	if (requester_acct == NULL)
		goto fail;
	if (requester_acct->domain != NULL) {
		struct event ev = {.kind = accept ? EV_FOLLOW_ACCEPTED : EV_FOLLOW_REJECTED,
				   .actor_id = owner_id,
				   .target_id = requester,
				   .request_id = request_id,
				   .activity_uri = uri};
		if (events_emit(a, &ev, err) != 0)
			goto fail;
	}
	return db_commit(err);
fail:
	db_rollback();
	return -1;
}

int
follow_request_accept(struct arena *a, int64_t owner_id, int64_t request_id, struct err *err)
{
	return decide(a, owner_id, request_id, true, err);
}

int
follow_request_reject(struct arena *a, int64_t owner_id, int64_t request_id, struct err *err)
{
	return decide(a, owner_id, request_id, false, err);
}

int
follow_request_answer(struct arena *a, int64_t owner_id, int64_t requester_id, bool accept,
		      struct err *err)
{
	int64_t request_id;
	int found = db_follow_request_find(a, requester_id, owner_id, &request_id, err);
	if (found < 0)
		return -1;
	if (found == 0)
		return err_set(err, ERR_NOT_FOUND, "That follow request no longer exists.",
			       "no follow request from %lld", (long long)requester_id);
	return decide(a, owner_id, request_id, accept, err);
}

/* Loads one page of a relation: one row more than asked shows whether there is more in the
 * direction read; rows read oldest first (min_id) are turned to newest first. */
int
follow_relation_page(struct arena *a, enum db_relation rel, bool incoming, int64_t account_id,
		     const struct page_key *key, struct account_page *out, struct err *err)
{
	memset(out, 0, sizeof *out);
	int limit = key->limit > 0 ? key->limit : 20;
	struct account_entry *rows;
	int n = db_relation_list(a, rel, incoming, account_id, key->max_id, key->min_id, limit + 1,
				 &rows, err);
	if (n < 0)
		return -1;
	bool more = n > limit;
	if (more)
		n = limit;
	if (key->min_id != 0) {
		/* read ascending from min_id and dropped the newest extra row: keep the n oldest */
		for (int i = 0; i < n / 2; i++) {
			struct account_entry t = rows[i];
			rows[i] = rows[n - 1 - i];
			rows[n - 1 - i] = t;
		}
		out->has_newer = more;
		out->has_older = true;
	} else {
		out->has_newer = key->max_id != 0;
		out->has_older = more;
	}
	out->items = rows;
	out->n = n;
	return 0;
}

int
follow_list_followers(struct arena *a, int64_t account_id, const struct page_key *key,
		      struct account_page *out, struct err *err)
{
	return follow_relation_page(a, DB_REL_FOLLOWS, true, account_id, key, out, err);
}

int
follow_list_following(struct arena *a, int64_t account_id, const struct page_key *key,
		      struct account_page *out, struct err *err)
{
	return follow_relation_page(a, DB_REL_FOLLOWS, false, account_id, key, out, err);
}

int
follow_list_requests(struct arena *a, int64_t account_id, const struct page_key *key,
		     struct account_page *out, struct err *err)
{
	return follow_relation_page(a, DB_REL_FOLLOW_REQUESTS, true, account_id, key, out, err);
}

bool
follow_lists_visible(const struct account *owner, int64_t viewer_id)
{
	return !owner->hide_collections || owner->id == viewer_id;
}
