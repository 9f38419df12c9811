/* accounts.c - queries on accounts. */
#include "accounts.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "db/model.h"
#include "util/arena.h"

#include "db/db.h"
#include "util/err.h"
#include "util/id.h"

int
db_account_insert(struct arena *a, const char *username, const char *password_hash,
		  const char *role, bool approved, const char *note, int64_t *id_out,
		  struct err *err)
{
	const char *p[] = {username, password_hash, role, approved ? "true" : "false", note};
	/* never a deleted member's retired handle, nor a placeholder name (db/deletion.h) */
	PGresult *r = db_query(a, err,
			       "INSERT INTO accounts (username, password_hash, role, approved,"
			       " application_note, default_visibility) SELECT $1, $2, $3,"
			       " $4::boolean, $5, coalesce((SELECT value FROM instance_settings"
			       " WHERE key = 'default_visibility'), 'public')"
			       " WHERE NOT EXISTS (SELECT 1 FROM retired_handles WHERE handle_digest"
			       " = sha256(convert_to(lower($1), 'UTF8')))"
			       " AND lower($1) NOT LIKE '\\_gone\\_%' RETURNING id",
			       5, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 0)
		return err_set(err, ERR_CONFLICT, NULL, "username retired");
	if (id_parse(db_value(r, 0, 0), id_out) != 0)
		return err_set(err, ERR_INTERNAL, NULL, "bad id from insert");
	return 0;
}

int
db_account_set_role(struct arena *a, const char *username, const char *role, struct err *err)
{
	const char *p[] = {username, role};
	PGresult *r = db_query(a, err,
			       "UPDATE accounts SET role = $2 WHERE lower(username) = lower($1) AND domain IS NULL", 2,
			       p);
	return db_rows_changed(r);
}

int
db_account_role_exists(struct arena *a, const char *role, struct err *err)
{
	const char *p[] = {role};
	PGresult *r = db_query(a, err, "SELECT 1 FROM accounts WHERE role = $1 LIMIT 1", 1, p);
	if (r == NULL)
		return -1;
	return PQntuples(r) > 0;
}

long
db_account_count(struct arena *a, struct err *err)
{
	PGresult *r = db_query(a, err, "SELECT count(*) FROM accounts WHERE domain IS NULL AND approved", 0, NULL);
	if (r == NULL)
		return -1;
	return atol(db_value(r, 0, 0));
}

void
db_account_row(struct arena *a, const PGresult *r, int row, int col, struct account *acct)
{
	memset(acct, 0, sizeof *acct);
	acct->id = db_int64(r, row, col);
	acct->username = db_value(r, row, col + 1);
	acct->display_name = db_value(r, row, col + 2);
	acct->bio = db_value(r, row, col + 3);
	json_t *fields = json_loads(db_value(r, row, col + 4), 0, NULL);
	size_t i;
	json_t *f;
	json_array_foreach(fields, i, f)
	{
		if (acct->nfields == ACCOUNT_MAX_FIELDS)
			break;
		const char *name = json_string_value(json_object_get(f, "name"));
		const char *value = json_string_value(json_object_get(f, "value"));
		acct->fields[acct->nfields].name = arena_strdup(a, name ? name : "");
		acct->fields[acct->nfields].value = arena_strdup(a, value ? value : "");
		acct->nfields++;
	}
	json_decref(fields);
	acct->locked = db_bool(r, row, col + 5);
	acct->hide_collections = db_bool(r, row, col + 6);
	if (role_parse(db_value(r, row, col + 7), &acct->role) != 0)
		acct->role = ROLE_MEMBER;
	acct->language = db_value(r, row, col + 8);
	if (visibility_parse(db_value(r, row, col + 9), &acct->default_visibility) != 0)
		acct->default_visibility = VIS_PUBLIC;
	acct->approved = db_bool(r, row, col + 10);
	acct->created_at = db_value(r, row, col + 11);
	acct->domain = db_value(r, row, col + 12);
	acct->uri = db_value(r, row, col + 13);
	acct->url = db_value(r, row, col + 14);
	acct->discoverable = db_bool(r, row, col + 15);
	acct->indexable = db_bool(r, row, col + 16);
	acct->limited = db_bool(r, row, col + 17);
	acct->suspended = db_bool(r, row, col + 18);
	acct->suspended_until = db_value(r, row, col + 19);
	acct->time_zone = db_value(r, row, col + 20);
}

static struct account *
account_from(struct arena *a, PGresult *r, struct err *err)
{
	if (r == NULL)
		return NULL;
	if (PQntuples(r) == 0) {
		err_set(err, ERR_NOT_FOUND, "No account has that name.", "no such account");
		return NULL;
	}
	struct account *acct = arena_alloc(a, sizeof *acct);
	db_account_row(a, r, 0, 0, acct);
	return acct;
}

struct account *
db_account_get(struct arena *a, int64_t id, struct err *err)
{
	char buf[ID_STRLEN];
	const char *p[] = {id_format(id, buf)};
	return account_from(a,
			    db_query(a, err,
				     "SELECT " DB_ACCOUNT_COLUMNS("a") " FROM accounts a WHERE a.id = $1",
				     1, p),
			    err);
}

struct account *
db_account_get_by_username(struct arena *a, const char *username, struct err *err)
{
	const char *p[] = {username};
	return account_from(a,
			    db_query(a, err,
				     "SELECT " DB_ACCOUNT_COLUMNS("a") " FROM accounts a "
				     "WHERE lower(a.username) = lower($1) AND a.domain IS NULL",
				     1, p),
			    err);
}

const char *
db_account_password_hash(struct arena *a, int64_t id, struct err *err)
{
	char buf[ID_STRLEN];
	const char *p[] = {id_format(id, buf)};
	PGresult *r = db_query(a, err, "SELECT password_hash FROM accounts WHERE id = $1", 1, p);
	if (r == NULL)
		return NULL;
	if (PQntuples(r) == 0) {
		err_set(err, ERR_NOT_FOUND, NULL, "no such account");
		return NULL;
	}
	return db_value(r, 0, 0);
}

int
db_account_set_password_hash(struct arena *a, int64_t id, const char *hash, struct err *err)
{
	char buf[ID_STRLEN];
	const char *p[] = {id_format(id, buf), hash};
	return db_query(a, err, "UPDATE accounts SET password_hash = $2 WHERE id = $1", 2, p)
		       ? 0
		       : -1;
}

int
db_account_update_profile(struct arena *a, int64_t id, const char *display_name, const char *bio,
			  const char *fields_json, bool locked, bool hide_collections,
			  bool discoverable, bool indexable, struct err *err)
{
	char buf[ID_STRLEN];
	const char *p[] = {id_format(id, buf),
			   display_name,
			   bio,
			   fields_json,
			   locked ? "true" : "false",
			   hide_collections ? "true" : "false",
			   discoverable ? "true" : "false",
			   indexable ? "true" : "false"};
	return db_query(a, err,
			"UPDATE accounts SET display_name = $2, bio = $3, fields = $4::jsonb,"
			" locked = $5::boolean, hide_collections = $6::boolean,"
			" discoverable = $7::boolean, indexable = $8::boolean WHERE id = $1",
			8, p)
		       ? 0
		       : -1;
}

int
db_account_update_preferences(struct arena *a, int64_t id, const char *language,
			      const char *default_visibility, const char *time_zone,
			      struct err *err)
{
	char buf[ID_STRLEN];
	const char *p[] = {id_format(id, buf), language, default_visibility, time_zone};
	return db_query(a, err,
			"UPDATE accounts SET language = $2, default_visibility = $3, time_zone = $4"
			" WHERE id = $1",
			4, p)
		       ? 0
		       : -1;
}

int
db_account_applications(struct arena *a, struct application **out, struct err *err)
{
	PGresult *r = db_query(a, err,
			       "SELECT id, username, coalesce(application_note, ''),"
			       " to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') "
			       "FROM accounts WHERE NOT approved ORDER BY id LIMIT 200",
			       0, NULL);
	if (r == NULL)
		return -1;
	int n = PQntuples(r);
	*out = arena_alloc(a, sizeof **out * (size_t)(n + 1));
	for (int i = 0; i < n; i++) {
		(*out)[i].account_id = db_int64(r, i, 0);
		(*out)[i].username = db_value(r, i, 1);
		(*out)[i].note = db_value(r, i, 2);
		(*out)[i].created_at = db_value(r, i, 3);
	}
	return n;
}

static int
changed(PGresult *r)
{
	return db_rows_changed(r);
}

int
db_account_approve(struct arena *a, int64_t id, struct err *err)
{
	char buf[ID_STRLEN];
	const char *p[] = {id_format(id, buf)};
	return changed(db_query(a, err,
				"UPDATE accounts SET approved = true, application_note = NULL "
				"WHERE id = $1 AND NOT approved",
				1, p));
}

int
db_account_delete_pending(struct arena *a, int64_t id, struct err *err)
{
	char buf[ID_STRLEN];
	const char *p[] = {id_format(id, buf)};
	return changed(
		db_query(a, err, "DELETE FROM accounts WHERE id = $1 AND NOT approved", 1, p));
}
