/* status_accounts.c - who liked or boosted a post (see status_accounts.h). */
#include "core/status_accounts.h"

#include <stddef.h>

#include "core/block.h"
#include "core/status.h"
#include "db/model.h"
#include "util/arena.h"
#include "util/err.h"

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
	return block_drop_from_page(a, viewer_id, out, err);
}
