/* twofactor.c - see twofactor.h. */
#include "twofactor.h"

#include <stdio.h>
#include <stdlib.h>

#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"

int
db_totp_get(struct arena *a, int64_t account_id, int pending_minutes, struct totp_row *row,
	    struct err *err)
{
	char id[ID_STRLEN], m[16];
	snprintf(m, sizeof m, "%d", pending_minutes);
	const char *p[] = {id_format(account_id, id), m};
	PGresult *r = db_query(a, err,
			       "SELECT secret_sealed, enabled, last_step, "
			       "started_at > now() - make_interval(mins => $2::integer) "
			       "FROM totp_credentials WHERE account_id = $1",
			       2, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 0)
		return 0;
	row->secret_sealed = db_value(r, 0, 0);
	row->enabled = db_bool(r, 0, 1);
	row->last_step = strtoll(db_value(r, 0, 2), NULL, 10);
	row->pending_fresh = !row->enabled && db_bool(r, 0, 3);
	return 1;
}

int
db_totp_start(struct arena *a, int64_t account_id, const char *secret_sealed, struct err *err)
{
	char id[ID_STRLEN];
	const char *p[] = {id_format(account_id, id), secret_sealed};
	PGresult *r = db_query(
		a, err,
		"INSERT INTO totp_credentials (account_id, secret_sealed) VALUES ($1, $2) "
		"ON CONFLICT (account_id) DO UPDATE SET secret_sealed = EXCLUDED.secret_sealed, "
		"last_step = 0, started_at = now() WHERE NOT totp_credentials.enabled",
		2, p);
	if (r == NULL)
		return -1;
	return atoi(PQcmdTuples(r)) > 0;
}

int
db_totp_enable(struct arena *a, int64_t account_id, int64_t step, int pending_minutes,
	       struct err *err)
{
	char id[ID_STRLEN], s[32], m[16];
	snprintf(s, sizeof s, "%lld", (long long)step);
	snprintf(m, sizeof m, "%d", pending_minutes);
	const char *p[] = {id_format(account_id, id), s, m};
	PGresult *r = db_query(a, err,
			       "UPDATE totp_credentials SET enabled = true, last_step = $2 "
			       "WHERE account_id = $1 AND NOT enabled "
			       "AND started_at > now() - make_interval(mins => $3::integer)",
			       3, p);
	if (r == NULL)
		return -1;
	return atoi(PQcmdTuples(r)) > 0;
}

int
db_totp_use_step(struct arena *a, int64_t account_id, int64_t step, struct err *err)
{
	char id[ID_STRLEN], s[32];
	snprintf(s, sizeof s, "%lld", (long long)step);
	const char *p[] = {id_format(account_id, id), s};
	PGresult *r = db_query(a, err,
			       "UPDATE totp_credentials SET last_step = $2 "
			       "WHERE account_id = $1 AND enabled AND last_step < $2",
			       2, p);
	if (r == NULL)
		return -1;
	return atoi(PQcmdTuples(r)) > 0;
}

int
db_totp_delete(struct arena *a, int64_t account_id, struct err *err)
{
	char id[ID_STRLEN];
	const char *p[] = {id_format(account_id, id)};
	return db_query(a, err, "DELETE FROM totp_credentials WHERE account_id = $1", 1, p) ? 0
											    : -1;
}

int
db_challenge_insert(struct arena *a, const char *token_hash, int64_t account_id,
		    bool password_ok, bool persistent, const char *next, int seconds,
		    struct err *err)
{
	char id[ID_STRLEN], s[16];
	snprintf(s, sizeof s, "%d", seconds);
	const char *p[] = {token_hash,	       id_format(account_id, id),
			   password_ok ? "true" : "false", persistent ? "true" : "false",
			   next ? next : "",   s};
	return db_query(a, err,
			"WITH gone AS (DELETE FROM signin_challenges WHERE expires_at < now()) "
			"INSERT INTO signin_challenges (token_hash, account_id, password_ok, "
			"persistent, next, expires_at) VALUES ($1::bytea, $2, $3, $4, $5, "
			"now() + make_interval(secs => $6::integer))",
			6, p)
		       ? 0
		       : -1;
}

int
db_challenge_exists(struct arena *a, const char *token_hash, struct err *err)
{
	const char *p[] = {token_hash};
	PGresult *r = db_query(a, err,
			       "SELECT 1 FROM signin_challenges WHERE token_hash = $1::bytea "
			       "AND expires_at > now()",
			       1, p);
	if (r == NULL)
		return -1;
	return PQntuples(r) > 0;
}

int
db_challenge_take(struct arena *a, const char *token_hash, struct challenge_row *row,
		  struct err *err)
{
	const char *p[] = {token_hash};
	PGresult *r = db_query(a, err,
			       "DELETE FROM signin_challenges WHERE token_hash = $1::bytea "
			       "RETURNING account_id, password_ok, persistent, next, "
			       "expires_at > now()",
			       1, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 0 || !db_bool(r, 0, 4))
		return 0;
	id_parse(db_value(r, 0, 0), &row->account_id);
	row->password_ok = db_bool(r, 0, 1);
	row->persistent = db_bool(r, 0, 2);
	row->next = db_value(r, 0, 3);
	return 1;
}
