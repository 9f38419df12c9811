/* search.h - finding accounts by username or display name, hashtags by name, and one's own
 * posts by their words. Nobody searches other members' posts, by design: members' words
 * are not a directory. */
#ifndef PARASOL_CORE_SEARCH_H
#define PARASOL_CORE_SEARCH_H

#include <stdbool.h>
#include <stdint.h>

#include "db/model.h"
#include "db/statuses.h" /* struct status */

struct arena;
struct err;

#define SEARCH_LIMIT 20	     /* accounts, and tags, at most */
#define SEARCH_QUERY_MAX 100 /* characters */
#define SEARCH_POSTS_MAX 40  /* own posts a search returns at most */

struct search_results {
	const char *query; /* what was searched for: trimmed, without a leading @ or # */
	struct account *accounts;
	int naccounts;
	const char **tags; /* tag names as stored */
	int ntags;
	const char *remote_error; /* why a user@domain lookup found nobody (safe), or NULL */
};

/* Searches for q (case-insensitive; a leading '@' or '#' and surrounding spaces are
 * ignored, as is an "@domain" after a name). Members (viewer_id != 0) find approved local
 * accounts whose username or display name contains q, leaving out accounts that block them;
 * visitors (viewer_id 0) only find an account by its exact username, so that the search is
 * not a public directory of members. Tags match by substring and are listed only when the
 * viewer may see at least one post carrying them. A member's q of the form user@domain also
 * finds that remote account first: with resolve, looked up on its server when this node
 * federates with it (account_lookup_remote); without, only when it is known here already
 * (account_by_handle: no peer is contacted). An empty q finds nothing (0). Results are
 * arena-owned, best matches first. ERR_UNPROCESSABLE for a query over SEARCH_QUERY_MAX
 * characters; -1 + err on a database error. */
int search_run(struct arena *a, const char *q, int64_t viewer_id, bool resolve,
	       struct search_results *out, struct err *err);

/* The viewer's own posts (never a boost) whose text contains q (case-insensitive, spaces
 * around it ignored), newest first, below max_id (0: from the newest), at most limit (1 to
 * SEARCH_POSTS_MAX): a member finds what they wrote; nobody searches anyone else's words.
 * *out arena-owned. Count, 0 for an empty q, or -1 + err (ERR_UNPROCESSABLE for a q over
 * SEARCH_QUERY_MAX characters). */
int search_own_posts(struct arena *a, int64_t viewer_id, const char *q, int64_t max_id,
		     int limit, struct status **out, struct err *err);

#endif
