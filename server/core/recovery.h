/* recovery.h - a member's recovery codes: eight one-time codes that set a new password when
 * the password is lost (there is no email to fall back on). They are made and shown on one
 * page view only, the first time the member opens it after signing up (or after their
 * application was approved, or after asking for new ones): the view itself makes them, so a
 * reload or a second tab never shows them again, and only their SHA-256 is kept. */
#ifndef PARASOL_RECOVERY_H
#define PARASOL_RECOVERY_H

#include <stdint.h>

#include "db/model.h"

struct arena;
struct err;

#define RECOVERY_CODES 8

/* Whether account_id has codes waiting to be shown: 1, 0, or -1 + err. */
int recovery_codes_due(struct arena *a, int64_t account_id, struct err *err);

/* Marks account_id's codes due (inside the caller's transaction, if any). 0 or -1 + err. */
int recovery_codes_mark_due(struct arena *a, int64_t account_id, struct err *err);

/* When account_id's codes are due, makes RECOVERY_CODES new ones in one transaction (the old
 * ones stop working), clears the mark and puts them in codes (arena strings): returns 1.
 * Returns 0 (codes untouched) when none were due, -1 + err on failure (nothing changed). */
int recovery_codes_take(struct arena *a, int64_t account_id,
			const char *codes[RECOVERY_CODES], struct err *err);

/* Asks for new codes for member (shown by the next recovery_codes_take) after checking their
 * current password: ERR_FORBIDDEN when it is wrong. The old codes work until then. */
int recovery_codes_renew(struct arena *a, const struct account *member, const char *password,
			 struct err *err);

#endif
