/* search.h - SQL for account and hashtag search (core/search.c prepares the pattern). */
#ifndef PARASOL_DB_SEARCH_H
#define PARASOL_DB_SEARCH_H

#include <stdint.h>

#include "db/model.h"

struct arena;
struct err;

/* Approved accounts matching: for members (viewer_id != 0) the LIKE-escaped pattern inside the
 * username or display name, for visitors only the exact username; never accounts that block
 * the viewer. Exact matches first, then prefix matches, at most 20. Count or -1. */
int db_search_accounts(struct arena *a, const char *pattern, const char *exact,
		       int64_t viewer_id, struct account **out, struct err *err);

/* Tags whose name contains the pattern and that have at least one post the viewer may see,
 * at most 20, exact and prefix matches first. Count or -1. */
int db_search_tags(struct arena *a, const char *pattern, const char *exact, int64_t viewer_id,
		   const char ***out, struct err *err);

/* The ids of account_id's own posts (no boosts) whose text contains the LIKE-escaped
 * pattern (case-insensitive), below max_id (0: from the newest), newest first, at most
 * limit; *out arena-owned. Count or -1. */
int db_search_own_posts(struct arena *a, int64_t account_id, const char *pattern,
			int64_t max_id, int limit, int64_t **out, struct err *err);

#endif
