/* deletion.c - a member deletes their own account. */
#include "core/deletion.h"

#include "core/cache.h"
#include "core/events.h"
#include "core/media.h"
#include "core/moderation.h"
#include "core/twofactor.h"
#include "db/db.h"
#include "db/alerts.h"
#include "db/deletion.h"
#include "db/moves.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/log.h"

#define SWEEP_BATCH 100

int
deletion_delete_account(struct arena *a, const struct account *member, const char *password,
			const char *code, struct err *err)
{
	if (member->domain != NULL)
		return err_set(err, ERR_FORBIDDEN, NULL, "not a member of this node");
	if (db_begin(err) != 0)
		return -1;
	/* a second request waits here for the first, then finds it deleted */
	int live = db_account_lock_live(a, member->id, err);
	if (live <= 0) {
		db_rollback();
		return live < 0 ? -1
				: err_set(err, ERR_GONE, "This account has been deleted.",
					  "account %lld deleted already", (long long)member->id);
	}
	if (twofactor_confirm(a, member, password, code, err) != 0)
		goto fail;
	struct event actor_delete = {.kind = EV_ACCOUNT_DELETING, .actor_id = member->id};
	if (mod_purge_data(a, member, &actor_delete, err) != 0)
		goto fail;
	if (db_account_self_delete(a, member->id, err) != 0 ||
	    db_move_forget(a, member->id, err) != 0 ||
	    db_alerts_forget_account(a, member->id, err) != 0)
		goto fail;
	if (db_commit(err) != 0)
		return -1;
	media_empty_trash(a);
	log_msg(LOG_INFO, "account %lld was deleted by its member", (long long)member->id);
	return 0;
fail:
	db_rollback();
	return -1;
}

int
deletion_hold_live(struct arena *a, int64_t account_id, struct err *err)
{
	int live = db_account_hold_live(a, account_id, err);
	if (live < 0)
		return -1;
	if (live == 0)
		return err_set(err, ERR_GONE, "This account has been deleted.",
			       "account %lld deleted while writing for it", (long long)account_id);
	return 0;
}

int
deletion_sweep(struct arena *a, struct err *err)
{
	int64_t *ids;
	int n = db_deleted_accounts_done(a, SWEEP_BATCH, &ids, err);
	if (n < 0)
		return -1;
	int done = 0;
	for (int i = 0; i < n; i++) {
		/* no process may keep the key in memory (ap/keys.c): every one is told */
		if (db_begin(err) != 0)
			return -1;
		int rc = db_account_forget(a, ids[i], err);
		if (rc < 0 || (rc > 0 && cache_notify(a, CACHE_KEYS, err) != 0) ||
		    db_commit(err) != 0) {
			db_rollback();
			cache_invalidate(CACHE_KEYS);
			return -1;
		}
		cache_invalidate(CACHE_KEYS);
		if (rc > 0) {
			log_msg(LOG_INFO, "deleted account %lld: key and handle forgotten",
				(long long)ids[i]);
			done++;
		}
	}
	return done;
}
