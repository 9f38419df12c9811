/* expiry.h - SQL for posts that delete themselves (migration 0034): statuses.expires_at and
 * each member's post_expiry_settings. Database errors only; the rules live in core/expiry.c. */
#ifndef PARASOL_DB_EXPIRY_H
#define PARASOL_DB_EXPIRY_H

#include <stdint.h>

struct arena;
struct err;

/* A member's stored choices; a member without a row gets these defaults: "never", NULL
 * amount (auto-delete off), "weeks". Strings are arena-owned or static. */
struct db_expiry_settings {
	const char *default_expiry; /* "never", "1h", "1d", "1w" or "1m" */
	int auto_delete_amount;	    /* 0: off */
	const char *auto_delete_unit; /* "days", "weeks" or "months" */
};

/* Reads account_id's choices into *out (the defaults when it has no row): 0 or -1 + err. */
int db_expiry_settings_get(struct arena *a, int64_t account_id, struct db_expiry_settings *out,
			   struct err *err);

/* Stores account_id's choices (values already checked by the caller; amount 0: off). 0 or
 * -1 + err. */
int db_expiry_settings_put(struct arena *a, int64_t account_id,
			   const struct db_expiry_settings *s, struct err *err);

/* Sets the post status_id to expire `interval` (a PostgreSQL interval text from
 * core/expiry.c's fixed list) after the Unix time now. Joins the caller's transaction.
 * 0 or -1 + err. */
int db_status_set_expiry(struct arena *a, int64_t status_id, int64_t now, const char *interval,
			 struct err *err);

/* A post that is due: its id and author. */
struct db_due_post {
	int64_t id;
	int64_t account_id;
};

/* At most limit posts (never boosts) that are due at the Unix time now, oldest due first:
 * those whose expires_at has passed, and those older than their author's auto-delete age
 * that the author neither pinned nor bookmarked. Count (into *out, arena) or -1 + err. */
int db_expiry_due(struct arena *a, int64_t now, int limit, struct db_due_post **out,
		  struct err *err);

#endif
