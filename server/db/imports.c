/* imports.c - see imports.h. */
#include "db/imports.h"

#include <stdio.h>

#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"

#define ISO(col)                                                                                   \
	"coalesce(to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '')"
#define IMPORT_COLS                                                                                \
	"id, account_id, kind, mode, state = 'running', total, done, failed, " ISO(                \
	    "created_at") ", " ISO("finished_at")

int
db_import_create(struct arena *a, int64_t account_id, const char *kind, const char *mode,
		 const char *entries_json, int64_t *id, int *total, struct err *err)
{
	char b[ID_STRLEN], k[16];
	snprintf(k, sizeof k, "%d", DB_IMPORTS_KEPT - 1);
	const char *p[] = {id_format(account_id, b), kind, mode, k};
	PGresult *r = db_query(a, err,
			       "WITH old AS (DELETE FROM imports WHERE account_id = $1::bigint"
			       "  AND state = 'finished' AND id NOT IN (SELECT id FROM imports"
			       "  WHERE account_id = $1::bigint ORDER BY id DESC LIMIT $4::int))"
			       " INSERT INTO imports (account_id, kind, mode, total)"
			       " VALUES ($1::bigint, $2, $3, 0) RETURNING id",
			       4, p);
	if (r == NULL)
		return -1;
	*id = db_int64(r, 0, 0);
	const char *q[] = {id_format(*id, b), entries_json};
	r = db_query(a, err,
		     "WITH e AS (INSERT INTO import_entries (import_id, address, state, error)"
		     "  SELECT $1::bigint, x ->> 0,"
		     "   CASE WHEN x ->> 1 IS NULL THEN 'pending' ELSE 'failed' END, x ->> 1"
		     "  FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS t (x, n) ORDER BY n"
		     "  ON CONFLICT (import_id, address) DO NOTHING RETURNING state)"
		     " UPDATE imports SET total = (SELECT count(*) FROM e),"
		     "  failed = (SELECT count(*) FROM e WHERE state = 'failed')"
		     " WHERE id = $1::bigint RETURNING total",
		     2, q);
	if (r == NULL)
		return -1;
	*total = (int)db_int64(r, 0, 0);
	return 0;
}

static void
read_import(const PGresult *r, int i, struct db_import *out)
{
	out->id = db_int64(r, i, 0);
	out->account_id = db_int64(r, i, 1);
	out->kind = db_value(r, i, 2);
	out->mode = db_value(r, i, 3);
	out->running = db_bool(r, i, 4);
	out->total = (int)db_int64(r, i, 5);
	out->done = (int)db_int64(r, i, 6);
	out->failed = (int)db_int64(r, i, 7);
	out->created_at = db_value(r, i, 8);
	out->finished_at = db_value(r, i, 9);
}

int
db_import_get(struct arena *a, int64_t id, struct db_import *out, struct err *err)
{
	char b[ID_STRLEN];
	const char *p[] = {id_format(id, b)};
	PGresult *r =
	    db_query(a, err, "SELECT " IMPORT_COLS " FROM imports WHERE id = $1::bigint", 1, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 0)
		return 0;
	read_import(r, 0, out);
	return 1;
}

int
db_imports_recent(struct arena *a, int64_t account_id, int limit, struct db_import **out,
		  struct err *err)
{
	char b[ID_STRLEN], l[16];
	snprintf(l, sizeof l, "%d", limit);
	const char *p[] = {id_format(account_id, b), l};
	PGresult *r = db_query(a, err,
			       "SELECT " IMPORT_COLS " FROM imports WHERE account_id = $1::bigint"
			       " ORDER BY id DESC LIMIT $2::int",
			       2, p);
	if (r == NULL)
		return -1;
	int n = PQntuples(r);
	*out = arena_alloc(a, sizeof **out * (size_t)(n + 1));
	for (int i = 0; i < n; i++)
		read_import(r, i, &(*out)[i]);
	return n;
}

static int
read_entries(struct arena *a, PGresult *r, struct db_import_entry **out)
{
	if (r == NULL)
		return -1;
	int n = PQntuples(r);
	*out = arena_alloc(a, sizeof **out * (size_t)(n + 1));
	for (int i = 0; i < n; i++) {
		(*out)[i].id = db_int64(r, i, 0);
		(*out)[i].import_id = db_int64(r, i, 1);
		(*out)[i].address = db_value(r, i, 2);
		(*out)[i].error = db_value(r, i, 3);
	}
	return n;
}

int
db_import_pending(struct arena *a, int64_t import_id, int limit, struct db_import_entry **out,
		  struct err *err)
{
	char b[ID_STRLEN], l[16];
	snprintf(l, sizeof l, "%d", limit);
	const char *p[] = {id_format(import_id, b), l};
	return read_entries(a,
			    db_query(a, err,
				     "SELECT id, import_id, address, error FROM import_entries"
				     " WHERE import_id = $1::bigint AND state = 'pending'"
				     " ORDER BY id LIMIT $2::int",
				     2, p),
			    out);
}

int
db_import_failures(struct arena *a, const int64_t *ids, int n, int limit,
		   struct db_import_entry **out, struct err *err)
{
	char l[16];
	snprintf(l, sizeof l, "%d", limit);
	const char *p[] = {db_id_array(a, ids, n), l};
	return read_entries(
	    a,
	    db_query(a, err,
		     "SELECT e.id, i.id, e.address, e.error FROM unnest($1::bigint[]) AS i (id)"
		     " CROSS JOIN LATERAL (SELECT id, address, error FROM import_entries"
		     "  WHERE import_id = i.id AND state = 'failed' ORDER BY id LIMIT $2::int) e"
		     " ORDER BY i.id DESC, e.id",
		     2, p),
	    out);
}

int
db_import_entry_lock(struct arena *a, int64_t id, struct err *err)
{
	char b[ID_STRLEN];
	const char *p[] = {id_format(id, b)};
	PGresult *r = db_query(a, err,
			       "SELECT 1 FROM import_entries WHERE id = $1::bigint"
			       " AND state = 'pending' FOR UPDATE",
			       1, p);
	return r == NULL ? -1 : PQntuples(r) > 0;
}

int
db_import_entry_settle(struct arena *a, int64_t id, const char *error, int64_t target_id,
		       struct err *err)
{
	char b[ID_STRLEN], t[ID_STRLEN];
	const char *p[] = {id_format(id, b), error, target_id ? id_format(target_id, t) : NULL};
	PGresult *r = db_query(
	    a, err,
	    "WITH e AS (UPDATE import_entries SET"
	    "  state = CASE WHEN $2::text IS NULL THEN 'done' ELSE 'failed' END,"
	    "  error = $2::text, target_account_id = $3::bigint"
	    "  WHERE id = $1::bigint AND state = 'pending' RETURNING import_id, error)"
	    " UPDATE imports i SET done = i.done + (e.error IS NULL)::int,"
	    "  failed = i.failed + (e.error IS NOT NULL)::int FROM e WHERE i.id = e.import_id",
	    3, p);
	return r == NULL ? -1 : db_rows_changed(r) > 0;
}

int
db_import_fail_pending(struct arena *a, int64_t import_id, const char *error, struct err *err)
{
	char b[ID_STRLEN];
	const char *p[] = {id_format(import_id, b), error};
	PGresult *r = db_query(a, err,
			       "WITH e AS (UPDATE import_entries SET state = 'failed', error = $2"
			       "  WHERE import_id = $1::bigint AND state = 'pending' RETURNING 1)"
			       " UPDATE imports SET failed = failed + (SELECT count(*) FROM e)"
			       " WHERE id = $1::bigint RETURNING (SELECT count(*) FROM e)",
			       2, p);
	if (r == NULL)
		return -1;
	return PQntuples(r) > 0 ? (int)db_int64(r, 0, 0) : 0;
}

int
db_import_finish(struct arena *a, int64_t import_id, struct err *err)
{
	char b[ID_STRLEN];
	const char *p[] = {id_format(import_id, b)};
	PGresult *r = db_query(a, err,
			       "UPDATE imports SET state = 'finished', finished_at = now()"
			       " WHERE id = $1::bigint AND state = 'running'",
			       1, p);
	return r == NULL ? -1 : 0;
}

/* The relation's rows of $1 whose account no entry of import $2 names. */
#define UNLISTED(table)                                                                            \
	"SELECT r.target_account_id FROM " table                                                   \
	" r JOIN accounts t ON t.id = r.target_account_id"                                         \
	" WHERE r.account_id = $1::bigint AND NOT EXISTS (SELECT 1 FROM import_entries e"          \
	"  WHERE e.import_id = $2::bigint AND (e.target_account_id = t.id"                         \
	"  OR e.address = lower(t.username) || coalesce('@' || t.domain, '')))"

static const char *const unlisted_sql[] = {
    [DB_IMPORT_FOLLOWS] = UNLISTED("follows") " UNION " UNLISTED("follow_requests"),
    [DB_IMPORT_BLOCKS] = UNLISTED("blocks"),
    [DB_IMPORT_MUTES] = UNLISTED("mutes"),
};

int
db_import_unlisted(struct arena *a, enum db_import_relation rel, int64_t account_id,
		   int64_t import_id, int64_t **ids, struct err *err)
{
	char b[ID_STRLEN], c[ID_STRLEN];
	const char *p[] = {id_format(account_id, b), id_format(import_id, c)};
	return db_int64_column(a, db_query(a, err, unlisted_sql[rel], 2, p), ids);
}
