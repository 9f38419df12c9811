/* statuses.c - queries on posts. The timeline queries share one column list and one FROM:
 * t is the timeline row (a post or a boost), s the post shown (the boosted one for a boost),
 * a its author, b the booster. $1 is always the viewer (NULL for visitors), $2/$3 the page
 * bounds, $4 the limit, $5 the kind's argument. SQL text is assembled from the constant
 * fragments below only, never from input. */
#include "statuses.h"

#include <stdlib.h>
#include <string.h>

#include "db/visibility.h"
#include "db/accounts.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"

#define ISO(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

#define STATUS_COLUMNS                                                                          \
	"t.id, s.id, s.text, s.content, s.spoiler_text, s.sensitive, s.visibility, "           \
	"s.in_reply_to_id, s.in_reply_to_account_id, "                                          \
	"(SELECT r.username || COALESCE('@' || r.domain, '') FROM accounts r"                 \
	" WHERE r.id = s.in_reply_to_account_id), "                                             \
	ISO("s.created_at") ", " ISO("s.edited_at") ", "                                        \
	"COALESCE(ss.replies_count, 0), COALESCE(ss.reblogs_count, 0), "                       \
	"COALESCE(ss.favourites_count, 0), "                                                    \
	VIS_ANY("favourites x", "x.account_id = $1 AND x.status_id = s.id") ", "               \
	VIS_ANY("statuses x", "x.account_id = $1 AND x.reblog_of_id = s.id") ", "              \
	VIS_ANY("bookmarks x", "x.account_id = $1 AND x.status_id = s.id") ", "                \
	VIS_ANY("pins x", "x.account_id = $1 AND x.status_id = s.id") ", "                     \
	"b.id, b.username || COALESCE('@' || b.domain, ''), b.display_name, "                  \
	ISO("s.expires_at") ", " DB_ACCOUNT_COLUMNS("a")
#define STATUS_NCOLUMNS 23 /* before the author's columns */

/* A timeline query has two levels. The inner one picks the page: the rows (t, the timeline
 * row, and s, the post shown) of the kind's source that the viewer may see, between the page
 * bounds, in key order, LIMIT $4 — an index scan that stops at the limit. The outer one
 * joins what a page shows (authors, counters, the viewer's marks) to those few rows only;
 * the LIMIT fences it off, so the planner can't mix the two. The bounds are written so that
 * a generic plan (prepared statements) still uses them as index conditions: "$2 IS NULL OR
 * t.id < $2" would not be one. */
#define PAGE_FROM(source)                                                                    \
	source " JOIN statuses s ON s.id = COALESCE(t.reblog_of_id, t.id)"                   \
	" WHERE " VISIBLE_TO("t", "$1") " AND (t.reblog_of_id IS NULL OR "                   \
	VISIBLE_TO("s", "$1") ")"                                                              \
	" AND t.id < COALESCE($2::bigint, 9223372036854775807)"                              \
	" AND t.id > COALESCE($3::bigint, 0)"
#define STATUS_FROM                                                                          \
	" JOIN statuses t ON t.id = pg.tid JOIN statuses s ON s.id = pg.sid"                 \
	" JOIN accounts a ON a.id = s.account_id"                                            \
	" LEFT JOIN accounts b ON b.id = t.account_id AND t.reblog_of_id IS NOT NULL"        \
	" LEFT JOIN status_stats ss ON ss.status_id = s.id"

/* Accounts the viewer muted or blocked drop out of the shared timelines. */
#define NOT_SILENCED                                                                         \
	" AND NOT " VIS_ANY("mutes m", "m.account_id = $1"                                    \
	" AND m.target_account_id IN (t.account_id, s.account_id)")                          \
	" AND NOT " VIS_ANY("blocks k", "k.account_id = $1"                                   \
	" AND k.target_account_id IN (t.account_id, s.account_id)")

/* Posts a moderator hid stay out of every timeline but their author's own view; limited
 * accounts (or accounts of a limited domain) stay out of the shared ones. */
#define NOT_HIDDEN " AND (NOT s.mod_hidden OR s.account_id = $1) AND (NOT t.mod_hidden OR t.account_id = $1)"
#define NOT_LIMITED " AND NOT " ACCOUNT_LIMITED("t.account_id") " AND NOT " ACCOUNT_LIMITED("s.account_id")

/* Each timeline's whole query, in both orders, made at compile time: no SQL is put together
 * at run time, not even from constant pieces. */
#define TL_SQL(source, where, dir)                                                           \
	"SELECT " STATUS_COLUMNS " FROM (SELECT t.id AS tid, s.id AS sid FROM " PAGE_FROM(source) \
	where " ORDER BY t.id " dir " LIMIT $4::int) pg" STATUS_FROM " ORDER BY t.id " dir
#define TLS(source, where) {TL_SQL(source, where, "DESC"), TL_SQL(source, where, "ASC")}
#define TL(where) TLS("statuses t", where)
static const char *const kind_sql[DB_TL__MAX][2] = {
	/* The kinds read through candidates (cand_sql below) filter the ids found ($5). */
	[DB_TL_HOME] = TL(" AND t.id = ANY ($5::bigint[])" NOT_SILENCED NOT_HIDDEN),
	[DB_TL_LOCAL] = TL(" AND t.visibility = 'public' AND t.reblog_of_id IS NULL" NOT_SILENCED
		NOT_HIDDEN NOT_LIMITED),
	/* Unlisted posts stay off tag pages, as on Mastodon (the compose form says so). */
	[DB_TL_TAG] = TL(" AND t.id = ANY ($5::bigint[])"
		" AND t.reblog_of_id IS NULL AND t.visibility NOT IN ('direct', 'unlisted')"
		" AND ($1 IS NOT NULL OR t.visibility = 'public')" NOT_SILENCED NOT_HIDDEN
		NOT_LIMITED),
	[DB_TL_ACCOUNT] = TL(" AND t.account_id = $5::bigint" NOT_HIDDEN),
	[DB_TL_PINNED] = TL(" AND t.id = ANY ($5::bigint[]) AND t.reblog_of_id IS NULL"
		NOT_HIDDEN),
	[DB_TL_BOOKMARKS] = TL(" AND t.id = ANY ($5::bigint[])"),
	[DB_TL_FAVOURITES] = TL(" AND t.id = ANY ($5::bigint[])"),
	[DB_TL_ONE] = TL(" AND t.id = $5::bigint AND t.reblog_of_id IS NULL"),
	/* the chain of parents, found first, then joined */
	[DB_TL_ANCESTORS] = TLS("(WITH RECURSIVE up (id, parent, depth) AS ("
		"SELECT id, in_reply_to_id, 0 FROM statuses WHERE id = $5::bigint"
		" UNION ALL SELECT p.id, p.in_reply_to_id, up.depth + 1"
		" FROM statuses p JOIN up ON p.id = up.parent WHERE up.depth < 200)"
		" SELECT id FROM up WHERE id <> $5::bigint) th JOIN statuses t ON t.id = th.id", ""),
	/* the replies and their replies, by statuses_reply, found first, then joined */
	[DB_TL_DESCENDANTS] = TLS("(WITH RECURSIVE down (id, depth) AS ("
		"SELECT id, 0 FROM statuses WHERE in_reply_to_id = $5::bigint"
		" UNION ALL SELECT c.id, down.depth + 1 FROM statuses c"
		" JOIN down ON c.in_reply_to_id = down.id WHERE down.depth < 200)"
		" SELECT id FROM down) th JOIN statuses t ON t.id = th.id", ""),
};

static const char *
fmt_id(struct arena *a, int64_t id)
{
	char buf[ID_STRLEN];
	return id != 0 ? arena_strdup(a, id_format(id, buf)) : NULL;
}

static void
status_row(struct arena *a, const PGresult *r, int row, struct status *st)
{
	memset(st, 0, sizeof *st);
	st->key = db_int64(r, row, 0);
	st->id = db_int64(r, row, 1);
	st->text = db_value(r, row, 2);
	st->content = db_value(r, row, 3);
	st->spoiler_text = db_value(r, row, 4);
	st->sensitive = db_bool(r, row, 5);
	if (visibility_parse(db_value(r, row, 6), &st->visibility) != 0)
		st->visibility = VIS_DIRECT; /* unknown: the narrowest label */
	st->in_reply_to_id = db_int64(r, row, 7);
	st->in_reply_to_account_id = db_int64(r, row, 8);
	st->in_reply_to_acct = db_value(r, row, 9);
	st->created_at = db_value(r, row, 10);
	st->edited_at = db_value(r, row, 11);
	st->replies_count = atol(db_value(r, row, 12));
	st->reblogs_count = atol(db_value(r, row, 13));
	st->favourites_count = atol(db_value(r, row, 14));
	st->favourited = db_bool(r, row, 15);
	st->reblogged = db_bool(r, row, 16);
	st->bookmarked = db_bool(r, row, 17);
	st->pinned = db_bool(r, row, 18);
	st->booster_id = db_int64(r, row, 19);
	st->booster_acct = db_value(r, row, 20);
	st->booster_name = db_value(r, row, 21);
	st->expires_at = db_value(r, row, 22);
	db_account_row(a, r, row, STATUS_NCOLUMNS, &st->author);
}

/* Runs one timeline query; appends its rows to *list (which holds *have of cap). */
static int
run_list(struct arena *a, const char *sql, const char *const *p, int n, struct status *list,
	 int *have, struct err *err)
{
	PGresult *r = db_query(a, err, sql, n, p);
	if (r == NULL)
		return -1;
	int rows = PQntuples(r);
	for (int i = 0; i < rows; i++)
		status_row(a, r, i, &list[(*have)++]);
	return rows;
}

/* Candidates: for the kinds whose rows come from elsewhere than statuses (follows, tags,
 * pins, bookmarks), the page's ids are first read on their own, from the one index that
 * holds them in key order, and then filtered by the kind's timeline query (t.id = ANY ($5)).
 * A query of one index and an ORDER BY on its columns has one sensible plan, whatever the
 * planner thinks of the tables; the joined query left to itself sometimes walked all of a
 * member's posts to find their five pins. $1/$2 the bounds, $3 the batch size, $4 the kind's
 * argument (the viewer for home and bookmarks, the account for pins, the tag's name).
 * The home timeline reads its member's feed (home_candidates below); below the feed's floor
 * it reads the newest ids of each account the member follows (and their own) from
 * statuses_account and merges them (CAND_HOME), so that part costs one index scan per
 * account followed. */
#define CAND_BOUNDS(col)                                                                     \
	" AND " col " < COALESCE($1::bigint, 9223372036854775807)"                           \
	" AND " col " > COALESCE($2::bigint, 0)"
#define CAND_HOME(dir)                                                                       \
	"SELECT c.id FROM (SELECT $4::bigint AS aid UNION ALL SELECT f.target_account_id"     \
	" FROM follows f WHERE f.account_id = $4::bigint) au CROSS JOIN LATERAL"              \
	" (SELECT x.id FROM statuses x WHERE x.account_id = au.aid" CAND_BOUNDS("x.id")      \
	" ORDER BY x.id " dir " LIMIT $3::int) c ORDER BY c.id " dir " LIMIT $3::int"
#define CAND_TAG(dir)                                                                        \
	"SELECT st.status_id FROM status_tags st WHERE st.tag_id ="                            \
	" (SELECT g.id FROM tags g WHERE lower(g.name) = lower($4::text))"                    \
	CAND_BOUNDS("st.status_id") " ORDER BY st.status_id " dir " LIMIT $3::int"
#define CAND_MARK(table, dir)                                                                \
	"SELECT m.status_id FROM " table " m WHERE m.account_id = $4::bigint"                 \
	CAND_BOUNDS("m.status_id") " ORDER BY m.status_id " dir " LIMIT $3::int"
/* a member's pins (five at most) of their own posts */
#define CAND_PINS(dir)                                                                       \
	"SELECT m.status_id FROM pins m JOIN statuses x ON x.id = m.status_id"                  \
	" AND x.account_id = m.account_id WHERE m.account_id = $4::bigint"                     \
	CAND_BOUNDS("m.status_id") " ORDER BY m.status_id " dir " LIMIT $3::int"
#define CANDS(sql) {sql("DESC"), sql("ASC")}
#define CANDS_MARK(table) {CAND_MARK(table, "DESC"), CAND_MARK(table, "ASC")}
static const char *const cand_sql[DB_TL__MAX][2] = {
	[DB_TL_HOME] = CANDS(CAND_HOME),
	[DB_TL_TAG] = CANDS(CAND_TAG),
	[DB_TL_PINNED] = CANDS(CAND_PINS),
	[DB_TL_BOOKMARKS] = CANDS_MARK("bookmarks"),
	[DB_TL_FAVOURITES] = CANDS_MARK("favourites"),
};

/* The home timeline's candidates come from the member's feed (home_feed, migration 0012),
 * which holds every candidate from its floor up, and below the floor from the accounts
 * followed (CAND_HOME). $1/$2 the bounds, $3 the batch size, $4 the member. One row per id,
 * and always at least one row (its id NULL) when the member has a feed, for the floor. */
#define CAND_FEED(dir)                                                                       \
	"SELECT f.floor_id, h.status_id FROM home_feeds f LEFT JOIN LATERAL"                  \
	" (SELECT x.status_id FROM home_feed x WHERE x.account_id = f.account_id"              \
	" AND x.status_id >= f.floor_id" CAND_BOUNDS("x.status_id")                           \
	" ORDER BY x.status_id " dir " LIMIT $3::int) h ON true"                              \
	" WHERE f.account_id = $4::bigint ORDER BY h.status_id " dir
static const char *const feed_sql[2] = {CAND_FEED("DESC"), CAND_FEED("ASC")};

/* Appends to ids (which holds *n) up to `batch` - *n candidate ids of one query: `sql` with
 * the bounds, the batch size and arg. */
static int
fetch_ids(struct arena *a, const char *sql, int64_t max_id, int64_t min_id, int batch,
	  const char *arg, int64_t *ids, int *n, struct err *err)
{
	char lim[16];
	snprintf(lim, sizeof lim, "%d", batch - *n);
	const char *p[4] = {fmt_id(a, max_id), fmt_id(a, min_id), lim, arg};
	PGresult *r = db_query(a, err, sql, 4, p);
	if (r == NULL)
		return -1;
	for (int i = 0; i < PQntuples(r) && *n < batch; i++)
		ids[(*n)++] = db_int64(r, i, 0);
	return 0;
}

/* The mean gap between the ids of the member arg's feed (from its floor up), as the ids
 * of the posts reaching them come: 0 when there is no feed or too little of one. */
static int64_t
feed_gap(struct arena *a, const char *arg, struct err *err)
{
	const char *p[1] = {arg};
	PGresult *r = db_query(a, err,
			       "SELECT (max(h.status_id) - min(h.status_id)) / NULLIF(count(*) - 1, 0)"
			       " FROM home_feeds f JOIN home_feed h ON h.account_id = f.account_id"
			       " AND h.status_id >= f.floor_id WHERE f.account_id = $1::bigint",
			       1, p);
	if (r == NULL)
		return -1;
	return PQntuples(r) == 1 && !PQgetisnull(r, 0, 0) ? db_int64(r, 0, 0) : 0;
}

/* How many gaps of the feed the first read below its floor spans, per candidate wanted. */
#define BELOW_WINDOW_GAPS 4

/* Descending candidates below the feed's floor (ids under max_id, over min_id): each
 * followed account's newest there, merged (CAND_HOME) — one index probe per account and up
 * to a batch of rows from each, sorted. A window cuts the rows: ids as far below max_id as
 * the feed's density says a few batches take are read first, and below the window only when
 * it held too few. Exact either way. */
static int
below_floor_desc(struct arena *a, const char *arg, int64_t max_id, int64_t min_id, int batch,
		 int64_t *ids, int *n, struct err *err)
{
	const char *sql = cand_sql[DB_TL_HOME][0];
	int64_t gap = max_id > 0 ? feed_gap(a, arg, err) : 0;
	if (gap < 0)
		return -1;
	int64_t span = (int64_t)batch * BELOW_WINDOW_GAPS;
	int64_t lo = gap > 0 && gap < max_id / span ? max_id - gap * span : 0;
	if (lo <= min_id)
		return fetch_ids(a, sql, max_id, min_id, batch, arg, ids, n, err);
	if (fetch_ids(a, sql, max_id, lo, batch, arg, ids, n, err) != 0)
		return -1;
	return *n < batch ? fetch_ids(a, sql, lo + 1, min_id, batch, arg, ids, n, err) : 0;
}

/* Up to `batch` home candidates of the member `arg` between the bounds (0: none), in key
 * order: from the feed for ids from its floor up, the rest per followed account. Returns
 * how many, -1 on failure. */
static int
home_candidates(struct arena *a, const char *arg, int64_t max_id, int64_t min_id, int batch,
		bool ascending, int64_t *ids, struct err *err)
{
	char lim[16];
	snprintf(lim, sizeof lim, "%d", batch);
	const char *p[4] = {fmt_id(a, max_id), fmt_id(a, min_id), lim, arg};
	PGresult *r = db_query(a, err, feed_sql[ascending ? 1 : 0], 4, p);
	if (r == NULL)
		return -1;
	/* no feed: everything lies below an infinite floor */
	int64_t floor = PQntuples(r) > 0 ? db_int64(r, 0, 0) : INT64_MAX;
	int from_feed = 0;
	for (int i = 0; i < PQntuples(r); i++)
		if (!PQgetisnull(r, i, 1))
			from_feed++;
	/* the ids below the floor within the bounds, if there are any such ids */
	bool below = floor > 0 && (min_id == 0 || min_id < floor - 1);
	int64_t below_max = max_id != 0 && max_id < floor ? max_id : floor;
	int n = 0;
	if (ascending && below) { /* the older ones first */
		if (fetch_ids(a, cand_sql[DB_TL_HOME][1], below_max == INT64_MAX ? 0 : below_max,
			      min_id, batch, arg, ids, &n, err) != 0)
			return -1;
	}
	for (int i = 0; i < PQntuples(r) && n < batch; i++)
		if (!PQgetisnull(r, i, 1))
			ids[n++] = db_int64(r, i, 1);
	if (!ascending && below && from_feed < batch) {
		if (below_floor_desc(a, arg, below_max == INT64_MAX ? 0 : below_max, min_id, batch,
				     ids, &n, err) != 0)
			return -1;
	}
	return n;
}

/* Up to `batch` candidate ids of a kind read through candidates, in key order. */
static int
candidates(struct arena *a, enum db_timeline kind, const char *arg, int64_t max_id,
	   int64_t min_id, int batch, bool ascending, int64_t *ids, struct err *err)
{
	if (kind == DB_TL_HOME)
		return home_candidates(a, arg, max_id, min_id, batch, ascending, ids, err);
	int n = 0;
	if (fetch_ids(a, cand_sql[kind][ascending ? 1 : 0], max_id, min_id, batch, arg, ids, &n,
		      err) != 0)
		return -1;
	return n;
}

/* A kind read through candidates: batches of candidates (growing), each filtered by the
 * kind's timeline query, until the page is full or the candidates run out. Exact: a batch
 * the filters thin out is followed by the next one. */
static int
candidate_list(struct arena *a, enum db_timeline kind, int64_t viewer, const char *arg,
	       int64_t max_id, int64_t min_id, int limit, bool ascending, struct status *list,
	       struct err *err)
{
	/* A first batch half again the page: the filters usually thin a batch a little (direct
	 * messages to others, mutes), and a second round costs more than the extra rows. */
	int have = 0, batch = limit > 0 ? limit + limit / 2 : 1;
	while (have < limit) {
		int64_t *ids = arena_alloc(a, sizeof *ids * (size_t)batch);
		int n = candidates(a, kind, arg, max_id, min_id, batch, ascending, ids, err);
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		char need[16];
		snprintf(need, sizeof need, "%d", limit - have);
		const char *p[5] = {fmt_id(a, viewer), NULL, NULL, need, db_id_array(a, ids, n)};
		if (run_list(a, kind_sql[kind][ascending ? 1 : 0], p, 5, list, &have, err) < 0)
			return -1;
		if (n < batch)
			break; /* no candidates beyond these */
		if (ascending)
			min_id = ids[n - 1];
		else
			max_id = ids[n - 1];
		if (batch < 1000)
			batch *= 2;
	}
	return have;
}

int
db_status_list(struct arena *a, enum db_timeline kind, int64_t viewer, int64_t arg_id,
	       const char *arg_text, int64_t max_id, int64_t min_id, int limit, bool ascending,
	       struct status **out, struct err *err)
{
	*out = NULL;
	if ((unsigned)kind >= DB_TL__MAX)
		return err_set(err, ERR_INTERNAL, NULL, "bad timeline kind");
	struct status *list = arena_alloc(a, sizeof *list * (size_t)(limit > 0 ? limit : 1));
	int have = 0;
	if (cand_sql[kind][0] != NULL) {
		const char *arg = kind == DB_TL_TAG	   ? arg_text
				  : kind == DB_TL_PINNED ? fmt_id(a, arg_id)
							 : fmt_id(a, viewer);
		have = candidate_list(a, kind, viewer, arg, max_id, min_id, limit, ascending, list,
				      err);
		if (have < 0)
			return -1;
		*out = list;
		return have;
	}
	char lim[16];
	snprintf(lim, sizeof lim, "%d", limit);
	const char *p[5] = {fmt_id(a, viewer), fmt_id(a, max_id), fmt_id(a, min_id), lim, NULL};
	int n = 4;
	if (kind != DB_TL_LOCAL)
		p[n++] = fmt_id(a, arg_id);
	if (run_list(a, kind_sql[kind][ascending ? 1 : 0], p, n, list, &have, err) < 0)
		return -1;
	*out = list;
	return have;
}

int
db_home_feeds_trim(struct arena *a, int keep, int64_t after, int batch, int64_t *last,
		   struct err *err)
{
	char k[16], b[16];
	snprintf(k, sizeof k, "%d", keep);
	snprintf(b, sizeof b, "%d", batch);
	const char *p[] = {k, fmt_id(a, after), b};
	PGresult *r = db_query(a, err,
			       "SELECT parasol_trim_home_feeds($1::int, COALESCE($2::bigint, 0),"
			       " $3::int)",
			       3, p);
	if (r == NULL)
		return -1;
	*last = db_int64(r, 0, 0);
	return 0;
}

int
db_status_insert(struct arena *a, int64_t account_id, const char *text, const char *content,
		 const char *spoiler_text, bool sensitive, enum visibility vis,
		 int64_t in_reply_to_id, int64_t in_reply_to_account_id, int64_t *id_out,
		 struct err *err)
{
	const char *p[] = {fmt_id(a, account_id),
			   text,
			   content,
			   spoiler_text,
			   sensitive ? "true" : "false",
			   visibility_name(vis),
			   fmt_id(a, in_reply_to_id),
			   fmt_id(a, in_reply_to_account_id)};
	PGresult *r = db_query(a, err,
			       "INSERT INTO statuses (account_id, text, content, spoiler_text,"
			       " sensitive, visibility, in_reply_to_id, in_reply_to_account_id)"
			       " VALUES ($1, $2, $3, $4, $5::boolean, $6, $7, $8) RETURNING id",
			       8, p);
	if (r == NULL)
		return -1;
	*id_out = db_int64(r, 0, 0);
	return 0;
}

int
db_status_add_mention(struct arena *a, int64_t status_id, int64_t account_id, struct err *err)
{
	const char *p[] = {fmt_id(a, status_id), fmt_id(a, account_id)};
	return db_query(a, err,
			"INSERT INTO mentions (status_id, account_id) VALUES ($1, $2)"
			" ON CONFLICT DO NOTHING",
			2, p)
		       ? 0
		       : -1;
}

int
db_status_add_tag(struct arena *a, int64_t status_id, const char *name, struct err *err)
{
	const char *p[] = {fmt_id(a, status_id), name};
	return db_query(a, err,
			"WITH made AS (INSERT INTO tags (name) VALUES ($2)"
			" ON CONFLICT (lower(name)) DO NOTHING RETURNING id)"
			" INSERT INTO status_tags (status_id, tag_id)"
			" SELECT $1::bigint, id FROM made UNION"
			" SELECT $1::bigint, id FROM tags WHERE lower(name) = lower($2)"
			" ON CONFLICT DO NOTHING",
			2, p)
		       ? 0
		       : -1;
}

int
db_status_clear_refs(struct arena *a, int64_t status_id, struct err *err)
{
	const char *p[] = {fmt_id(a, status_id)};
	if (db_query(a, err, "DELETE FROM mentions WHERE status_id = $1", 1, p) == NULL ||
	    db_query(a, err, "DELETE FROM status_tags WHERE status_id = $1", 1, p) == NULL)
		return -1;
	return 0;
}

int
db_status_mentions(struct arena *a, int64_t status_id, int64_t **out, struct err *err)
{
	const char *p[] = {fmt_id(a, status_id)};
	return db_int64_column(
	    a, db_query(a, err, "SELECT account_id FROM mentions WHERE status_id = $1", 1, p), out);
}

int
db_status_update(struct arena *a, int64_t status_id, const char *text, const char *content,
		 const char *spoiler_text, bool sensitive, struct err *err)
{
	const char *p[] = {fmt_id(a, status_id), text, content, spoiler_text,
			   sensitive ? "true" : "false"};
	PGresult *r = db_query(
		a, err,
		"WITH old AS (INSERT INTO status_edits (status_id, text, content, spoiler_text,"
		" sensitive, created_at) SELECT id, text, content, spoiler_text, sensitive,"
		" COALESCE(edited_at, created_at) FROM statuses WHERE id = $1 AND reblog_of_id IS NULL)"
		" UPDATE statuses SET text = $2, content = $3, spoiler_text = $4,"
		" sensitive = $5::boolean, edited_at = now() WHERE id = $1 AND reblog_of_id IS NULL",
		5, p);
	return db_rows_changed(r);
}

int
db_status_versions(struct arena *a, int64_t status_id, struct status_version **out,
		   struct err *err)
{
	const char *p[] = {fmt_id(a, status_id)};
	PGresult *r = db_query(a, err,
			       "SELECT content, spoiler_text, sensitive, " ISO("at") ", current, vid"
			       " FROM (SELECT content, spoiler_text, sensitive,"
			       " COALESCE(edited_at, created_at) AS at, true AS current, 0 AS ord,"
			       " 0::bigint AS vid FROM statuses WHERE id = $1"
			       " UNION ALL SELECT content, spoiler_text, sensitive, created_at,"
			       " false, 1, id FROM status_edits WHERE status_id = $1) v"
			       " ORDER BY ord, at DESC",
			       1, p);
	if (r == NULL)
		return -1;
	int n = PQntuples(r);
	*out = arena_alloc(a, sizeof **out * (size_t)(n > 0 ? n : 1));
	for (int i = 0; i < n; i++) {
		struct status_version *v = &(*out)[i];
		v->content = db_value(r, i, 0);
		v->spoiler_text = db_value(r, i, 1);
		v->sensitive = db_bool(r, i, 2);
		v->created_at = db_value(r, i, 3);
		v->current = db_bool(r, i, 4);
		v->id = db_int64(r, i, 5);
	}
	return n;
}

int
db_status_version_delete(struct arena *a, int64_t status_id, int64_t edit_id, struct err *err)
{
	const char *p[] = {fmt_id(a, status_id), fmt_id(a, edit_id)};
	PGresult *r = db_query(a, err, "DELETE FROM status_edits WHERE status_id = $1 AND id = $2",
			       2, p);
	return db_rows_changed(r);
}

int
db_status_delete(struct arena *a, int64_t status_id, int64_t account_id, struct err *err)
{
	const char *p[] = {fmt_id(a, status_id), fmt_id(a, account_id)};
	PGresult *r = db_query(a, err, "DELETE FROM statuses WHERE id = $1 AND account_id = $2", 2,
			       p);
	return db_rows_changed(r);
}

/* The rows a statement RETURNING one id changed (or -1), and that id into *id (0: none). */
static int
rows_and_id(const PGresult *r, int64_t *id)
{
	if (id != NULL)
		*id = r != NULL && PQntuples(r) > 0 ? db_int64(r, 0, 0) : 0;
	return db_rows_changed(r);
}

int
db_status_reblog(struct arena *a, int64_t account_id, int64_t status_id, enum visibility vis,
		 int64_t *boost_id, struct err *err)
{
	const char *p[] = {fmt_id(a, account_id), fmt_id(a, status_id), visibility_name(vis)};
	PGresult *r = db_query(a, err,
			       "INSERT INTO statuses (account_id, reblog_of_id, visibility)"
			       " VALUES ($1, $2, $3) ON CONFLICT (account_id, reblog_of_id)"
			       " WHERE reblog_of_id IS NOT NULL DO NOTHING RETURNING id",
			       3, p);
	return rows_and_id(r, boost_id);
}

static const char *const mark_insert[DB_MARK__MAX] = {
	[DB_MARK_FAVOURITE] = "INSERT INTO favourites (account_id, status_id) VALUES ($1, $2)"
			      " ON CONFLICT DO NOTHING RETURNING id",
	[DB_MARK_BOOKMARK] = "INSERT INTO bookmarks (account_id, status_id) VALUES ($1, $2)"
			     " ON CONFLICT DO NOTHING RETURNING id",
};

/* Taking a boost or a like back also takes back the notification it gave its author, so
 * like, unlike, like again leaves one. The count returned is the mark's. */
#define UNNOTIFY(type)                                                                        \
	"WITH n AS (DELETE FROM notifications WHERE status_id = $2 AND from_account_id = $1" \
	" AND type = '" type "') "
static const char *const mark_delete[DB_MARK__MAX] = {
	[DB_MARK_REBLOG] = UNNOTIFY("reblog")
	"DELETE FROM statuses WHERE account_id = $1 AND reblog_of_id = $2 RETURNING id",
	[DB_MARK_FAVOURITE] = UNNOTIFY("favourite")
	"DELETE FROM favourites WHERE account_id = $1 AND status_id = $2 RETURNING id",
	[DB_MARK_BOOKMARK] = "DELETE FROM bookmarks WHERE account_id = $1 AND status_id = $2"
			     " RETURNING 0",
	[DB_MARK_PIN] = "DELETE FROM pins WHERE account_id = $1 AND status_id = $2 RETURNING 0",
};


int
db_status_mark(struct arena *a, enum db_mark mark, int64_t account_id, int64_t status_id,
	       int64_t *row_id, struct err *err)
{
	if ((unsigned)mark >= DB_MARK__MAX || mark_insert[mark] == NULL)
		return err_set(err, ERR_INTERNAL, NULL, "bad mark");
	const char *p[] = {fmt_id(a, account_id), fmt_id(a, status_id)};
	PGresult *r = db_query(a, err, mark_insert[mark], 2, p);
	return rows_and_id(r, row_id);
}

int
db_status_unmark(struct arena *a, enum db_mark mark, int64_t account_id, int64_t status_id,
		 int64_t *row_id, struct err *err)
{
	if ((unsigned)mark >= DB_MARK__MAX)
		return err_set(err, ERR_INTERNAL, NULL, "bad mark");
	const char *p[] = {fmt_id(a, account_id), fmt_id(a, status_id)};
	PGresult *r = db_query(a, err, mark_delete[mark], 2, p);
	return rows_and_id(r, row_id);
}

int
db_status_pin(struct arena *a, int64_t account_id, int64_t status_id, int max, struct err *err)
{
	char lim[16];
	snprintf(lim, sizeof lim, "%d", max);
	const char *p[] = {fmt_id(a, account_id), fmt_id(a, status_id), lim};
	PGresult *r = db_query(a, err,
			       "SELECT EXISTS (SELECT 1 FROM pins WHERE account_id = $1"
			       " AND status_id = $2),"
			       " (SELECT count(*) FROM pins WHERE account_id = $1) >= $3::int",
			       3, p);
	if (r == NULL)
		return -1;
	if (db_bool(r, 0, 0))
		return 0;
	if (db_bool(r, 0, 1))
		return 2;
	r = db_query(a, err,
		     "INSERT INTO pins (account_id, status_id) SELECT $1, $2"
		     " WHERE (SELECT count(*) FROM pins WHERE account_id = $1) < $3::int"
		     " ON CONFLICT DO NOTHING",
		     3, p);
	if (r == NULL)
		return -1;
	return atoi(PQcmdTuples(r)) == 1 ? 1 : 2;
}

int
db_account_counts(struct arena *a, int64_t account_id, long *posts, long *followers,
		  long *following, struct err *err)
{
	const char *p[] = {fmt_id(a, account_id)};
	PGresult *r = db_query(
		a, err,
		"SELECT COALESCE(sum(statuses_count), 0), COALESCE(sum(followers_count), 0),"
		" COALESCE(sum(following_count), 0) FROM account_stats WHERE account_id = $1",
		1, p);
	if (r == NULL)
		return -1;
	*posts = atol(db_value(r, 0, 0));
	*followers = atol(db_value(r, 0, 1));
	*following = atol(db_value(r, 0, 2));
	return 0;
}

int
db_account_blocks(struct arena *a, int64_t blocker, int64_t target, struct err *err)
{
	const char *p[] = {fmt_id(a, blocker), fmt_id(a, target)};
	PGresult *r = db_query(a, err,
			       "SELECT 1 FROM blocks WHERE account_id = $1 AND target_account_id = $2",
			       2, p);
	return r ? PQntuples(r) > 0 : -1;
}
