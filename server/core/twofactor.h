/* twofactor.h - two-factor sign-in with TOTP (core/totp.h): enrolment (a secret shown as a
 * QR code and as base32 text, enabled only by a first right code), the second step of
 * signing in, and turning it off.
 *
 * The lost phone: a member's recovery codes (core/recovery.h) answer the code step as well
 * as setting a new password, one code each time; signed in with one, the member turns
 * two-factor off (password + another recovery code) and sets it up again with the new
 * phone, which makes eight new recovery codes. One sheet of codes, one story.
 *
 * The secret is sealed with the node key (util/secretbox.h) before it reaches the database.
 *
 * The half-signed-in state is a challenge: a random token in a cookie of its own (SHA-256
 * stored), bound to the account and to whether the password was right, good for
 * TWOFACTOR_CHALLENGE_SECONDS and for one try. It grants nothing but the code form. A wrong
 * password for an account with two-factor leads to the code step like the right one, and
 * the code step fails alike for a wrong password and a wrong code, so that someone without
 * the second factor never learns whether the password was right. */
#ifndef PARASOL_TWOFACTOR_H
#define PARASOL_TWOFACTOR_H

#include <stdbool.h>
#include <stdint.h>

#include "db/model.h"

struct arena;
struct err;

#define TWOFACTOR_PENDING_MINUTES 15
#define TWOFACTOR_CHALLENGE_SECONDS 300
#define TWOFACTOR_KEY_FILE "node.key"

/* Loads (or makes) the node key in data_dir/TWOFACTOR_KEY_FILE, making data_dir (0700)
 * when it does not exist. 0 or -1 + err. */
int twofactor_init(const char *data_dir, struct err *err);

/* Whether account_id has two-factor sign-in on: 1, 0, -1 + err. */
int twofactor_enabled(struct arena *a, int64_t account_id, struct err *err);

/* Starts an enrolment for member after checking the password (ERR_FORBIDDEN when it is
 * wrong; ERR_CONFLICT when two-factor is on already): a new secret, sealed, replacing any
 * enrolment not finished. 0 or -1 + err. */
int twofactor_start(struct arena *a, const struct account *member, const char *password,
		    struct err *err);

/* An enrolment in progress, as the member sees it. */
struct twofactor_setup {
	const char *secret_b32; /* the secret in base32, in groups of four for typing */
	const char *uri;	/* the otpauth:// URI the QR code holds */
};

/* The member's enrolment begun within TWOFACTOR_PENDING_MINUTES, for issuer (the node's
 * name): 1 with *out (arena strings), 0 when there is none, -1 + err. */
int twofactor_pending(struct arena *a, const struct account *member, const char *issuer,
		      struct twofactor_setup *out, struct err *err);

/* Finishes the enrolment with a first code from the app: on, that step used, eight new
 * recovery codes due (shown by the next recovery-codes view) and every session but the one
 * of keep_token ended (whoever signed in with a stolen password is out), in one
 * transaction. ERR_UNPROCESSABLE for a wrong code, ERR_GONE when no enrolment is in progress
 * (or it expired). 0 or -1 + err. */
int twofactor_enable(struct arena *a, int64_t account_id, const char *code,
		     const char *keep_token, struct err *err);

/* Turns two-factor off for member after the password and a code (from the app, or an
 * unused recovery code, used up by this): ERR_FORBIDDEN when either is wrong (one message),
 * ERR_NOT_FOUND when it was not on. 0 or -1 + err. */
int twofactor_disable(struct arena *a, const struct account *member, const char *password,
		      const char *code, struct err *err);

/* Checks member's password and, when two-factor is on, a code (from the app, or an unused
 * recovery code, used up by this), for an act that asks for both (deleting the account).
 * Inside the caller's transaction: it must roll back when this fails, so that a recovery
 * code is kept when the password was wrong. ERR_FORBIDDEN when either is wrong (one message
 * for both when two-factor is on). 0, or -1 + err. */
int twofactor_confirm(struct arena *a, const struct account *member, const char *password,
		      const char *code, struct err *err);

/* twofactor_confirm in a transaction of its own, for an act that writes nothing else (the
 * export): committed when right (a recovery code is used up, an app code's step can't serve
 * again), rolled back when wrong. Must not be called inside a transaction. Same answers. */
int twofactor_confirm_alone(struct arena *a, const struct account *member,
			    const char *password, const char *code, struct err *err);

/* The approved account named username when it has two-factor on: 1 with *account_id, 0
 * otherwise (no such account, not approved, off), -1 + err. */
int twofactor_required(struct arena *a, const char *username, int64_t *account_id,
		       struct err *err);

/* Starts the code step for account_id: password_ok says whether the password was right;
 * persistent and next (a local path or "") are kept for when it succeeds. The token for the
 * challenge cookie (arena), or NULL + err. */
char *twofactor_challenge_start(struct arena *a, int64_t account_id, bool password_ok,
				bool persistent, const char *next, struct err *err);

/* Whether token names a live challenge: 1, 0, -1 + err. */
int twofactor_challenge_live(struct arena *a, const char *token, struct err *err);

/* What answering a challenge gave. */
struct twofactor_answer {
	const char *username; /* the challenge's account (set once the challenge was found) */
	int64_t account_id;
	bool persistent;
	const char *next;
	bool by_recovery_code; /* a recovery code was used up instead of a code from the app */
};

/* Takes the challenge of token (it can't be tried again) and checks code: a TOTP code
 * (6 digits, a step within the window not used before) or an unused recovery code (used up).
 * 0 and *out when the password and the code were both right; else -1 with ERR_GONE (no such
 * challenge, or expired: out->username is NULL) or ERR_UNAUTHORIZED (the password or the code
 * was wrong: one message for both; out->username is set). */
int twofactor_challenge_answer(struct arena *a, const char *token, const char *code,
			       struct twofactor_answer *out, struct err *err);

#endif
