/* sessions.c - queries on sessions and recovery_codes. */
#include "sessions.h"

#include <stdio.h>
#include <stdlib.h>

#include "db/accounts.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"

int
db_session_insert(struct arena *a, int64_t account_id, const char *token_hash, int days,
		  struct err *err)
{
	char id[ID_STRLEN], d[16];
	snprintf(d, sizeof d, "%d", days);
	const char *p[] = {id_format(account_id, id), token_hash, d};
	return db_query(a, err,
			"INSERT INTO sessions (account_id, token_hash, expires_at) "
			"VALUES ($1, $2::bytea, now() + make_interval(days => $3::integer))",
			3, p)
		       ? 0
		       : -1;
}

struct account *
db_session_account(struct arena *a, const char *token_hash, struct err *err)
{
	const char *p[] = {token_hash};
	PGresult *r = db_query(a, err,
			       "SELECT " DB_ACCOUNT_COLUMNS("a") ", s.expires_at < now() "
			       "FROM sessions s JOIN accounts a ON a.id = s.account_id "
			       "WHERE s.token_hash = $1::bytea",
			       1, p);
	if (r == NULL)
		return NULL;
	if (PQntuples(r) == 0) {
		err_set(err, ERR_NOT_FOUND, NULL, "unknown session");
		return NULL;
	}
	if (db_bool(r, 0, DB_ACCOUNT_NCOLUMNS)) {
		db_session_delete(a, token_hash, err);
		err_set(err, ERR_NOT_FOUND, NULL, "expired session");
		return NULL;
	}
	struct account *acct = arena_alloc(a, sizeof *acct);
	db_account_row(a, r, 0, 0, acct);
	if (!acct->approved) {
		err_set(err, ERR_NOT_FOUND, NULL, "account not approved");
		return NULL;
	}
	return acct;
}

int
db_session_delete(struct arena *a, const char *token_hash, struct err *err)
{
	const char *p[] = {token_hash};
	return db_query(a, err, "DELETE FROM sessions WHERE token_hash = $1::bytea", 1, p) ? 0
											   : -1;
}

int
db_session_delete_all(struct arena *a, int64_t account_id, struct err *err)
{
	char id[ID_STRLEN];
	const char *p[] = {id_format(account_id, id)};
	return db_query(a, err, "DELETE FROM sessions WHERE account_id = $1", 1, p) ? 0 : -1;
}

int
db_recovery_code_insert(struct arena *a, int64_t account_id, const char *code_hash,
			struct err *err)
{
	char id[ID_STRLEN];
	const char *p[] = {id_format(account_id, id), code_hash};
	return db_query(a, err,
			"INSERT INTO recovery_codes (account_id, code_hash) VALUES ($1, $2::bytea)",
			2, p)
		       ? 0
		       : -1;
}

int
db_recovery_code_use(struct arena *a, int64_t account_id, const char *code_hash,
		     struct err *err)
{
	char id[ID_STRLEN];
	const char *p[] = {id_format(account_id, id), code_hash};
	PGresult *r = db_query(a, err,
			       "UPDATE recovery_codes SET used_at = now() WHERE account_id = $1"
			       " AND code_hash = $2::bytea AND used_at IS NULL",
			       2, p);
	if (r == NULL)
		return -1;
	return atoi(PQcmdTuples(r)) > 0;
}

int
db_recovery_codes_delete(struct arena *a, int64_t account_id, struct err *err)
{
	char id[ID_STRLEN];
	const char *p[] = {id_format(account_id, id)};
	return db_query(a, err, "DELETE FROM recovery_codes WHERE account_id = $1", 1, p) ? 0
											   : -1;
}

int
db_recovery_codes_set_due(struct arena *a, int64_t account_id, struct err *err)
{
	char id[ID_STRLEN];
	const char *p[] = {id_format(account_id, id)};
	return db_query(a, err,
			"UPDATE accounts SET recovery_codes_due = true WHERE id = $1"
			" AND domain IS NULL",
			1, p)
		       ? 0
		       : -1;
}

int
db_recovery_codes_claim_due(struct arena *a, int64_t account_id, struct err *err)
{
	char id[ID_STRLEN];
	const char *p[] = {id_format(account_id, id)};
	PGresult *r = db_query(a, err,
			       "UPDATE accounts SET recovery_codes_due = false WHERE id = $1"
			       " AND recovery_codes_due",
			       1, p);
	if (r == NULL)
		return -1;
	return atoi(PQcmdTuples(r)) > 0;
}

int
db_recovery_codes_due(struct arena *a, int64_t account_id, struct err *err)
{
	char id[ID_STRLEN];
	const char *p[] = {id_format(account_id, id)};
	PGresult *r = db_query(a, err,
			       "SELECT 1 FROM accounts WHERE id = $1 AND recovery_codes_due", 1, p);
	if (r == NULL)
		return -1;
	return PQntuples(r) > 0;
}
