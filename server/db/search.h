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

#endif
