/* status_accounts.c - who liked or boosted a post (see status_accounts.h). */
#include "core/status_accounts.h"

#include <stddef.h>

#include "core/status.h"
#include "core/timeline.h"
#include "db/model.h"
#include "util/err.h"

/* Whether viewer and the account are apart by a block, either way: 1, 0 or -1. */
static int
blocked_between(struct arena *a, int64_t viewer_id, int64_t account_id, struct err *err)
{
	struct relationship rel; /* all false for a visitor and for oneself */
	if (relationship_get(a, viewer_id, account_id, &rel, err) != 0)
		return -1;
	return rel.blocking || rel.blocked_by;
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
	int kept = 0;
	for (int i = 0; i < out->n; i++) {
		int apart = blocked_between(a, viewer_id, out->items[i].account.id, err);
		if (apart < 0)
			return -1;
		if (!apart)
			out->items[kept++] = out->items[i];
	}
	out->n = kept;
	return 0;
}
