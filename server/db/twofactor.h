/* twofactor.h - SQL for TOTP credentials (totp_credentials) and the half-signed-in state
 * between password and code (signin_challenges), migration 0029. */
#ifndef PARASOL_DB_TWOFACTOR_H
#define PARASOL_DB_TWOFACTOR_H

#include <stdbool.h>
#include <stdint.h>

struct arena;
struct err;

/* An account's credential: sealed secret (arena), whether it is enabled, the last step
 * used, and for one not enabled yet whether it was started within pending_minutes. */
struct totp_row {
	const char *secret_sealed;
	bool enabled;
	bool pending_fresh;
	int64_t last_step;
};

/* The account's credential into *row: 1, 0 when it has none, -1 + err. */
int db_totp_get(struct arena *a, int64_t account_id, int pending_minutes, struct totp_row *row,
		struct err *err);

/* Starts (or starts again) an enrolment with a new sealed secret: 1, 0 when two-factor is
 * enabled already (nothing changed), -1 + err. */
int db_totp_start(struct arena *a, int64_t account_id, const char *secret_sealed,
		  struct err *err);

/* Enables the enrolment begun within pending_minutes with step as the last step used:
 * 1, 0 when there is none (or it is enabled already), -1 + err. */
int db_totp_enable(struct arena *a, int64_t account_id, int64_t step, int pending_minutes,
		   struct err *err);

/* Records that a code of step was accepted, if step is newer than the last one used and
 * two-factor is enabled: 1, 0 when not (a replay, or two requests racing), -1 + err. */
int db_totp_use_step(struct arena *a, int64_t account_id, int64_t step, struct err *err);

/* Removes the account's credential (two-factor off): 0 or -1 + err. */
int db_totp_delete(struct arena *a, int64_t account_id, struct err *err);

/* Stores a challenge (token_hash in bytea input form) that expires in seconds; removes
 * expired ones on the way. 0 or -1 + err. */
int db_challenge_insert(struct arena *a, const char *token_hash, int64_t account_id,
			bool password_ok, bool persistent, const char *next, int seconds,
			struct err *err);

struct challenge_row {
	int64_t account_id;
	bool password_ok;
	bool persistent;
	const char *next;
};

/* Whether an unexpired challenge has token_hash: 1, 0, -1 + err. */
int db_challenge_exists(struct arena *a, const char *token_hash, struct err *err);

/* Takes (deletes) the challenge of token_hash: 1 with *row when it existed unexpired, 0
 * when not, -1 + err. Two requests with one token: only one gets it. */
int db_challenge_take(struct arena *a, const char *token_hash, struct challenge_row *row,
		      struct err *err);

#endif
