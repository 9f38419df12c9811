/* follows.c - queries on follows and follow_requests, and the relation listings. */
#include "follows.h"

#include <stdio.h>
#include <stdlib.h>

#include "db/accounts.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"

/* The listing queries, made at compile time from fixed table and column names: $1 the
 * account, $2 the max_id or min_id bound (NULL for none), $3 the limit. A suspended account
 * disappears from follower, following and request lists (not from the member's own blocks
 * and mutes, which they must be able to undo). */
/* clang-format off */
#define REL_SQL(table, mine, other, extra, cmp, none, order)                               \
	"SELECT r.id, " DB_ACCOUNT_COLUMNS("a") " FROM " table " r JOIN accounts a"         \
	" ON a.id = r." other " WHERE r." mine " = $1::bigint AND a.approved" extra          \
	" AND r.id " cmp " COALESCE($2::bigint, " none ")"                                 \
	" ORDER BY r.id " order " LIMIT $3::integer"
#define REL_SQLS(table, mine, other, extra)                                                \
	{REL_SQL(table, mine, other, extra, "<", "9223372036854775807", "DESC"),             \
	 REL_SQL(table, mine, other, extra, ">", "0", "ASC")}
#define NOT_SUSPENDED " AND a.suspended_at IS NULL"
/* clang-format on */

/* [relation][incoming][ascending] */
static const char *const rel_sql[DB_REL__MAX][2][2] = {
    [DB_REL_FOLLOWS] = {REL_SQLS("follows", "account_id", "target_account_id", NOT_SUSPENDED),
			REL_SQLS("follows", "target_account_id", "account_id", NOT_SUSPENDED)},
    [DB_REL_FOLLOW_REQUESTS] = {REL_SQLS("follow_requests", "account_id", "target_account_id",
					 NOT_SUSPENDED),
				REL_SQLS("follow_requests", "target_account_id", "account_id",
					 NOT_SUSPENDED)},
    [DB_REL_BLOCKS] = {REL_SQLS("blocks", "account_id", "target_account_id", ""),
		       REL_SQLS("blocks", "target_account_id", "account_id", "")},
    [DB_REL_MUTES] = {REL_SQLS("mutes", "account_id", "target_account_id", ""),
		      REL_SQLS("mutes", "target_account_id", "account_id", "")},
    /* a post's likes and boosts have one direction: the accounts behind them */
    [DB_REL_FAVOURITES] = {REL_SQLS("favourites", "status_id", "account_id", NOT_SUSPENDED),
			   REL_SQLS("favourites", "status_id", "account_id", NOT_SUSPENDED)},
    [DB_REL_REBLOGS] = {REL_SQLS("statuses", "reblog_of_id", "account_id", NOT_SUSPENDED),
			REL_SQLS("statuses", "reblog_of_id", "account_id", NOT_SUSPENDED)},
};

int
db_relation_list(struct arena *a, enum db_relation rel, bool incoming, int64_t account_id,
		 int64_t max_id, int64_t min_id, int limit, struct account_entry **out,
		 struct err *err)
{
	if (rel < 0 || rel >= DB_REL__MAX)
		return err_set(err, ERR_INTERNAL, NULL, "bad relation %d", (int)rel);
	char acct[ID_STRLEN], bound[ID_STRLEN], lim[16];
	id_format(account_id, acct);
	bool asc = min_id != 0;
	int64_t b = asc ? min_id : max_id;
	if (b != 0)
		id_format(b, bound);
	snprintf(lim, sizeof lim, "%d", limit);
	const char *p[] = {acct, b != 0 ? bound : NULL, lim};
	PGresult *r = db_query(a, err, rel_sql[rel][incoming][asc], 3, p);
	if (r == NULL)
		return -1;
	int n = PQntuples(r);
	*out = arena_alloc(a, sizeof **out * (size_t)(n > 0 ? n : 1));
	for (int i = 0; i < n; i++) {
		(*out)[i].key_id = db_int64(r, i, 0);
		db_account_row(a, r, i, 1, &(*out)[i].account);
	}
	return n;
}

int
db_follow_request_find(struct arena *a, int64_t requester, int64_t target, int64_t *request_id,
		       struct err *err)
{
	char q[ID_STRLEN], t[ID_STRLEN];
	const char *p[] = {id_format(requester, q), id_format(target, t)};
	PGresult *r = db_query(a, err,
			       "SELECT id FROM follow_requests WHERE account_id = $1::bigint"
			       " AND target_account_id = $2::bigint",
			       2, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 0)
		return 0;
	*request_id = db_int64(r, 0, 0);
	return 1;
}

int
db_relationship(struct arena *a, int64_t viewer, int64_t target, bool flags[6], struct err *err)
{
	char v[ID_STRLEN], t[ID_STRLEN];
	const char *p[] = {id_format(viewer, v), id_format(target, t)};
	PGresult *r =
	    db_query(a, err,
		     "SELECT"
		     " EXISTS (SELECT 1 FROM follows WHERE account_id = $1::bigint"
		     "  AND target_account_id = $2::bigint),"
		     " EXISTS (SELECT 1 FROM follow_requests WHERE account_id = $1::bigint"
		     "  AND target_account_id = $2::bigint),"
		     " EXISTS (SELECT 1 FROM follows WHERE account_id = $2::bigint"
		     "  AND target_account_id = $1::bigint),"
		     " EXISTS (SELECT 1 FROM blocks WHERE account_id = $1::bigint"
		     "  AND target_account_id = $2::bigint),"
		     " EXISTS (SELECT 1 FROM blocks WHERE account_id = $2::bigint"
		     "  AND target_account_id = $1::bigint),"
		     " EXISTS (SELECT 1 FROM mutes WHERE account_id = $1::bigint"
		     "  AND target_account_id = $2::bigint)",
		     2, p);
	if (r == NULL)
		return -1;
	for (int i = 0; i < 6; i++)
		flags[i] = db_bool(r, 0, i);
	return 0;
}

/* Runs an insert-unless-blocked statement that answers one row (blocked, inserted). */
static int
insert_unless_blocked(struct arena *a, const char *sql, int64_t follower, int64_t target,
		      struct err *err)
{
	char f[ID_STRLEN], t[ID_STRLEN];
	const char *p[] = {id_format(follower, f), id_format(target, t)};
	PGresult *r = db_query(a, err, sql, 2, p);
	if (r == NULL)
		return -1;
	if (db_bool(r, 0, 0))
		return 2;
	return db_bool(r, 0, 1) ? 1 : 0;
}

#define BLOCKED_EITHER_WAY                                                                         \
	"EXISTS (SELECT 1 FROM blocks WHERE (account_id = $1::bigint"                              \
	" AND target_account_id = $2::bigint) OR (account_id = $2::bigint"                         \
	" AND target_account_id = $1::bigint))"

int
db_follow_insert(struct arena *a, int64_t follower, int64_t target, struct err *err)
{
	return insert_unless_blocked(
	    a,
	    "WITH blk AS (SELECT " BLOCKED_EITHER_WAY " AS b),"
	    " ins AS (INSERT INTO follows (account_id, target_account_id)"
	    "  SELECT $1::bigint, $2::bigint FROM blk WHERE NOT blk.b"
	    "  ON CONFLICT DO NOTHING RETURNING id),"
	    " req AS (DELETE FROM follow_requests WHERE account_id = $1::bigint"
	    "  AND target_account_id = $2::bigint AND NOT (SELECT b FROM blk))"
	    " SELECT (SELECT b FROM blk), EXISTS (SELECT 1 FROM ins)",
	    follower, target, err);
}

int
db_follow_request_insert(struct arena *a, int64_t follower, int64_t target, struct err *err)
{
	return insert_unless_blocked(
	    a,
	    "WITH blk AS (SELECT " BLOCKED_EITHER_WAY " AS b),"
	    " ins AS (INSERT INTO follow_requests (account_id, target_account_id)"
	    "  SELECT $1::bigint, $2::bigint FROM blk WHERE NOT blk.b"
	    "  AND NOT EXISTS (SELECT 1 FROM follows WHERE account_id = $1::bigint"
	    "   AND target_account_id = $2::bigint)"
	    "  ON CONFLICT DO NOTHING RETURNING id)"
	    " SELECT (SELECT b FROM blk), EXISTS (SELECT 1 FROM ins)",
	    follower, target, err);
}

int
db_follow_delete(struct arena *a, int64_t follower, int64_t target, const char **uri,
		 struct err *err)
{
	char f[ID_STRLEN], t[ID_STRLEN];
	const char *p[] = {id_format(follower, f), id_format(target, t)};
	PGresult *r = db_query(a, err,
			       "WITH f AS (DELETE FROM follows WHERE account_id = $1::bigint"
			       "  AND target_account_id = $2::bigint RETURNING uri),"
			       " q AS (DELETE FROM follow_requests WHERE account_id = $1::bigint"
			       "  AND target_account_id = $2::bigint RETURNING uri)"
			       " SELECT (SELECT count(*) FROM f) + (SELECT count(*) FROM q),"
			       " coalesce((SELECT max(uri) FROM f), (SELECT max(uri) FROM q))",
			       2, p);
	if (r == NULL)
		return -1;
	if (uri != NULL)
		*uri = db_value(r, 0, 1);
	return (int)db_int64(r, 0, 0);
}

int
db_follow_request_decide(struct arena *a, int64_t target, int64_t request_id, bool accept,
			 int64_t *requester, const char **uri, struct err *err)
{
	char t[ID_STRLEN], q[ID_STRLEN];
	const char *p[] = {id_format(target, t), id_format(request_id, q)};
	PGresult *r =
	    db_query(a, err,
		     accept ? "WITH d AS (DELETE FROM follow_requests WHERE id = $2::bigint"
			      "  AND target_account_id = $1::bigint RETURNING account_id, uri),"
			      " i AS (INSERT INTO follows (account_id, target_account_id, uri)"
			      "  SELECT account_id, $1::bigint, uri FROM d ON CONFLICT DO NOTHING)"
			      " SELECT account_id, uri FROM d"
			    : "DELETE FROM follow_requests WHERE id = $2::bigint"
			      " AND target_account_id = $1::bigint RETURNING account_id, uri",
		     2, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 0)
		return 0;
	*requester = db_int64(r, 0, 0);
	if (uri != NULL)
		*uri = db_value(r, 0, 1);
	return 1;
}
