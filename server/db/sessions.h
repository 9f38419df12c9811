/* sessions.h - SQL for sessions and recovery codes. */
#ifndef PARASOL_DB_SESSIONS_H
#define PARASOL_DB_SESSIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "db/model.h"

struct arena;
struct err;

/* Stores a session (token_hash in bytea input form) that expires in days days, with its
 * coarse label and whether it is kept past the browser's session. */
int db_session_insert(struct arena *a, int64_t account_id, const char *token_hash, int days,
		      const char *label, bool persistent, struct err *err);

/* A session as Settings lists it; strings owned by the arena. */
struct session_row {
	int64_t id;
	const char *created_at; /* ISO 8601 UTC */
	const char *label;	/* "" when unknown */
	bool persistent;
};

/* The approved account of an unexpired session; NULL + ERR_NOT_FOUND otherwise. A session
 * that is not persistent also expires idle_hours after its last use, which this moves
 * forward (at most once a minute). Expired sessions are deleted on the way. *session gets
 * the session's row when the account is returned. */
struct account *db_session_account(struct arena *a, const char *token_hash, int idle_hours,
				   struct session_row *session, struct err *err);

/* The account's sessions, newest first, into *out (arena): the count, or -1 + err. */
int db_session_list(struct arena *a, int64_t account_id, struct session_row **out,
		    struct err *err);

/* Ends the account's session id: rows deleted (0 when it is not the account's), -1 + err. */
int db_session_delete_id(struct arena *a, int64_t account_id, int64_t id, struct err *err);

int db_session_delete(struct arena *a, const char *token_hash, struct err *err);
int db_session_delete_all(struct arena *a, int64_t account_id, struct err *err);

/* Ends every session of the account but the one whose token hash is keep_hash. 0, -1 + err. */
int db_session_delete_others(struct arena *a, int64_t account_id, const char *keep_hash,
			     struct err *err);

/* Stores a recovery code's hash for an account. */
int db_recovery_code_insert(struct arena *a, int64_t account_id, const char *code_hash,
			    struct err *err);

/* Forgets every recovery code of the account (new ones replace them). 0 or -1 + err. */
int db_recovery_codes_delete(struct arena *a, int64_t account_id, struct err *err);

/* Marks that the account is to be shown new recovery codes (recovery_codes_due). */
int db_recovery_codes_set_due(struct arena *a, int64_t account_id, struct err *err);

/* Clears recovery_codes_due if it was set: 1 when it was (the caller makes and shows the
 * codes), 0 when it was not, -1 + err. Two requests at once: only one gets 1. */
int db_recovery_codes_claim_due(struct arena *a, int64_t account_id, struct err *err);

/* Whether the account's recovery codes are due: 1, 0 or -1 + err. */
int db_recovery_codes_due(struct arena *a, int64_t account_id, struct err *err);

/* Marks an unused code of the account used; 1 when one was, 0 when none matched, -1. */
int db_recovery_code_use(struct arena *a, int64_t account_id, const char *code_hash,
			 struct err *err);

#endif
