/* invites.c - queries on invites. */
#include "invites.h"

#include <stdio.h>
#include <stdlib.h>

#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"

int
db_invite_insert(struct arena *a, const char *code_hash, const char *code_prefix,
		 int64_t created_by, const char *role, int max_uses, int expires_days,
		 struct err *err)
{
	char by[ID_STRLEN], uses[16], days[16];
	id_format(created_by, by);
	snprintf(uses, sizeof uses, "%d", max_uses);
	snprintf(days, sizeof days, "%d", expires_days);
	const char *p[] = {code_hash, created_by ? by : NULL, role, max_uses ? uses : NULL,
			   expires_days ? days : NULL, code_prefix};
	return db_query(a, err,
			"INSERT INTO invites (code_hash, created_by, role, max_uses, expires_at,"
			" code_prefix) VALUES ($1::bytea, $2::bigint, $3, $4::integer,"
			" now() + make_interval(days => $5::integer), $6)",
			6, p) == NULL
		       ? -1
		       : 0;
}

int
db_invite_state(struct arena *a, const char *code_hash, const char **role, struct err *err)
{
	const char *p[] = {code_hash};
	PGresult *r = db_query(a, err,
			       "SELECT role, revoked_at IS NULL AND (expires_at IS NULL OR"
			       " expires_at > now()) AND (max_uses IS NULL OR uses < max_uses)"
			       " FROM invites WHERE code_hash = $1::bytea",
			       1, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 0)
		return -2;
	*role = db_value(r, 0, 0);
	return db_bool(r, 0, 1) ? 1 : 0;
}

int
db_invite_redeem(struct arena *a, const char *code_hash, const char **role, struct err *err)
{
	const char *p[] = {code_hash};
	PGresult *r = db_query(a, err,
			       "UPDATE invites SET uses = uses + 1 WHERE code_hash = $1::bytea"
			       " AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())"
			       " AND (max_uses IS NULL OR uses < max_uses) RETURNING role",
			       1, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 0)
		return 0;
	*role = db_value(r, 0, 0);
	return 1;
}

int
db_invite_usable(struct arena *a, const char *code_hash, struct err *err)
{
	const char *p[] = {code_hash};
	PGresult *r = db_query(a, err,
			       "SELECT 1 FROM invites WHERE code_hash = $1::bytea"
			       " AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())"
			       " AND (max_uses IS NULL OR uses < max_uses)",
			       1, p);
	if (r == NULL)
		return -1;
	return PQntuples(r) > 0 ? 1 : 0;
}

#define INVITE_TIME(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')"

int
db_invite_list(struct arena *a, int64_t max_id, int limit, struct invite_row **out,
	       struct err *err)
{
	char max[ID_STRLEN], lim[16];
	snprintf(lim, sizeof lim, "%d", limit);
	const char *p[] = {max_id ? id_format(max_id, max) : NULL, lim};
	PGresult *r = db_query(
		a, err,
		"SELECT i.id, i.role, a.username, i.uses, coalesce(i.max_uses, 0), "
		INVITE_TIME("i.expires_at") ", coalesce(i.expires_at <= now(), false), "
		INVITE_TIME("i.revoked_at") ", " INVITE_TIME("i.created_at") ", i.code_prefix"
		" FROM invites i LEFT JOIN accounts a ON a.id = i.created_by"
		" WHERE $1::bigint IS NULL OR i.id < $1::bigint ORDER BY i.id DESC"
		" LIMIT $2::integer",
		2, p);
	if (r == NULL)
		return -1;
	int n = PQntuples(r);
	*out = arena_alloc(a, sizeof **out * (size_t)(n > 0 ? n : 1));
	for (int i = 0; i < n; i++) {
		struct invite_row *row = &(*out)[i];
		row->id = db_int64(r, i, 0);
		row->role = db_value(r, i, 1);
		row->created_by = db_value(r, i, 2);
		row->uses = (int)db_int64(r, i, 3);
		row->max_uses = (int)db_int64(r, i, 4);
		row->expires_at = db_value(r, i, 5);
		row->expired = db_bool(r, i, 6);
		row->revoked_at = db_value(r, i, 7);
		row->created_at = db_value(r, i, 8);
		row->code_prefix = db_value(r, i, 9);
	}
	return n;
}

int
db_invite_revoke(struct arena *a, int64_t id, struct err *err)
{
	char buf[ID_STRLEN];
	const char *p[] = {id_format(id, buf)};
	PGresult *r = db_query(a, err,
			       "UPDATE invites SET revoked_at = coalesce(revoked_at, now())"
			       " WHERE id = $1::bigint",
			       1, p);
	return db_rows_changed(r);
}
