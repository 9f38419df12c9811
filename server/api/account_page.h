/* account_page.h - answering a page of accounts (followers, following, follow requests,
 * blocks, mutes, who liked or boosted a post) with Mastodon's keyset paging: the same
 * max_id / since_id / min_id / limit as timelines (api/paging.h), keyed by the relation
 * row's id, and the Link header with rel="next" first. */
#ifndef PARASOL_API_ACCOUNT_PAGE_H
#define PARASOL_API_ACCOUNT_PAGE_H

#include "core/follow.h" /* struct account_page, struct page_key */

struct api_call;

/* Reads max_id, min_id and limit (default 20, at most 40) into key, since_id into *since.
 * 0, or -1 + err (422 naming the parameter). */
int api_page_key(struct api_call *call, struct page_key *key, int64_t *since);

/* Loads one page of accounts for the caller (core/follow.h's loaders and their kin). */
typedef int (*api_account_loader)(struct api_call *call, const struct page_key *key,
				  struct account_page *out);

/* Reads the page bounds, calls load, answers a JSON array of Account entities (the rows
 * whose key is above since_id) and the Link header. 0, or -1 + err. */
int api_answer_accounts(struct api_call *call, api_account_loader load);

#endif
