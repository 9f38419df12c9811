/* expiry.c - see expiry.h. */
#include "core/expiry.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "db/accounts.h"
#include "db/expiry.h"
#include "util/arena.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/log.h"

const char *const expiry_names[EXPIRY__MAX] = {"never", "1h", "1d", "1w", "1m"};
static const char *const intervals[EXPIRY__MAX] = {NULL, "1 hour", "1 day", "7 days",
						     "1 month"};
const char *const auto_delete_unit_names[AUTO__MAX] = {"days", "weeks", "months"};

#define SWEEP_BATCH 50
#define SWEEP_BATCHES 10 /* at most 500 posts a round */

static int
find(const char *const *names, int n, const char *s)
{
	for (int i = 0; s != NULL && i < n; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

int
expiry_parse(const char *s, enum post_expiry *out, struct err *err)
{
	int i = find(expiry_names, EXPIRY__MAX, s);
	if (i < 0)
		return err_set(err, ERR_UNPROCESSABLE, "Choose when the post deletes itself from the list.",
			       "bad expiry");
	*out = (enum post_expiry)i;
	return 0;
}

int
expiry_set(struct arena *a, int64_t status_id, enum post_expiry e, struct err *err)
{
	if (e == EXPIRY_NEVER || e >= EXPIRY__MAX)
		return 0;
	return db_status_set_expiry(a, status_id, clock_now(), intervals[e], err);
}

int
expiry_settings_get(struct arena *a, int64_t account_id, struct expiry_settings *out,
		    struct err *err)
{
	struct db_expiry_settings s;
	if (db_expiry_settings_get(a, account_id, &s, err) != 0)
		return -1;
	int e = find(expiry_names, EXPIRY__MAX, s.default_expiry);
	int u = find(auto_delete_unit_names, AUTO__MAX, s.auto_delete_unit);
	out->default_expiry = e < 0 ? EXPIRY_NEVER : (enum post_expiry)e;
	out->auto_delete_amount = s.auto_delete_amount;
	out->auto_delete_unit = u < 0 ? AUTO_WEEKS : (enum auto_delete_unit)u;
	return 0;
}

/* "" (off) gives 0; a whole number 1..AUTO_DELETE_MAX gives itself; else (0 too: the form
 * says 1 to 1000, and "older than 0 days" would take every post) -1. */
static int
parse_amount(const char *s)
{
	if (s == NULL || *s == '\0')
		return 0;
	int v = 0;
	for (const char *c = s; *c; c++) {
		if (*c < '0' || *c > '9' || v > AUTO_DELETE_MAX)
			return -1;
		v = v * 10 + (*c - '0');
	}
	return v >= 1 && v <= AUTO_DELETE_MAX ? v : -1;
}

int
expiry_settings_save(struct arena *a, int64_t account_id, const char *default_expiry,
		     const char *amount, const char *unit, struct err *err)
{
	enum post_expiry e = EXPIRY_NEVER;
	if (expiry_parse(default_expiry, &e, err) != 0)
		return -1;
	int n = parse_amount(amount);
	if (n < 0)
		return err_set(err, ERR_UNPROCESSABLE,
			       "Write a whole number from 1 to 1000, or leave it empty.",
			       "bad auto-delete amount");
	/* with auto-delete off the form's unit says "off" (""): the stored unit is unused */
	int u = n == 0 && (unit == NULL || *unit == '\0')
		    ? AUTO_WEEKS
		    : find(auto_delete_unit_names, AUTO__MAX, unit);
	if (u < 0)
		return err_set(err, ERR_UNPROCESSABLE, "Choose days, weeks or months.",
			       "bad auto-delete unit");
	struct db_expiry_settings s = {.default_expiry = expiry_names[e],
				       .auto_delete_amount = n,
				       .auto_delete_unit = auto_delete_unit_names[u]};
	return db_expiry_settings_put(a, account_id, &s, err);
}

/* Deletes one due post as its author would, in an arena of its own. 1 deleted, 0 gone
 * already (another process's sweep, the author), -1 + err. */
static int
delete_one(const struct db_due_post *p, struct err *err)
{
	struct arena *a = arena_new();
	struct account *author = db_account_get(a, p->account_id, err);
	int rc = author != NULL ? status_delete(a, author, p->id, err) : -1;
	arena_free(a);
	if (rc == 0)
		return 1;
	return err->code == ERR_NOT_FOUND ? 0 : -1;
}

int
expiry_sweep(struct arena *a, struct err *err)
{
	int64_t now = clock_now();
	int done = 0;
	for (int b = 0; b < SWEEP_BATCHES; b++) {
		struct db_due_post *due;
		int n = db_expiry_due(a, now, SWEEP_BATCH, &due, err);
		if (n < 0)
			return -1;
		for (int i = 0; i < n; i++) {
			int rc = delete_one(&due[i], err);
			if (rc < 0) {
				log_msg(LOG_WARN, "expired post %lld not deleted yet: %s",
					(long long)due[i].id, err->detail);
				return -1;
			}
			done += rc;
		}
		if (n < SWEEP_BATCH)
			break;
	}
	if (done > 0)
		log_msg(LOG_INFO, "expiry: %d post(s) deleted", done);
	return done;
}
