/* paging.h - Mastodon's keyset paging over core/timeline.h pages: max_id, since_id, min_id
 * and limit in, a Link header out with rel="next" first (toot reads only a leading
 * rel="next" link). */
#ifndef PARASOL_API_PAGING_H
#define PARASOL_API_PAGING_H

#include <stdint.h>

#include "core/timeline.h"

struct api_call;

#define API_PAGE_DEFAULT 20
#define API_PAGE_MAX 40

/* Reads max_id, since_id, min_id and limit (default 20, at most 40) into q and *since_id.
 * since_id (newest items above it) is read as a page from the top filtered by
 * api_page_since; min_id (the items just above it) as core's min_id. 0 or -1 + err (422
 * naming the parameter). */
int api_page_params(struct api_call *call, struct timeline_query *q, int64_t *since_id);

/* Drops the items of p whose key is not above since_id (0: none dropped). */
void api_page_since(struct timeline_page *p, int64_t since_id);

/* Sets the Link header for a page whose keys ran from newest to oldest (the page as read,
 * before any filtering): next (older, max_id=oldest) when there may be older items, prev
 * (newer, min_id=newest). Other query parameters are kept. Nothing when the page was
 * empty. */
void api_page_links(struct api_call *call, int64_t newest, int64_t oldest, bool has_older);

#endif
