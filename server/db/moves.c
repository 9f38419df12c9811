/* moves.c - see moves.h. */
#include "db/moves.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"

int
db_move_state(struct arena *a, int64_t account_id, struct db_move_state *out, struct err *err)
{
	char b[ID_STRLEN];
	const char *p[] = {id_format(account_id, b)};
	out->aka = NULL;
	out->naka = 0;
	out->moved_to = NULL;
	out->moved_at = 0;
	PGresult *r = db_query(a, err,
			       "SELECT array_to_json(also_known_as)::text, moved_to_uri,"
			       " extract(epoch FROM moved_at)::bigint FROM accounts"
			       " WHERE id = $1::bigint",
			       1, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 0)
		return err_set(err, ERR_NOT_FOUND, NULL, "no account %lld", (long long)account_id);
	json_t *list = json_loads(db_value(r, 0, 0) ? db_value(r, 0, 0) : "[]", 0, NULL);
	size_t n = json_is_array(list) ? json_array_size(list) : 0;
	out->aka = arena_alloc(a, sizeof *out->aka * (n + 1));
	for (size_t i = 0; i < n; i++) {
		const char *s = json_string_value(json_array_get(list, i));
		if (s != NULL)
			out->aka[out->naka++] = arena_strdup(a, s);
	}
	json_decref(list);
	out->moved_to = db_value(r, 0, 1);
	out->moved_at = db_int64(r, 0, 2);
	return 0;
}

int
db_alias_add(struct arena *a, int64_t account_id, const char *uri, int max, struct err *err)
{
	char b[ID_STRLEN], m[16];
	snprintf(m, sizeof m, "%d", max);
	const char *p[] = {id_format(account_id, b), uri, m};
	PGresult *r = db_query(a, err,
			       "SELECT CASE WHEN $2 = ANY (also_known_as) THEN 0"
			       " WHEN cardinality(also_known_as) >= $3::int THEN 2 ELSE 1 END"
			       " FROM accounts WHERE id = $1::bigint FOR UPDATE",
			       3, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 0)
		return err_set(err, ERR_NOT_FOUND, NULL, "no account %lld", (long long)account_id);
	int state = (int)db_int64(r, 0, 0);
	if (state != 1)
		return state;
	r = db_query(a, err,
		     "UPDATE accounts SET also_known_as = array_append(also_known_as, $2)"
		     " WHERE id = $1::bigint",
		     2, p);
	return r == NULL ? -1 : 1;
}

int
db_alias_remove(struct arena *a, int64_t account_id, const char *uri, struct err *err)
{
	char b[ID_STRLEN];
	const char *p[] = {id_format(account_id, b), uri};
	PGresult *r = db_query(a, err,
			       "UPDATE accounts SET also_known_as = array_remove(also_known_as, $2)"
			       " WHERE id = $1::bigint AND $2 = ANY (also_known_as)",
			       2, p);
	return r == NULL ? -1 : db_rows_changed(r) > 0;
}

int
db_remote_move_fields(struct arena *a, int64_t account_id, const char *const *aka, int n,
		      const char *moved_to, struct err *err)
{
	json_t *list = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(list, json_string(aka[i]));
	char *text = json_dumps(list, JSON_COMPACT);
	json_decref(list);
	if (text == NULL)
		return err_set(err, ERR_INTERNAL, NULL, "out of memory");
	char b[ID_STRLEN];
	const char *p[] = {id_format(account_id, b), arena_strdup(a, text), moved_to};
	free(text);
	PGresult *r = db_query(
		a, err,
		"UPDATE accounts SET also_known_as ="
		" ARRAY(SELECT jsonb_array_elements_text($2::jsonb)),"
		" moved_at = CASE WHEN $3::text IS NOT NULL AND moved_to_uri IS DISTINCT FROM $3"
		" THEN now() ELSE moved_at END, moved_to_uri = $3"
		" WHERE id = $1::bigint AND domain IS NOT NULL",
		3, p);
	return r == NULL ? -1 : 0;
}

int
db_move_set(struct arena *a, int64_t account_id, const char *uri, int64_t now, struct err *err)
{
	char b[ID_STRLEN], t[24];
	snprintf(t, sizeof t, "%lld", (long long)now);
	const char *p[] = {id_format(account_id, b), uri, t};
	PGresult *r = db_query(a, err,
			       "UPDATE accounts SET moved_to_uri = $2,"
			       " moved_at = to_timestamp($3::bigint) WHERE id = $1::bigint",
			       3, p);
	return r == NULL ? -1 : 0;
}

int
db_move_clear(struct arena *a, int64_t account_id, struct err *err)
{
	char b[ID_STRLEN];
	const char *p[] = {id_format(account_id, b)};
	PGresult *r = db_query(a, err,
			       "UPDATE accounts SET moved_to_uri = NULL"
			       " WHERE id = $1::bigint AND moved_to_uri IS NOT NULL",
			       1, p);
	return r == NULL ? -1 : db_rows_changed(r) > 0;
}

int
db_move_forget(struct arena *a, int64_t account_id, struct err *err)
{
	char b[ID_STRLEN];
	const char *p[] = {id_format(account_id, b)};
	PGresult *r = db_query(a, err,
			       "UPDATE accounts SET also_known_as = '{}', moved_to_uri = NULL,"
			       " moved_at = NULL WHERE id = $1::bigint",
			       1, p);
	return r == NULL ? -1 : 0;
}

/* The local, approved, live accounts of table's account_id column whose target is account_id. */
static int
local_sources(struct arena *a, const char *sql, int64_t account_id, int64_t **out,
	      struct err *err)
{
	char b[ID_STRLEN];
	const char *p[] = {id_format(account_id, b)};
	return db_int64_column(a, db_query(a, err, sql, 1, p), out);
}

#define LOCAL_SOURCES(table)                                                                 \
	"SELECT x.account_id FROM " table " x JOIN accounts m ON m.id = x.account_id"          \
	" WHERE x.target_account_id = $1::bigint AND m.domain IS NULL AND m.approved"           \
	" AND m.deleted_at IS NULL ORDER BY x.id"

int
db_local_followers(struct arena *a, int64_t account_id, int64_t **out, struct err *err)
{
	return local_sources(a, LOCAL_SOURCES("follows"), account_id, out, err);
}

int
db_local_blockers(struct arena *a, int64_t account_id, int64_t **out, struct err *err)
{
	return local_sources(a, LOCAL_SOURCES("blocks"), account_id, out, err);
}

int
db_local_muters(struct arena *a, int64_t account_id, int64_t **out, struct err *err)
{
	return local_sources(a, LOCAL_SOURCES("mutes"), account_id, out, err);
}
