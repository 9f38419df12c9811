/* review.c - queries on review rules, and the one statement that files matching posts. */
#include "review.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"

#define ISO(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

int
db_review_rules_list(struct arena *a, int64_t max_id, int64_t min_id, int limit,
		     struct review_rule_row **out, struct err *err)
{
	char maxb[ID_STRLEN], minb[ID_STRLEN], limb[16];
	snprintf(limb, sizeof limb, "%d", limit);
	const char *p[] = {max_id ? id_format(max_id, maxb) : NULL,
			   min_id ? id_format(min_id, minb) : NULL, limb};
	/* Only max_id: the page just before it, so the newest below it first, then reversed. */
	bool backwards = max_id != 0 && min_id == 0;
#define LIST_SQL(order)                                                                        \
	"SELECT * FROM (SELECT r.id, r.kind, r.pattern, r.scope, r.note, m.username,"          \
	" " ISO("r.created_at") " FROM review_rules r"                                         \
	" LEFT JOIN accounts m ON m.id = r.created_by"                                         \
	" WHERE ($1::bigint IS NULL OR r.id < $1::bigint)"                                     \
	" AND ($2::bigint IS NULL OR r.id > $2::bigint)"                                       \
	" ORDER BY r.id " order " LIMIT $3::integer) page ORDER BY 1"
	PGresult *r = db_query(a, err, backwards ? LIST_SQL("DESC") : LIST_SQL("ASC"), 3, p);
#undef LIST_SQL
	if (r == NULL)
		return -1;
	int n = PQntuples(r);
	*out = arena_alloc(a, sizeof **out * (size_t)(n > 0 ? n : 1));
	for (int i = 0; i < n; i++) {
		struct review_rule_row *row = &(*out)[i];
		row->id = db_int64(r, i, 0);
		row->kind = db_value(r, i, 1);
		row->pattern = db_value(r, i, 2);
		row->scope = db_value(r, i, 3);
		row->note = db_value(r, i, 4);
		row->created_by = db_value(r, i, 5);
		row->created_at = db_value(r, i, 6);
	}
	return n;
}

int
db_review_rules_beyond(struct arena *a, int64_t id, int before, struct err *err)
{
	char buf[ID_STRLEN];
	const char *p[] = {id_format(id, buf)};
	PGresult *r =
	    db_query(a, err,
		     before ? "SELECT EXISTS (SELECT 1 FROM review_rules WHERE id < $1::bigint)"
			    : "SELECT EXISTS (SELECT 1 FROM review_rules WHERE id > $1::bigint)",
		     1, p);
	return r == NULL ? -1 : db_bool(r, 0, 0) ? 1 : 0;
}

int
db_review_rule_exists(struct arena *a, const char *kind, const char *pattern, const char *scope,
		      struct err *err)
{
	const char *p[] = {kind, pattern, scope};
	PGresult *r = db_query(a, err,
			       "SELECT EXISTS (SELECT 1 FROM review_rules WHERE kind = $1"
			       " AND scope = $3 AND CASE WHEN kind = 'regex' THEN pattern = $2"
			       " ELSE lower(pattern) = lower($2) END)",
			       3, p);
	return r == NULL ? -1 : db_bool(r, 0, 0) ? 1 : 0;
}

int
db_review_rule_insert(struct arena *a, const char *kind, const char *pattern, const char *scope,
		      const char *note, int64_t created_by, int64_t *id, struct err *err)
{
	char cb[ID_STRLEN];
	const char *p[] = {kind, pattern, scope, note,
			   created_by != 0 ? id_format(created_by, cb) : NULL};
	PGresult *r = db_query(a, err,
			       "INSERT INTO review_rules (kind, pattern, scope, note, created_by)"
			       " VALUES ($1, $2, $3, $4, $5::bigint) RETURNING id",
			       5, p);
	if (r == NULL)
		return -1;
	if (id != NULL)
		*id = db_int64(r, 0, 0);
	return 0;
}

int
db_review_rule_delete(struct arena *a, int64_t id, struct err *err)
{
	char buf[ID_STRLEN];
	const char *p[] = {id_format(id, buf)};
	PGresult *r = db_query(a, err, "DELETE FROM review_rules WHERE id = $1::bigint", 1, p);
	return db_rows_changed(r);
}

int
db_review_regex_valid(struct arena *a, const char *pattern, struct err *err)
{
	const char *p[] = {pattern};
	/* The statement can only fail on the pattern itself, or on the connection. */
	if (db_query(a, err, "SELECT '' ~* $1", 1, p) != NULL)
		return 1;
	return err->code == ERR_UNAVAILABLE ? -1 : 0;
}

int
db_review_time_limit(struct arena *a, int ms, struct err *err)
{
	char buf[16];
	snprintf(buf, sizeof buf, "%d", ms);
	const char *p[] = {buf};
	return db_query(a, err, "SELECT set_config('statement_timeout', $1, true)", 1, p) == NULL
		   ? -1
		   : 0;
}

/* The text a phrase or a regular expression is matched against: the post's text (plain
 * text; for remote posts, their HTML's text) and its content warning. */
#define POST_TEXT "(s.spoiler_text || chr(10) || s.text)"

/* The host[:port] of link u (an href value), lower-case, or NULL when it has none. */
#define LINK_HOST                                                                              \
	"lower(substring(m.u[1] FROM"                                                          \
	" '^(?:[A-Za-z][A-Za-z0-9+.-]*:)?//(?:[^/?#@]*@)?([^/?#]*)'))"

int
db_review_file_status(struct arena *a, int64_t status_id, struct err *err)
{
	char buf[ID_STRLEN];
	const char *p[] = {id_format(status_id, buf)};
	/* Followers-only and direct posts are never matched: a review rule must not put private
	 * conversations in front of moderators who were not part of them (a member who was may
	 * still report them). link_domain: a link's host equals the rule's domain or is a subdomain of it; the port
	 * counts only when the rule names one. The comment keeps what matched should the rule
	 * be deleted. */
	PGresult *r = db_query(
	    a, err,
	    "INSERT INTO reports (source, reporter_id, target_account_id, status_id,"
	    " review_rule_id, comment)"
	    " SELECT 'rule', NULL, s.account_id, s.id, r.id,"
	    " left(replace(r.kind, '_', ' ') || ' \"' || r.pattern || '\"', 1000)"
	    " FROM statuses s JOIN accounts a ON a.id = s.account_id, review_rules r"
	    " WHERE s.id = $1::bigint AND s.reblog_of_id IS NULL"
	    " AND s.visibility IN ('public', 'unlisted', 'members')"
	    " AND (r.scope = 'both' OR (r.scope = 'local') = (a.domain IS NULL))"
	    " AND CASE r.kind"
	    " WHEN 'phrase' THEN strpos(lower(" POST_TEXT "), lower(r.pattern)) > 0"
	    " WHEN 'regex' THEN " POST_TEXT " ~* r.pattern"
	    " WHEN 'remote_domain' THEN lower(a.domain) = r.pattern"
	    " WHEN 'link_domain' THEN EXISTS (SELECT 1"
	    "  FROM regexp_matches(s.content, 'href=\"([^\"]*)\"', 'g') AS m(u),"
	    "  LATERAL (SELECT CASE WHEN strpos(r.pattern, ':') > 0 THEN " LINK_HOST
	    "   ELSE rtrim(split_part(" LINK_HOST ", ':', 1), '.') END AS host) h"
	    "  WHERE h.host = r.pattern"
	    "  OR right(h.host, char_length(r.pattern) + 1) = '.' || r.pattern)"
	    " ELSE false END"
	    " ORDER BY r.id"
	    " ON CONFLICT DO NOTHING",
	    1, p);
	return db_rows_changed(r);
}
