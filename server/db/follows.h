/* follows.h - SQL for the relation tables between accounts: follows, follow_requests (and
 * the listing shared with blocks and mutes). Database errors only; the rules live in
 * core/follow.c and core/block.c. */
#ifndef PARASOL_DB_FOLLOWS_H
#define PARASOL_DB_FOLLOWS_H

#include <stdbool.h>
#include <stdint.h>

#include "db/model.h"

struct arena;
struct err;

/* One row of a relation listing: the relation row's id (the pagination key) and the account
 * on the other side, its strings owned by the arena. */
struct account_entry {
	int64_t key_id;
	struct account account;
};

enum db_relation {
	DB_REL_FOLLOWS,
	DB_REL_FOLLOW_REQUESTS,
	DB_REL_BLOCKS,
	DB_REL_MUTES,
	DB_REL_FAVOURITES, /* who liked a post: account_id is the post's id (incoming only) */
	DB_REL_REBLOGS,	   /* who boosted a post: account_id is the post's id (incoming only) */
	DB_REL__MAX
};

/* Lists the accounts related to account_id in table rel: outgoing (account_id is the
 * relation's subject: whom it follows/blocks/mutes) or incoming (account_id is the target:
 * its followers, who asks to follow it). Rows with an id below max_id, newest first, or
 * (min_id != 0) above min_id, oldest first; at most limit. Pending accounts are left out,
 * and so are suspended ones from follows and follow requests.
 * *out is arena-owned. Returns the count, or -1 + err. */
int db_relation_list(struct arena *a, enum db_relation rel, bool incoming, int64_t account_id,
		     int64_t max_id, int64_t min_id, int limit, struct account_entry **out,
		     struct err *err);

/* The follow request requester made to target: 1 with *request_id, 0 when there is none,
 * -1 + err. */
int db_follow_request_find(struct arena *a, int64_t requester, int64_t target,
			   int64_t *request_id, struct err *err);

/* Flags of how viewer stands with target, in struct relationship order: following,
 * requested, followed_by, blocking, blocked_by, muting. 0, or -1 + err. */
int db_relationship(struct arena *a, int64_t viewer, int64_t target, bool flags[6],
		    struct err *err);

/* Inserts a follow unless a block stands between the two either way, and drops a pending
 * request. 1 when the follow was made, 0 when it already existed, 2 when a block refused it,
 * -1 + err. */
int db_follow_insert(struct arena *a, int64_t follower, int64_t target, struct err *err);

/* Same for a follow request (nothing when already following): 1 made, 0 existed or already
 * following, 2 refused by a block, -1 + err. */
int db_follow_request_insert(struct arena *a, int64_t follower, int64_t target, struct err *err);

/* Deletes the follow and the follow request from follower to target. Rows removed or -1.
 * *uri (unless NULL) gets the id of the Follow activity that made the removed row (arena;
 * NULL when none was stored). */
int db_follow_delete(struct arena *a, int64_t follower, int64_t target, const char **uri,
		     struct err *err);

/* Deletes the request request_id made to target; when accept, turns it into a follow.
 * *requester gets who asked, *uri (may be NULL) the remote Follow's id (NULL for a local
 * request). 1 done, 0 no such request, -1 + err. */
int db_follow_request_decide(struct arena *a, int64_t target, int64_t request_id, bool accept,
			     int64_t *requester, const char **uri, struct err *err);

#endif
