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
		  const char *label, bool persistent, struct err *err)
{
	char id[ID_STRLEN], d[16];
	snprintf(d, sizeof d, "%d", days);
	const char *p[] = {id_format(account_id, id), token_hash, d, label ? label : "",
			   persistent ? "true" : "false"};
	return db_query(a, err,
			"INSERT INTO sessions (account_id, token_hash, expires_at, label, persistent) "
			"VALUES ($1, $2::bytea, now() + make_interval(days => $3::integer), $4, $5)",
			5, p)
		       ? 0
		       : -1;
}

#define SESSION_ISO(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

struct account *
db_session_account(struct arena *a, const char *token_hash, int idle_hours,
		   struct session_row *session, struct err *err)
{
	char idle[16];
	snprintf(idle, sizeof idle, "%d", idle_hours);
	const char *p[] = {token_hash, idle};
	PGresult *r = db_query(
		a, err,
		"SELECT " DB_ACCOUNT_COLUMNS("a") ", s.expires_at < now() OR (NOT s.persistent AND "
		"s.last_used_at < now() - make_interval(hours => $2::integer)), s.id, "
		SESSION_ISO("s.created_at") ", s.label, s.persistent, "
		"s.last_used_at < now() - interval '1 minute' "
		"FROM sessions s JOIN accounts a ON a.id = s.account_id "
		"WHERE s.token_hash = $1::bytea",
		2, p);
	if (r == NULL)
		return NULL;
	if (PQntuples(r) == 0) {
		err_set(err, ERR_NOT_FOUND, NULL, "unknown session");
		return NULL;
	}
	int c = DB_ACCOUNT_NCOLUMNS;
	if (db_bool(r, 0, c)) {
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
	id_parse(db_value(r, 0, c + 1), &session->id);
	session->created_at = db_value(r, 0, c + 2);
	session->label = db_value(r, 0, c + 3);
	session->persistent = db_bool(r, 0, c + 4);
	if (!session->persistent && db_bool(r, 0, c + 5)) {
		/* an idle session's clock: moved on use, not more than once a minute */
		char sid[ID_STRLEN];
		const char *q[] = {id_format(session->id, sid)};
		struct err ignored;
		db_query(a, &ignored, "UPDATE sessions SET last_used_at = now() WHERE id = $1", 1, q);
	}
	return acct;
}

int
db_session_list(struct arena *a, int64_t account_id, struct session_row **out,
		struct err *err)
{
	char id[ID_STRLEN];
	const char *p[] = {id_format(account_id, id)};
	PGresult *r = db_query(a, err,
			       "SELECT id, " SESSION_ISO("created_at") ", label, persistent "
			       "FROM sessions WHERE account_id = $1 AND expires_at > now() "
			       "ORDER BY created_at DESC, id DESC LIMIT 200",
			       1, p);
	if (r == NULL)
		return -1;
	int n = PQntuples(r);
	*out = arena_alloc(a, sizeof **out * (size_t)(n > 0 ? n : 1));
	for (int i = 0; i < n; i++) {
		id_parse(db_value(r, i, 0), &(*out)[i].id);
		(*out)[i].created_at = db_value(r, i, 1);
		(*out)[i].label = db_value(r, i, 2);
		(*out)[i].persistent = db_bool(r, i, 3);
	}
	return n;
}

int
db_session_delete_id(struct arena *a, int64_t account_id, int64_t id, struct err *err)
{
	char acct[ID_STRLEN], sid[ID_STRLEN];
	const char *p[] = {id_format(account_id, acct), id_format(id, sid)};
	PGresult *r = db_query(a, err, "DELETE FROM sessions WHERE account_id = $1 AND id = $2",
			       2, p);
	if (r == NULL)
		return -1;
	return atoi(PQcmdTuples(r));
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
db_session_delete_others(struct arena *a, int64_t account_id, const char *keep_hash,
			 struct err *err)
{
	char id[ID_STRLEN];
	const char *p[] = {id_format(account_id, id), keep_hash};
	return db_query(a, err, "DELETE FROM sessions WHERE account_id = $1 AND token_hash <> $2",
			2, p)
		   ? 0
		   : -1;
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
