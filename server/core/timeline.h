/* timeline.h - reading: home, local, hashtag, profile and bookmark timelines and threads.
 * Every list is filtered by the one visibility rule (core/visibility.h) inside the query,
 * and paged by keys (max_id / min_id), never by offset. */
#ifndef PARASOL_CORE_TIMELINE_H
#define PARASOL_CORE_TIMELINE_H

#include <stdbool.h>
#include <stdint.h>

#include "db/model.h"
#include "db/statuses.h" /* struct status */

struct arena;
struct err;

/* Which page: items older than max_id, or (min_id != 0) newer than min_id; 0 for none. */
struct timeline_query {
	int64_t max_id;
	int64_t min_id;
	int limit;
};

/* A page of posts, newest first; keys run from items[0].key down. */
struct timeline_page {
	struct status *items; /* arena-owned */
	int n;
	bool has_newer, has_older;
};

/* The viewer's own posts and the posts and boosts of accounts they follow, without muted or
 * blocked accounts. 0 or -1 + err (for this and the functions below). */
int timeline_home(struct arena *a, int64_t viewer_id, const struct timeline_query *q,
		  struct timeline_page *out, struct err *err);

/* Public posts of this node's members, no boosts. viewer_id 0 for a visitor. */
int timeline_local(struct arena *a, int64_t viewer_id, const struct timeline_query *q,
		   struct timeline_page *out, struct err *err);

/* Posts tagged tag: public ones for visitors; for members everything they may see but
 * direct posts. */
int timeline_tag(struct arena *a, int64_t viewer_id, const char *tag,
		 const struct timeline_query *q, struct timeline_page *out, struct err *err);

/* The posts and boosts of account_id that viewer_id may see. */
int timeline_account(struct arena *a, int64_t viewer_id, int64_t account_id,
		     const struct timeline_query *q, struct timeline_page *out, struct err *err);

/* The posts account_id pinned that viewer_id may see (up to five, newest first). */
int timeline_pinned(struct arena *a, int64_t viewer_id, int64_t account_id,
		    struct timeline_page *out, struct err *err);

/* The viewer's bookmarks. */
int timeline_bookmarks(struct arena *a, int64_t viewer_id, const struct timeline_query *q,
		       struct timeline_page *out, struct err *err);

/* The posts the viewer liked (keyed by the post, as bookmarks are). */
int timeline_favourites(struct arena *a, int64_t viewer_id, const struct timeline_query *q,
			struct timeline_page *out, struct err *err);

/* Rows a member's home feed keeps (db/statuses.h: older ones are read the slower way). */
#define HOME_FEED_KEEP 800

/* Feeds the sweep looks at per round (about 0.5 ms each). */
#define HOME_FEED_SWEEP_BATCH 200

/* Periodic work: trims, of the next HOME_FEED_SWEEP_BATCH home feeds (going round all of
 * them, round after round), those that grew past twice HOME_FEED_KEEP. 0, or -1 + err. */
int timeline_sweep(struct arena *a, struct err *err);

/* A thread around post id: ancestors oldest first, the post, replies in order. */
struct thread {
	struct status *ancestors;
	int nancestors;
	struct status *focus;
	struct status *descendants;
	int ndescendants;
};

/* Fills out; ERR_NOT_FOUND when viewer_id may not see post id. */
int timeline_thread(struct arena *a, int64_t viewer_id, int64_t id, struct thread *out,
		    struct err *err);

/* Whether viewer_id may see account_id's profile at all: not when account_id blocks them
 * (1 yes, 0 no, -1 + err). */
int timeline_profile_visible(struct arena *a, int64_t viewer_id, int64_t account_id,
			     struct err *err);

/* Whether viewer (NULL: a visitor) may see acct's profile and posts at all: not when it is
 * not approved, suspended (but for itself and the moderators) or blocks viewer. 0, or -1
 * with ERR_NOT_FOUND (one answer: such a profile doesn't exist for them) or another error.
 * The web's profile page and the client API both ask this. */
int timeline_profile_check(struct arena *a, const struct account *viewer,
			   const struct account *acct, struct err *err);
/* Profile numbers: posts, followers, following. 0 or -1 + err. */
int timeline_account_counts(struct arena *a, int64_t account_id, long *posts, long *followers,
			    long *following, struct err *err);

#endif
