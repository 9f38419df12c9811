/* lockdown.c - see lockdown.h. */
#include "core/lockdown.h"

#include <string.h>

#include "core/cache.h"
#include "core/moderation.h"
#include "core/settings.h"
#include "db/db.h"
#include "db/lockdown.h"
#include "db/moderation.h"
#include "db/settings.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/utf8.h"

/* What the log says when the admin gave no reason (the column needs one). */
#define NO_REASON "—"

int
lockdown_set(struct arena *a, const struct account *admin, bool on, const char *reason,
	     struct err *err)
{
	if (admin == NULL || admin->role != ROLE_ADMIN)
		return err_set(err, ERR_FORBIDDEN, "Only admins can switch the lockdown.",
			       "lockdown: not an admin");
	const char *r = reason ? reason : "";
	if (!utf8_valid(r, strlen(r)))
		return err_set(err, ERR_UNPROCESSABLE, "The text is not valid UTF-8.",
			       "lockdown: bad utf-8 in the reason");
	r = arena_strtrim(a, r);
	if (utf8_chars(r) > LOCKDOWN_REASON_MAX)
		return err_set(err, ERR_UNPROCESSABLE, "A reason can have at most 1000 characters.",
			       "lockdown: reason too long");
	if (db_begin(err) != 0)
		return -1;
	bool now_on;
	if (db_lockdown_lock(a, &now_on, err) != 0)
		goto fail;
	if (now_on == on) {
		if (on)
			err_set(err, ERR_CONFLICT, "The lockdown is on already.", "lockdown: on already");
		else
			err_set(err, ERR_CONFLICT, "The lockdown is off already.",
				"lockdown: off already");
		goto fail;
	}
	struct db_setting row = {SETTINGS_KEY_LOCKDOWN, on ? "true" : "false"};
	struct mod_action_new log = {.kind = mod_kind_name(on ? MOD_LOCKDOWN : MOD_UNLOCK),
				     .moderator_id = admin->id,
				     .reason = *r ? r : NO_REASON};
	int64_t id;
	if ((!on && db_lockdown_unhold(a, err) != 0) || settings_put(a, &row, 1, err) != 0 ||
	    db_mod_action_insert(a, &log, &id, err) != 0)
		goto fail;
	int rc = db_commit(err);
	cache_invalidate(CACHE_SETTINGS); /* this process reloads them after the commit */
	return rc;
fail:
	db_rollback();
	return -1;
}
