/* apcollections.h - SQL for what ActivityPub serves of a member beside the actor document:
 * whether a remote viewer may fetch one of the member's posts, the posts of the outbox and of
 * the featured collection, and the sizes of the follower and following collections.
 *
 * Every query that picks posts applies VISIBLE_TO (db/visibility.h) with the viewer, so a
 * block hides posts here as everywhere. Collections hold public and unlisted posts only,
 * never boosts; members-only posts never leave the node. Database errors only; what to serve
 * is decided in ap/objects.c. */
#ifndef PARASOL_DB_APCOLLECTIONS_H
#define PARASOL_DB_APCOLLECTIONS_H

#include <stdbool.h>
#include <stdint.h>

struct arena;
struct err;

/* Whether viewer_id may fetch post status_id as a Note of local member author_id: the post
 * exists, is author_id's own (not a boost), is not members-only, and VISIBLE_TO(viewer_id).
 * 1 yes, 0 no (an unknown post included), -1 + err. */
int db_ap_note_visible(struct arena *a, int64_t author_id, int64_t status_id, int64_t viewer_id,
		       struct err *err);

/* Whether viewer_id may see author_id's public posts: VISIBLE_TO(viewer_id) of a public
 * post of theirs, which for public and unlisted posts depends on the two accounts only
 * (blocks either way, the author's suspension or limit, a follow). So every viewer for whom
 * this holds is shown the same outbox and featured collections. 1 yes, 0 no, -1 + err. */
int db_ap_sees_public(struct arena *a, int64_t author_id, int64_t viewer_id, struct err *err);

/* The posts a collection of a member holds. */
enum db_ap_posts {
	DB_AP_OUTBOX,	/* the member's public and unlisted posts, by post id */
	DB_AP_FEATURED, /* the member's pinned public and unlisted posts, by pin */
};

/* How many posts of author_id collection `which` shows viewer_id. -1 + err. */
long db_ap_posts_count(struct arena *a, enum db_ap_posts which, int64_t author_id,
		       int64_t viewer_id, struct err *err);

/* The ids of the posts of author_id collection `which` shows viewer_id, newest first (the
 * outbox: post ids below max_id when max_id != 0; featured: newest pin first, max_id
 * ignored), at most limit of them. *out is arena-owned. Count, or -1 + err. */
int db_ap_posts_page(struct arena *a, enum db_ap_posts which, int64_t author_id, int64_t viewer_id,
		     int64_t max_id, int limit, int64_t **out, struct err *err);

/* How many approved accounts follow account_id (incoming) / account_id follows: the sizes of
 * the lists core/follow.h pages through. -1 + err. */
long db_ap_follows_count(struct arena *a, int64_t account_id, bool incoming, struct err *err);

#endif
