/* statuses.h - SQL for posts and what hangs off them: mentions, tags, edits, boosts, likes,
 * bookmarks, pins, and the timeline queries. Every query that returns posts to a viewer
 * filters them with VISIBLE_TO (core/visibility.h). Database errors only; the rules live in
 * core/status.c and core/timeline.c. */
#ifndef PARASOL_DB_STATUSES_H
#define PARASOL_DB_STATUSES_H

#include <stdbool.h>
#include <stdint.h>

#include "db/model.h"

struct arena;
struct err;

/* A post as pages show it, with its author, its counts and what the viewer did with it.
 * For a boost in a timeline, the fields describe the boosted post and booster_* the member
 * who boosted it. Strings are owned by the arena of the query. */
struct status {
	int64_t key; /* the timeline row's id (the boost's own id for a boost): the page key */
	int64_t id;
	struct account author;
	const char *text;	  /* as written */
	const char *content;	  /* rendered by core/text.c: trusted HTML */
	const char *spoiler_text; /* "" for none */
	bool sensitive;
	enum visibility visibility;
	int64_t in_reply_to_id;	  /* 0: not a reply (or the parent is gone) */
	int64_t in_reply_to_account_id;
	const char *in_reply_to_acct; /* its author's username, "user@domain" when remote; NULL when unknown */
	const char *created_at;		  /* ISO 8601, UTC */
	const char *edited_at;		  /* NULL when never edited */
	const char *expires_at;		  /* when it deletes itself (core/expiry.h); NULL: never */
	long replies_count, reblogs_count, favourites_count;
	bool favourited, reblogged, bookmarked, pinned; /* by the viewer */
	int64_t booster_id;				/* 0: not a boost */
	const char *booster_acct, *booster_name; /* acct: username, "user@domain" when remote */
};

/* Which posts db_status_list returns (arg is the account id, the tag name or the post id). */
enum db_timeline {
	DB_TL_HOME,	   /* the viewer's own and followed accounts' posts and boosts */
	DB_TL_LOCAL,	   /* public posts, no boosts */
	DB_TL_TAG,	   /* posts tagged arg_text, no boosts; visitors public ones only */
	DB_TL_ACCOUNT,	   /* posts and boosts by arg_id */
	DB_TL_PINNED,	   /* posts arg_id pinned */
	DB_TL_BOOKMARKS,   /* posts the viewer bookmarked */
	DB_TL_FAVOURITES,  /* posts the viewer liked */
	DB_TL_ONE,	   /* the post arg_id (not a boost row) */
	DB_TL_ANCESTORS,   /* the posts arg_id replies to, up the chain */
	DB_TL_DESCENDANTS, /* the replies to arg_id and their replies */
	DB_TL__MAX
};

/* Lists posts of kind visible to viewer (0: a visitor), keys below max_id and above min_id
 * (0: no bound), at most limit, newest first (oldest first when ascending). *out is
 * arena-owned. Returns the count, or -1 + err. */
int db_status_list(struct arena *a, enum db_timeline kind, int64_t viewer, int64_t arg_id,
		   const char *arg_text, int64_t max_id, int64_t min_id, int limit, bool ascending,
		   struct status **out, struct err *err);

/* Inserts a post; *id_out gets its id. */
int db_status_insert(struct arena *a, int64_t account_id, const char *text, const char *content,
		     const char *spoiler_text, bool sensitive, enum visibility vis,
		     int64_t in_reply_to_id, int64_t in_reply_to_account_id, int64_t *id_out,
		     struct err *err);

/* Records that status_id mentions account_id / carries tag name (made when new). */
int db_status_add_mention(struct arena *a, int64_t status_id, int64_t account_id,
			  struct err *err);
int db_status_add_tag(struct arena *a, int64_t status_id, const char *name, struct err *err);

/* Forgets the mentions and tags of status_id (before an edit records the new ones). */
int db_status_clear_refs(struct arena *a, int64_t status_id, struct err *err);

/* The accounts status_id mentions; count (into *out, arena) or -1. */
int db_status_mentions(struct arena *a, int64_t status_id, int64_t **out, struct err *err);

/* Keeps the current version of status_id in status_edits, then stores the new one and sets
 * edited_at. Returns rows changed (0 when there is no such post) or -1. */
int db_status_update(struct arena *a, int64_t status_id, const char *text, const char *content,
		     const char *spoiler_text, bool sensitive, struct err *err);

/* One version of a post, for the history page. */
struct status_version {
	int64_t id; /* the status_edits row; 0 for the current version */
	const char *content, *spoiler_text;
	bool sensitive;
	const char *created_at;
	bool current;
};

/* The versions of status_id, newest (the current one) first; count or -1. */
int db_status_versions(struct arena *a, int64_t status_id, struct status_version **out,
		       struct err *err);

/* Erases the earlier version edit_id of status_id (a status_edits row). Rows deleted (0 or
 * 1) or -1. */
int db_status_version_delete(struct arena *a, int64_t status_id, int64_t edit_id,
			     struct err *err);

/* Deletes the post status_id of account_id (its boosts, likes, bookmarks, pins, mentions
 * and notifications go with it). Rows deleted (0 or 1) or -1. */
int db_status_delete(struct arena *a, int64_t status_id, int64_t account_id, struct err *err);

/* Boosts status_id as account_id with visibility vis: 1 when made (*boost_id, unless NULL,
 * gets the boost's id), 0 when it existed. */
int db_status_reblog(struct arena *a, int64_t account_id, int64_t status_id, enum visibility vis,
		     int64_t *boost_id, struct err *err);

/* Marks kept per member and post. */
enum db_mark { DB_MARK_REBLOG, DB_MARK_FAVOURITE, DB_MARK_BOOKMARK, DB_MARK_PIN, DB_MARK__MAX };

/* Removes a mark (for DB_MARK_REBLOG: the boost). Rows removed or -1; *row_id (unless NULL)
 * gets the removed row's id (the boost's, the like's), 0 when none was removed. */
int db_status_unmark(struct arena *a, enum db_mark mark, int64_t account_id, int64_t status_id,
		     int64_t *row_id, struct err *err);

/* Adds a like or bookmark: 1 when made (*row_id, unless NULL, gets its id), 0 when it
 * existed, -1. */
int db_status_mark(struct arena *a, enum db_mark mark, int64_t account_id, int64_t status_id,
		   int64_t *row_id, struct err *err);

/* Pins status_id for account_id unless max pins exist: 1 made, 0 existed, 2 full, -1. */
int db_status_pin(struct arena *a, int64_t account_id, int64_t status_id, int max,
		  struct err *err);

/* Profile numbers: posts (not boosts), followers, following. 0 or -1. */
int db_account_counts(struct arena *a, int64_t account_id, long *posts, long *followers,
		      long *following, struct err *err);

/* Whether blocker blocks target: 1, 0 or -1. */
int db_account_blocks(struct arena *a, int64_t blocker, int64_t target, struct err *err);

/* Trims, of the `batch` home feeds (migration 0012) of the members with ids above `after`,
 * those holding more than 2 × keep rows to their newest keep, raising their floors (the
 * timelines read older rows the slower way). *last is the last member id looked at, 0 when
 * there were none left. 0, or -1 + err. */
int db_home_feeds_trim(struct arena *a, int keep, int64_t after, int batch, int64_t *last,
		       struct err *err);

#endif
