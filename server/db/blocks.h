/* blocks.h - SQL for blocks and mutes (their listings are db_relation_list in
 * db/follows.h). Database errors only; the rules live in core/block.c. */
#ifndef PARASOL_DB_BLOCKS_H
#define PARASOL_DB_BLOCKS_H

#include <stdint.h>

struct arena;
struct err;

/* Blocks target and, in the same statement, removes the follows and follow requests between
 * the two accounts in both directions. 1 when the block is new (*block_id, unless NULL, gets
 * its id), 0 when it existed, -1 + err. */
int db_block_insert(struct arena *a, int64_t account, int64_t target, int64_t *block_id,
		    struct err *err);

/* Removes a block; rows removed (0 or 1) or -1 + err. *block_id (unless NULL) gets the
 * removed block's id, 0 when there was none. */
int db_block_delete(struct arena *a, int64_t account, int64_t target, int64_t *block_id,
		    struct err *err);

/* Mutes / unmutes target: rows changed (0 or 1) or -1 + err. */
int db_mute_insert(struct arena *a, int64_t account, int64_t target, struct err *err);
int db_mute_delete(struct arena *a, int64_t account, int64_t target, struct err *err);

/* Of the accounts ids[0..n), those a block stands between and viewer, either way: count
 * (their ids into *out, arena) or -1 + err. One query. */
int db_blocks_among(struct arena *a, int64_t viewer, const int64_t *ids, int n, int64_t **out,
		    struct err *err);

#endif
