/* expiry.h - posts that delete themselves: the expiry a member picks when writing (never,
 * an hour, a day, a week, a month), the member's defaults and auto-delete age, and the sweep
 * that deletes due posts through status_delete (core/status.h), so that their files go and
 * peers that got them receive a Delete. Times come from clock_now() (util/clock.h). */
#ifndef PARASOL_CORE_EXPIRY_H
#define PARASOL_CORE_EXPIRY_H

#include <stdint.h>

struct arena;
struct err;

enum post_expiry { EXPIRY_NEVER, EXPIRY_HOUR, EXPIRY_DAY, EXPIRY_WEEK, EXPIRY_MONTH, EXPIRY__MAX };

/* "never", "1h", "1d", "1w", "1m": the form values and the stored default. */
extern const char *const expiry_names[EXPIRY__MAX];

/* Parses a form value; 0, or -1 + ERR_UNPROCESSABLE for anything not in the list. */
int expiry_parse(const char *s, enum post_expiry *out, struct err *err);

/* Makes the new post status_id expire e after now (EXPIRY_NEVER: does nothing). Joins the
 * caller's transaction (status_create's). 0 or -1 + err. */
int expiry_set(struct arena *a, int64_t status_id, enum post_expiry e, struct err *err);

enum auto_delete_unit { AUTO_DAYS, AUTO_WEEKS, AUTO_MONTHS, AUTO__MAX };
extern const char *const auto_delete_unit_names[AUTO__MAX]; /* "days", "weeks", "months" */

#define AUTO_DELETE_MAX 1000 /* the largest number of units */

/* A member's choices: the expiry the compose form starts with, and "delete my posts older
 * than amount units" (amount 0: off). */
struct expiry_settings {
	enum post_expiry default_expiry;
	int auto_delete_amount;
	enum auto_delete_unit auto_delete_unit;
};

/* account_id's choices (the defaults, never and off, when it made none). 0 or -1 + err. */
int expiry_settings_get(struct arena *a, int64_t account_id, struct expiry_settings *out,
			struct err *err);

/* Checks and stores the settings form's values: default_expiry (expiry_names), amount
 * ("": off; else a whole number 1..AUTO_DELETE_MAX, so 0 is refused) and unit
 * (auto_delete_unit_names; "" too when amount is ""). ERR_UNPROCESSABLE with a message for
 * the member when one is wrong, nothing stored then. 0 or -1 + err. */
int expiry_settings_save(struct arena *a, int64_t account_id, const char *default_expiry,
			 const char *amount, const char *unit, struct err *err);

/* The sweep's part (core/sweep.h): deletes the posts due at clock_now(), in batches, at most
 * a bounded number per round (the rest wait for the next round). A failure (the database
 * down) stops the round with the undone posts still due, so the next round retries them.
 * The number deleted, or -1 + err. */
int expiry_sweep(struct arena *a, struct err *err);

#endif
