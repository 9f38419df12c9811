/* search.c - queries for account and hashtag search. */
#include "search.h"

#include <stdio.h>

#include "db/accounts.h"
#include "db/db.h"
#include "db/visibility.h"
#include "util/arena.h"
#include "util/id.h"

/* $1: the escaped pattern text, $2: the viewer (NULL for visitors), $3: the plain query. */
static const char accounts_sql[] = "SELECT " DB_ACCOUNT_COLUMNS(
    "a") " FROM accounts a WHERE a.approved AND a.domain IS NULL AND a.suspended_at IS NULL"
	 " AND ("
	 " ($2::bigint IS NOT NULL AND (lower(a.username) LIKE '%' || lower($1) || '%' ESCAPE '\\'"
	 "  OR lower(a.display_name) LIKE '%' || lower($1) || '%' ESCAPE '\\'))"
	 " OR lower(a.username) = lower($3))"
	 " AND ($2::bigint IS NULL OR NOT EXISTS (SELECT 1 FROM blocks b"
	 "  WHERE b.account_id = a.id AND b.target_account_id = $2::bigint))"
	 " ORDER BY lower(a.username) = lower($3) DESC,"
	 " lower(a.username) LIKE lower($1) || '%' ESCAPE '\\' DESC, lower(a.username)"
	 " LIMIT 20";

static const char tags_sql[] =
    "SELECT t.name FROM tags t WHERE lower(t.name) LIKE '%' || lower($1) || '%' ESCAPE '\\'"
    " AND EXISTS (SELECT 1 FROM status_tags st JOIN statuses s ON s.id = st.status_id"
    "  WHERE st.tag_id = t.id AND " VISIBLE_TO(
	"s", "$2::bigint") ")"
			   " ORDER BY lower(t.name) = lower($3) DESC,"
			   " lower(t.name) LIKE lower($1) || '%' ESCAPE '\\' DESC, lower(t.name)"
			   " LIMIT 20";

int
db_search_accounts(struct arena *a, const char *pattern, const char *exact, int64_t viewer_id,
		   struct account **out, struct err *err)
{
	char viewer[ID_STRLEN];
	const char *p[] = {pattern, viewer_id ? id_format(viewer_id, viewer) : NULL, exact};
	PGresult *r = db_query(a, err, accounts_sql, 3, p);
	if (r == NULL)
		return -1;
	int n = PQntuples(r);
	*out = arena_alloc(a, sizeof **out * (size_t)(n > 0 ? n : 1));
	for (int i = 0; i < n; i++)
		db_account_row(a, r, i, 0, &(*out)[i]);
	return n;
}

int
db_search_tags(struct arena *a, const char *pattern, const char *exact, int64_t viewer_id,
	       const char ***out, struct err *err)
{
	char viewer[ID_STRLEN];
	const char *p[] = {pattern, viewer_id ? id_format(viewer_id, viewer) : NULL, exact};
	PGresult *r = db_query(a, err, tags_sql, 3, p);
	if (r == NULL)
		return -1;
	int n = PQntuples(r);
	*out = arena_alloc(a, sizeof **out * (size_t)(n > 0 ? n : 1));
	for (int i = 0; i < n; i++)
		(*out)[i] = db_value(r, i, 0);
	return n;
}

int
db_search_own_posts(struct arena *a, int64_t account_id, const char *pattern, int64_t max_id,
		    int limit, int64_t **out, struct err *err)
{
	char acct[ID_STRLEN], below[ID_STRLEN], lim[16];
	snprintf(lim, sizeof lim, "%d", limit);
	const char *p[] = {id_format(account_id, acct), pattern,
			   max_id ? id_format(max_id, below) : NULL, lim};
	/* one member's posts by statuses_account, newest first, until the page is full */
	return db_int64_column(
	    a,
	    db_query(a, err,
		     "SELECT s.id FROM statuses s WHERE s.account_id = $1::bigint"
		     " AND s.reblog_of_id IS NULL"
		     " AND s.id < COALESCE($3::bigint, 9223372036854775807)"
		     " AND s.text ILIKE '%' || $2 || '%' ESCAPE '\\'"
		     " ORDER BY s.id DESC LIMIT $4::int",
		     4, p),
	    out);
}
