/* roles.c - queries on accounts' roles and the role changes in mod_actions. */
#include "roles.h"

#include <stdio.h>

#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"

#define ISO(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

static enum role
role_of(const char *s)
{
	enum role r = ROLE_MEMBER;
	if (s != NULL)
		role_parse(s, &r);
	return r;
}

int
db_role_target_lock(struct arena *a, int64_t id, struct role_target *out, struct err *err)
{
	char buf[ID_STRLEN];
	const char *p[] = {id_format(id, buf)};
	PGresult *r = db_query(a, err,
			       "SELECT id, username, domain IS NOT NULL, approved,"
			       " suspended_at IS NOT NULL, role"
			       " FROM accounts WHERE id = $1::bigint FOR UPDATE",
			       1, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 0)
		return 0;
	out->id = db_int64(r, 0, 0);
	out->username = db_value(r, 0, 1);
	out->remote = db_bool(r, 0, 2);
	out->approved = db_bool(r, 0, 3);
	out->suspended = db_bool(r, 0, 4);
	out->role = role_of(db_value(r, 0, 5));
	return 1;
}

int
db_role_set(struct arena *a, int64_t id, enum role role, struct err *err)
{
	char buf[ID_STRLEN];
	const char *p[] = {id_format(id, buf), role_name(role)};
	return db_query(a, err, "UPDATE accounts SET role = $2 WHERE id = $1::bigint", 2, p) == NULL
		   ? -1
		   : 0;
}

int
db_roles_staff(struct arena *a, const char *after, int limit, struct staff_row **out,
	       struct err *err)
{
	char lb[16];
	snprintf(lb, sizeof lb, "%d", limit);
	const char *p[] = {after, lb};
	PGresult *r = db_query(a, err,
			       "SELECT id, username, display_name, role FROM accounts"
			       " WHERE domain IS NULL AND role IN ('moderator', 'admin')"
			       " AND ($1::text IS NULL OR lower(username) > lower($1))"
			       " ORDER BY lower(username) LIMIT $2::integer",
			       2, p);
	if (r == NULL)
		return -1;
	int n = PQntuples(r);
	*out = arena_alloc(a, sizeof **out * (size_t)(n > 0 ? n : 1));
	for (int i = 0; i < n; i++) {
		struct staff_row *row = &(*out)[i];
		row->id = db_int64(r, i, 0);
		row->username = db_value(r, i, 1);
		row->display_name = db_value(r, i, 2) ? db_value(r, i, 2) : "";
		row->role = role_of(db_value(r, i, 3));
	}
	return n;
}

int
db_role_changes(struct arena *a, int64_t max_id, int limit, struct role_change_row **out,
		struct err *err)
{
	char mb[ID_STRLEN], lb[16];
	snprintf(lb, sizeof lb, "%d", limit);
	const char *p[] = {max_id ? id_format(max_id, mb) : NULL, lb};
	PGresult *r =
	    db_query(a, err,
		     "SELECT m.id, m.kind LIKE 'grant_%', ad.username,"
		     " m.target_acct, m.reason, m.kind LIKE '%support_worker', " ISO(
			 "m.created_at") " FROM mod_actions m"
					 " LEFT JOIN accounts ad ON ad.id = m.moderator_id"
					 " WHERE m.kind IN ('grant_moderator', 'revoke_moderator',"
					 " 'grant_support_worker', 'revoke_support_worker')"
					 " AND ($1::bigint IS NULL OR m.id < $1::bigint)"
					 " ORDER BY m.id DESC LIMIT $2::integer",
		     2, p);
	if (r == NULL)
		return -1;
	int n = PQntuples(r);
	*out = arena_alloc(a, sizeof **out * (size_t)(n > 0 ? n : 1));
	for (int i = 0; i < n; i++) {
		struct role_change_row *row = &(*out)[i];
		row->id = db_int64(r, i, 0);
		row->grant = db_bool(r, i, 1);
		row->admin = db_value(r, i, 2);
		row->target_acct = db_value(r, i, 3) ? db_value(r, i, 3) : "";
		row->reason = db_value(r, i, 4);
		row->support = db_bool(r, i, 5);
		row->created_at = db_value(r, i, 6);
	}
	return n;
}

int
db_support_worker_set(struct arena *a, int64_t id, bool on, struct err *err)
{
	char buf[ID_STRLEN];
	const char *p[] = {id_format(id, buf)};
	PGresult *r = db_query(a, err,
			       on ? "INSERT INTO support_workers (account_id) VALUES ($1::bigint)"
				    " ON CONFLICT DO NOTHING"
				  : "DELETE FROM support_workers WHERE account_id = $1::bigint",
			       1, p);
	return r == NULL ? -1 : db_rows_changed(r) > 0;
}

int
db_support_worker_is(struct arena *a, int64_t id, struct err *err)
{
	char buf[ID_STRLEN];
	const char *p[] = {id_format(id, buf)};
	PGresult *r = db_query(a, err,
			       "SELECT 1 FROM support_workers WHERE account_id = $1::bigint", 1, p);
	return r == NULL ? -1 : PQntuples(r) > 0;
}

int
db_support_workers(struct arena *a, int limit, struct staff_row **out, struct err *err)
{
	char lb[16];
	snprintf(lb, sizeof lb, "%d", limit);
	const char *p[] = {lb};
	PGresult *r = db_query(a, err,
			       "SELECT ac.id, ac.username, ac.display_name, ac.role"
			       " FROM support_workers sw JOIN accounts ac ON ac.id = sw.account_id"
			       " ORDER BY lower(ac.username) LIMIT $1::integer",
			       1, p);
	if (r == NULL)
		return -1;
	int n = PQntuples(r);
	*out = arena_alloc(a, sizeof **out * (size_t)(n > 0 ? n : 1));
	for (int i = 0; i < n; i++) {
		struct staff_row *row = &(*out)[i];
		row->id = db_int64(r, i, 0);
		row->username = db_value(r, i, 1);
		row->display_name = db_value(r, i, 2) ? db_value(r, i, 2) : "";
		row->role = role_of(db_value(r, i, 3));
	}
	return n;
}
