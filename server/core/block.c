/* block.c - blocks and mutes; SQL lives in db/blocks.c. */
#include "block.h"

#include <stdbool.h>
#include <stddef.h>

#include "core/account.h"
#include "core/events.h"
#include "db/blocks.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"

/* Checks that target_id is another, existing account. */
static int
check_target(struct arena *a, int64_t account_id, int64_t target_id, struct err *err)
{
	if (account_id == target_id)
		return err_set(err, ERR_UNPROCESSABLE, "You can't do that to your own account.",
			       "self block or mute");
	return account_by_id(a, target_id, err) == NULL ? -1 : 0;
}

/* Tells a remote account's server (events.h): Mastodon hides the blocker from the blocked.
 * block_id: the block made or taken back. */
static int
tell_remote(struct arena *a, enum event_kind kind, int64_t account_id, int64_t target_id,
	    int64_t block_id, struct err *err)
{
	struct account *target = account_by_id(a, target_id, err);
	if (target == NULL)
		return -1;
	if (target->domain == NULL)
		return 0;
	struct event ev = {.kind = kind, .actor_id = account_id, .target_id = target_id,
			   .object_id = block_id};
	return events_emit(a, &ev, err);
}

/* Blocks (add) or unblocks, and queues what peers must hear, in one transaction. */
static int
change_block(struct arena *a, int64_t account_id, int64_t target_id, bool add, struct err *err)
{
	if (db_begin(err) != 0)
		return -1;
	int64_t block_id = 0;
	int n = add ? db_block_insert(a, account_id, target_id, &block_id, err)
		    : db_block_delete(a, account_id, target_id, &block_id, err);
	if (n < 0 ||
	    (n > 0 && tell_remote(a, add ? EV_BLOCK : EV_UNBLOCK, account_id, target_id, block_id,
				  err) != 0) ||
	    db_commit(err) != 0) {
		db_rollback();
		return -1;
	}
	return 0;
}

int
block_add(struct arena *a, int64_t account_id, int64_t target_id, struct err *err)
{
	if (check_target(a, account_id, target_id, err) != 0)
		return -1;
	return change_block(a, account_id, target_id, true, err);
}

int
block_remove(struct arena *a, int64_t account_id, int64_t target_id, struct err *err)
{
	return change_block(a, account_id, target_id, false, err);
}

int
mute_add(struct arena *a, int64_t account_id, int64_t target_id, struct err *err)
{
	if (check_target(a, account_id, target_id, err) != 0)
		return -1;
	return db_mute_insert(a, account_id, target_id, err) < 0 ? -1 : 0;
}

int
mute_remove(struct arena *a, int64_t account_id, int64_t target_id, struct err *err)
{
	return db_mute_delete(a, account_id, target_id, err) < 0 ? -1 : 0;
}

int
block_list(struct arena *a, int64_t account_id, const struct page_key *key,
	   struct account_page *out, struct err *err)
{
	return follow_relation_page(a, DB_REL_BLOCKS, false, account_id, key, out, err);
}

int
mute_list(struct arena *a, int64_t account_id, const struct page_key *key, struct account_page *out,
	  struct err *err)
{
	return follow_relation_page(a, DB_REL_MUTES, false, account_id, key, out, err);
}

int
block_drop_from_page(struct arena *a, int64_t viewer_id, struct account_page *page, struct err *err)
{
	if (viewer_id == 0 || page->n == 0)
		return 0;
	int64_t *ids = arena_alloc(a, sizeof *ids * (size_t)page->n), *apart;
	for (int i = 0; i < page->n; i++)
		ids[i] = page->items[i].account.id;
	int napart = db_blocks_among(a, viewer_id, ids, page->n, &apart, err);
	if (napart < 0)
		return -1;
	int kept = 0;
	for (int i = 0; i < page->n; i++) {
		bool blocked = false;
		for (int k = 0; k < napart; k++)
			blocked = blocked || apart[k] == page->items[i].account.id;
		if (!blocked)
			page->items[kept++] = page->items[i];
	}
	page->n = kept;
	return 0;
}
