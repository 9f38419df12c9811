/* block.h - blocks and mutes, chosen by each member. A block cuts every follow and follow
 * request between the two accounts and hides each from the other (VISIBLE_TO); a
 * mute only keeps the muted account out of the muter's timelines and notifications. */
#ifndef PARASOL_CORE_BLOCK_H
#define PARASOL_CORE_BLOCK_H

#include <stdint.h>

#include "core/follow.h"

struct arena;
struct err;

/* Blocks / unblocks target_id (idempotent). Blocking removes follows and follow requests
 * both ways. ERR_UNPROCESSABLE for oneself, ERR_NOT_FOUND for an unknown account. */
int block_add(struct arena *a, int64_t account_id, int64_t target_id, struct err *err);
int block_remove(struct arena *a, int64_t account_id, int64_t target_id, struct err *err);

/* Mutes / unmutes target_id (idempotent); same errors as block_add. */
int mute_add(struct arena *a, int64_t account_id, int64_t target_id, struct err *err);
int mute_remove(struct arena *a, int64_t account_id, int64_t target_id, struct err *err);

/* The accounts account_id blocks / mutes, newest first (struct account_page and struct
 * page_key in core/follow.h). 0, or -1 + err. */
int block_list(struct arena *a, int64_t account_id, const struct page_key *key,
	       struct account_page *out, struct err *err);
int mute_list(struct arena *a, int64_t account_id, const struct page_key *key,
	      struct account_page *out, struct err *err);

/* Takes out of page (a list of accounts another member's follows or likes make) the
 * accounts a block stands between and viewer_id, in either direction, in one query: nobody
 * sees across a block, in a list no more than in a post. viewer_id 0 (a visitor) keeps
 * them all. 0, or -1 + err. */
int block_drop_from_page(struct arena *a, int64_t viewer_id, struct account_page *page,
			 struct err *err);

#endif
