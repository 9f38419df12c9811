/* follow.h - the social graph between members: follows, follow requests for locked accounts,
 * and how two accounts stand with each other (for the buttons of a profile page). Blocks and
 * mutes are in core/block.h. Web pages, the client API and federation all follow here. */
#ifndef PARASOL_CORE_FOLLOW_H
#define PARASOL_CORE_FOLLOW_H

#include <stdbool.h>
#include <stdint.h>

#include "db/follows.h" /* struct account_entry */
#include "db/model.h"

struct arena;
struct err;

/* How the viewer stands with the target. */
struct relationship {
	bool following;	  /* viewer follows target */
	bool requested;	  /* viewer asked to follow (target is locked), not yet decided */
	bool followed_by; /* target follows viewer */
	bool blocking;	  /* viewer blocks target */
	bool blocked_by;  /* target blocks viewer */
	bool muting;	  /* viewer mutes target */
};

/* Fills out for viewer_id looking at target_id (all false when they are the same account or
 * viewer_id is 0, a visitor). 0, or -1 + err on a database error. */
int relationship_get(struct arena *a, int64_t viewer_id, int64_t target_id,
		     struct relationship *out, struct err *err);

/* Follows target_id: a follow at once, or a follow request when target is locked (then
 * *requested is true and target gets a follow-request notification; else a follow
 * notification). Following again is a no-op. Fails with ERR_FORBIDDEN when either blocks the
 * other, ERR_UNPROCESSABLE for oneself, ERR_NOT_FOUND for an unknown or pending account,
 * ERR_GONE when the follower's account has been deleted (core/deletion.h). */
int follow_account(struct arena *a, int64_t follower_id, int64_t target_id, bool *requested,
		   struct err *err);

/* What a member's "Follow" does (the web's button, the client API): follow_account, but a
 * remote target is followed only as the account its handle's server names now by WebFinger
 * (account_lookup_remote), so that followers-only posts never go to a squatter of the
 * handle. *followed_id gets the account followed. Errors as follow_account's, and the
 * lookup's. */
int follow_chosen(struct arena *a, int64_t follower_id, const struct account *target,
		  bool *requested, int64_t *followed_id, struct err *err);

/* Stops following target_id and withdraws a pending request; a no-op when there was
 * neither. 0, or -1 + err. */
int follow_undo(struct arena *a, int64_t follower_id, int64_t target_id, struct err *err);

/* Accepts / rejects the follow request request_id made to owner_id (only the owner decides:
 * ERR_NOT_FOUND for another member's or an unknown request). */
int follow_request_accept(struct arena *a, int64_t owner_id, int64_t request_id, struct err *err);
int follow_request_reject(struct arena *a, int64_t owner_id, int64_t request_id, struct err *err);

/* Accepts (accept) or rejects the follow request requester_id made to owner_id: the same as
 * follow_request_accept / _reject, named by the account that asked (the client API's
 * /api/v1/follow_requests/:account_id/authorize). ERR_NOT_FOUND when there is none. */
int follow_request_answer(struct arena *a, int64_t owner_id, int64_t requester_id, bool accept,
			  struct err *err);

/* A page of accounts from a relation table, newest first (struct account_entry: the
 * relation row's id, the keyset pagination key, and the account). */
struct account_page {
	struct account_entry *items; /* arena-owned */
	int n;
	bool has_newer, has_older;
};

/* Which page to load: ids older than max_id, or newer than min_id (0: none), limit rows. */
struct page_key {
	int64_t max_id;
	int64_t min_id;
	int limit;
};

/* Who follows account_id / whom account_id follows / who asks to follow account_id.
 * Whether a list may be shown (hide_collections) is the caller's check:
 * follow_lists_visible. 0, or -1 + err. */
int follow_list_followers(struct arena *a, int64_t account_id, const struct page_key *key,
			  struct account_page *out, struct err *err);
int follow_list_following(struct arena *a, int64_t account_id, const struct page_key *key,
			  struct account_page *out, struct err *err);
int follow_list_requests(struct arena *a, int64_t account_id, const struct page_key *key,
			 struct account_page *out, struct err *err);

/* The page of relation rel (db/follows.h) of account_id described by key: the shared
 * loader of the lists above and of core/block.h's. 0, or -1 + err. */
int follow_relation_page(struct arena *a, enum db_relation rel, bool incoming, int64_t account_id,
			 const struct page_key *key, struct account_page *out, struct err *err);

/* Whether viewer_id (0 for visitors) may see owner's follower and following lists: always
 * the owner; others unless the owner hides them. */
bool follow_lists_visible(const struct account *owner, int64_t viewer_id);

#endif
