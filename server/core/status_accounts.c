/* status_accounts.c - who liked or boosted a post (see status_accounts.h). */
#include "core/status_accounts.h"

#include <stddef.h>

#include "core/status.h"
#include "db/blocks.h"
#include "db/model.h"
#include "util/arena.h"
#include "util/err.h"

/* Takes out of out the accounts a block stands between and viewer_id (one query). */
static int
drop_blocked(struct arena *a, int64_t viewer_id, struct account_page *out, struct err *err)
{
	if (viewer_id == 0 || out->n == 0)
		return 0;
	int64_t *ids = arena_alloc(a, sizeof *ids * (size_t)out->n), *apart;
	for (int i = 0; i < out->n; i++)
		ids[i] = out->items[i].account.id;
	int napart = db_blocks_among(a, viewer_id, ids, out->n, &apart, err);
	if (napart < 0)
		return -1;
	int kept = 0;
	for (int i = 0; i < out->n; i++) {
		bool blocked = false;
		for (int k = 0; k < napart; k++)
			blocked = blocked || apart[k] == out->items[i].account.id;
		if (!blocked)
			out->items[kept++] = out->items[i];
	}
	out->n = kept;
	return 0;
}

int
status_accounts(struct arena *a, const struct account *viewer, int64_t id,
		enum status_accounts_kind kind, const struct page_key *key,
		struct account_page *out, struct err *err)
{
	int64_t viewer_id = viewer ? viewer->id : 0;
	if (status_get(a, viewer_id, id, err) == NULL)
		return -1;
	enum db_relation rel = kind == STATUS_LIKED_BY ? DB_REL_FAVOURITES : DB_REL_REBLOGS;
	if (follow_relation_page(a, rel, true, id, key, out, err) != 0)
		return -1;
	return drop_blocked(a, viewer_id, out, err);
}
