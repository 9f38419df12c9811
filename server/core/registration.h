/* registration.h - signing up, in the mode the admins chose: with an invite (default), by
 * application with a note a moderator approves, or open. Only a username and a password are
 * asked for: no email, no phone, no real name. */
#ifndef PARASOL_REGISTRATION_H
#define PARASOL_REGISTRATION_H

#include <stdbool.h>
#include <stdint.h>

#include "core/settings.h"
#include "db/model.h"

struct arena;
struct err;

#define APPLICATION_NOTE_MAX 1000

struct registration {
	const char *username;
	const char *password;
	const char *invite_code; /* NULL or "" when none */
	const char *note;	 /* approval mode: why the applicant wants to join */
};

struct registration_result {
	int64_t account_id;
	bool approved;	 /* false: waits for a moderator */
	bool bad_invite; /* failed because the invite code can't be used (a guess, perhaps) */
	bool taken;	 /* failed because the username is taken (a member's name guessed?) */
};

/* Creates the account in one transaction: redeems the invite (counting a use), inserts the
 * account and marks its recovery codes due (core/recovery.h makes and shows them once, at
 * sign-up or, for an applicant, at the first sign-in after approval). Fails with ERR_UNPROCESSABLE (bad username or password, a
 * missing or unusable invite, a missing note, registrations closed) or ERR_CONFLICT
 * (username taken: out->taken); nothing is written on failure. The invite and the username
 * are checked before the password is hashed, so a wrong code or a taken name costs no
 * Argon2id run (out->bad_invite is set for the code). */
int registration_submit(struct arena *a, enum reg_mode mode, const struct registration *reg,
			struct registration_result *out, struct err *err);

/* Applications waiting for a decision, oldest first (count, or -1 + err). */
int registration_pending(struct arena *a, struct application **out, struct err *err);

/* A moderator's decision: approve lets the applicant sign in; decline deletes the account
 * and its note. ERR_NOT_FOUND when there is no such pending application. */
int registration_decide(struct arena *a, int64_t account_id, bool approve, struct err *err);

#endif
