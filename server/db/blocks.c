/* blocks.c - queries on blocks and mutes. */
#include "blocks.h"

#include <stdlib.h>

#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"

/* Runs sql with the two account ids; the first column of the one row answered, or the
 * number of rows changed when sql answers none. */
static int
run(struct arena *a, const char *sql, int64_t account, int64_t target, struct err *err)
{
	char s[ID_STRLEN], t[ID_STRLEN];
	const char *p[] = {id_format(account, s), id_format(target, t)};
	PGresult *r = db_query(a, err, sql, 2, p);
	if (r == NULL)
		return -1;
	if (PQresultStatus(r) == PGRES_TUPLES_OK)
		return (int)db_int64(r, 0, 0);
	return atoi(PQcmdTuples(r));
}

/* Runs sql, whose one row is (count, id), with the two ids; the count or -1, the id into
 * *id (unless NULL; 0 when the count is 0). */
static int
run_with_id(struct arena *a, const char *sql, int64_t account, int64_t target, int64_t *id,
	    struct err *err)
{
	char s[ID_STRLEN], t[ID_STRLEN];
	const char *p[] = {id_format(account, s), id_format(target, t)};
	PGresult *r = db_query(a, err, sql, 2, p);
	if (r == NULL)
		return -1;
	if (id != NULL)
		*id = db_int64(r, 0, 1);
	return (int)db_int64(r, 0, 0);
}

int
db_block_insert(struct arena *a, int64_t account, int64_t target, int64_t *block_id,
		struct err *err)
{
	return run_with_id(a,
			   "WITH b AS (INSERT INTO blocks (account_id, target_account_id)"
			   "  VALUES ($1::bigint, $2::bigint) ON CONFLICT DO NOTHING RETURNING id),"
			   " f AS (DELETE FROM follows WHERE (account_id = $1::bigint"
			   "  AND target_account_id = $2::bigint) OR (account_id = $2::bigint"
			   "  AND target_account_id = $1::bigint)),"
			   " q AS (DELETE FROM follow_requests WHERE (account_id = $1::bigint"
			   "  AND target_account_id = $2::bigint) OR (account_id = $2::bigint"
			   "  AND target_account_id = $1::bigint))"
			   " SELECT count(*), max(id) FROM b",
			   account, target, block_id, err);
}

int
db_block_delete(struct arena *a, int64_t account, int64_t target, int64_t *block_id,
		struct err *err)
{
	return run_with_id(a,
			   "WITH b AS (DELETE FROM blocks WHERE account_id = $1::bigint"
			   "  AND target_account_id = $2::bigint RETURNING id)"
			   " SELECT count(*), max(id) FROM b",
			   account, target, block_id, err);
}

int
db_mute_insert(struct arena *a, int64_t account, int64_t target, struct err *err)
{
	return run(a,
		   "INSERT INTO mutes (account_id, target_account_id)"
		   " VALUES ($1::bigint, $2::bigint) ON CONFLICT DO NOTHING",
		   account, target, err);
}

int
db_mute_delete(struct arena *a, int64_t account, int64_t target, struct err *err)
{
	return run(a,
		   "DELETE FROM mutes WHERE account_id = $1::bigint"
		   " AND target_account_id = $2::bigint",
		   account, target, err);
}

int
db_blocks_among(struct arena *a, int64_t viewer, const int64_t *ids, int n, int64_t **out,
		struct err *err)
{
	char v[ID_STRLEN];
	const char *p[] = {id_format(viewer, v), db_id_array(a, ids, n)};
	const char **rows;
	int got = db_query_strings(a, err,
				   "SELECT DISTINCT x FROM unnest($2::bigint[]) x WHERE EXISTS"
				   " (SELECT 1 FROM blocks WHERE account_id = $1::bigint"
				   "  AND target_account_id = x)"
				   " OR EXISTS (SELECT 1 FROM blocks WHERE account_id = x"
				   "  AND target_account_id = $1::bigint)",
				   2, p, &rows);
	if (got < 0)
		return -1;
	*out = arena_alloc(a, sizeof **out * (size_t)(got > 0 ? got : 1));
	for (int i = 0; i < got; i++)
		if (id_parse(rows[i], &(*out)[i]) != 0)
			return err_set(err, ERR_INTERNAL, NULL, "bad id %s", rows[i]);
	return got;
}
