/* apcollections.c - the queries behind ActivityPub's notes and collections. */
#include "db/apcollections.h"

#include <stdio.h>
#include <stdlib.h>

#include "db/db.h"
#include "db/visibility.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"

int
db_ap_note_visible(struct arena *a, int64_t author_id, int64_t status_id, int64_t viewer_id,
		   struct err *err)
{
	char au[ID_STRLEN], st[ID_STRLEN], vw[ID_STRLEN];
	const char *p[] = {id_format(author_id, au), id_format(status_id, st),
			   id_format(viewer_id, vw)};
	PGresult *r = db_query(a, err,
			       "SELECT 1 FROM statuses s WHERE s.id = $2::bigint"
			       " AND s.account_id = $1::bigint AND s.reblog_of_id IS NULL"
			       " AND s.visibility <> 'members'"
			       " AND " VISIBLE_TO("s", "$3::bigint"),
			       3, p);
	if (r == NULL)
		return -1;
	return PQntuples(r) > 0 ? 1 : 0;
}

int
db_ap_sees_public(struct arena *a, int64_t author_id, int64_t viewer_id, struct err *err)
{
	char au[ID_STRLEN], vw[ID_STRLEN];
	const char *p[] = {id_format(author_id, au), id_format(viewer_id, vw)};
	PGresult *r = db_query(a, err,
			       "SELECT 1 FROM (SELECT $1::bigint AS account_id,"
			       " 'public'::text AS visibility, 0::bigint AS id,"
			       " NULL::timestamptz AS expires_at) s"
			       " WHERE " VISIBLE_TO("s", "$2::bigint"),
			       2, p);
	if (r == NULL)
		return -1;
	return PQntuples(r) > 0 ? 1 : 0;
}

/* The rows of each collection: $1 the author, $2 the viewer. Aliases: s the post, k the
 * column that orders the collection (newest first). */
/* clang-format off */
#define POSTS_WHERE                                                                          \
	" s.account_id = $1::bigint AND s.reblog_of_id IS NULL AND NOT s.mod_hidden"        \
	" AND s.visibility IN ('public', 'unlisted') AND " VISIBLE_TO("s", "$2::bigint")
static const char *const count_sql[] = {
	/* the author's public and unlisted posts a moderator didn't hide, counted as they
	 * change (account_stats), when such a post of theirs would be visible to the viewer */
	[DB_AP_OUTBOX] = "SELECT COALESCE((SELECT public_statuses_count FROM account_stats"
			 " WHERE account_id = $1::bigint), 0) FROM (SELECT $1::bigint AS account_id,"
			 " 'public'::text AS visibility, 0::bigint AS id,"
			 " NULL::timestamptz AS expires_at) s"
			 " WHERE " VISIBLE_TO("s", "$2::bigint"),
	[DB_AP_FEATURED] = "SELECT count(*) FROM pins p JOIN statuses s ON s.id = p.status_id"
			   " WHERE p.account_id = $1::bigint AND" POSTS_WHERE,
};
/* $3 the limit; the outbox's $4 the max_id bound (NULL: none). */
static const char *const page_sql[] = {
	[DB_AP_OUTBOX] = "SELECT s.id FROM statuses s WHERE" POSTS_WHERE
			 " AND s.id < COALESCE($4::bigint, 9223372036854775807)"
			 " ORDER BY s.id DESC LIMIT $3::integer",
	[DB_AP_FEATURED] = "SELECT s.id FROM pins p JOIN statuses s ON s.id = p.status_id"
			   " WHERE p.account_id = $1::bigint AND" POSTS_WHERE
			   " ORDER BY p.id DESC LIMIT $3::integer",
};
/* clang-format on */

static bool
known(enum db_ap_posts which, struct err *err)
{
	if (which == DB_AP_OUTBOX || which == DB_AP_FEATURED)
		return true;
	err_set(err, ERR_INTERNAL, NULL, "bad collection %d", (int)which);
	return false;
}

long
db_ap_posts_count(struct arena *a, enum db_ap_posts which, int64_t author_id, int64_t viewer_id,
		  struct err *err)
{
	if (!known(which, err))
		return -1;
	char au[ID_STRLEN], vw[ID_STRLEN];
	const char *p[] = {id_format(author_id, au), id_format(viewer_id, vw)};
	PGresult *r = db_query(a, err, count_sql[which], 2, p);
	if (r == NULL)
		return -1;
	return (long)db_int64(r, 0, 0);
}

int
db_ap_posts_page(struct arena *a, enum db_ap_posts which, int64_t author_id, int64_t viewer_id,
		 int64_t max_id, int limit, int64_t **out, struct err *err)
{
	if (!known(which, err))
		return -1;
	char au[ID_STRLEN], vw[ID_STRLEN], mx[ID_STRLEN], lim[16];
	snprintf(lim, sizeof lim, "%d", limit);
	const char *p[] = {id_format(author_id, au), id_format(viewer_id, vw), lim,
			   max_id != 0 ? id_format(max_id, mx) : NULL};
	return db_int64_column(
	    a, db_query(a, err, page_sql[which], which == DB_AP_OUTBOX ? 4 : 3, p), out);
}

long
db_ap_follows_count(struct arena *a, int64_t account_id, bool incoming, struct err *err)
{
	char acct[ID_STRLEN];
	const char *p[] = {id_format(account_id, acct)};
	/* Approved accounts only, as db_relation_list (db/follows.c) lists them. */
	PGresult *r = db_query(
	    a, err,
	    incoming ? "SELECT count(*) FROM follows f JOIN accounts o ON o.id = f.account_id"
		       " WHERE f.target_account_id = $1::bigint AND o.approved"
		     : "SELECT count(*) FROM follows f JOIN accounts o"
		       " ON o.id = f.target_account_id"
		       " WHERE f.account_id = $1::bigint AND o.approved",
	    1, p);
	if (r == NULL)
		return -1;
	return (long)db_int64(r, 0, 0);
}
