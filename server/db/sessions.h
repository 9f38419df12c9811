/* sessions.h - SQL for sessions and recovery codes. */
#ifndef PARASOL_DB_SESSIONS_H
#define PARASOL_DB_SESSIONS_H

#include <stdint.h>

#include "db/model.h"

struct arena;
struct err;

/* Stores a session (token_hash in bytea input form) that expires in days days. */
int db_session_insert(struct arena *a, int64_t account_id, const char *token_hash, int days,
		      struct err *err);

/* The approved account of an unexpired session; NULL + ERR_NOT_FOUND otherwise. Expired
 * sessions are deleted on the way. */
struct account *db_session_account(struct arena *a, const char *token_hash, struct err *err);

int db_session_delete(struct arena *a, const char *token_hash, struct err *err);
int db_session_delete_all(struct arena *a, int64_t account_id, struct err *err);

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
