/* reports.c - queries on reports. */
#include "reports.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"

#define ISO(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

/* n ids as a PostgreSQL array literal: "{1,2,3}" (arena). */
static const char *
id_array(struct arena *a, const int64_t *ids, int n)
{
	size_t cap = 3 + (size_t)(n > 0 ? n : 0) * (ID_STRLEN + 1);
	char *s = arena_alloc(a, cap), *p = s;
	*p++ = '{';
	for (int i = 0; i < n; i++) {
		char buf[ID_STRLEN];
		size_t len = strlen(id_format(ids[i], buf));
		if (i > 0)
			*p++ = ',';
		memcpy(p, buf, len);
		p += len;
	}
	*p++ = '}';
	*p = '\0';
	return s;
}

/* Reads a PostgreSQL bigint[] text ("{1,2}") into an arena array; the count. */
static int
parse_id_array(struct arena *a, const char *s, int64_t **out)
{
	int cap = 1;
	for (const char *p = s ? s : ""; *p; p++)
		if (*p == ',')
			cap++;
	*out = arena_alloc(a, sizeof **out * (size_t)cap);
	int n = 0;
	const char *p = s ? s : "";
	while (*p) {
		if (*p >= '0' && *p <= '9') {
			char *end;
			long long v = strtoll(p, &end, 10);
			if (n < cap)
				(*out)[n++] = (int64_t)v;
			p = end;
		} else {
			p++;
		}
	}
	return n;
}

int
db_rules_existing(struct arena *a, const int64_t *ids, int n, struct err *err)
{
	const char *p[] = {id_array(a, ids, n)};
	PGresult *r = db_query(a, err,
			       "SELECT count(DISTINCT id) FROM rules WHERE id = ANY($1::bigint[])",
			       1, p);
	return r == NULL ? -1 : (int)db_int64(r, 0, 0);
}

int
db_report_insert(struct arena *a, int64_t reporter_id, int64_t target_id, int64_t status_id,
		 const char *comment, const int64_t *rule_ids, int nrules, int64_t *id,
		 struct err *err)
{
	char rb[ID_STRLEN], tb[ID_STRLEN], sb[ID_STRLEN];
	const char *p[] = {id_format(reporter_id, rb), id_format(target_id, tb),
			   status_id != 0 ? id_format(status_id, sb) : NULL, comment,
			   id_array(a, rule_ids, nrules)};
	PGresult *r = db_query(a, err,
			       "INSERT INTO reports (reporter_id, target_account_id, status_id,"
			       " comment, rule_ids)"
			       " VALUES ($1::bigint, $2::bigint, $3::bigint, $4, $5::bigint[])"
			       " RETURNING id",
			       5, p);
	if (r == NULL)
		return -1;
	if (id != NULL)
		*id = db_int64(r, 0, 0);
	return 0;
}

int
db_reports_open(struct arena *a, int64_t max_id, int64_t min_id, int limit,
		struct report_row **out, struct err *err)
{
	char maxb[ID_STRLEN], minb[ID_STRLEN], limb[16];
	snprintf(limb, sizeof limb, "%d", limit);
	const char *p[] = {max_id ? id_format(max_id, maxb) : NULL,
			   min_id ? id_format(min_id, minb) : NULL, limb};
	/* Only max_id: the page just before it, so the newest below it first, then reversed. */
	bool backwards = max_id != 0 && min_id == 0;
#define OPEN_SQL(order)                                                                        \
	"SELECT * FROM (SELECT r.id, r.reporter_id, ra.username, ra.domain,"                   \
	" r.target_account_id, ta.username, ta.domain, r.status_id, s.content, r.comment,"     \
	" r.rule_ids::text, " ISO("r.created_at") " AS created"                                \
	" FROM reports r"                                                                      \
	" JOIN accounts ra ON ra.id = r.reporter_id"                                           \
	" JOIN accounts ta ON ta.id = r.target_account_id"                                     \
	" LEFT JOIN statuses s ON s.id = r.status_id"                                          \
	" WHERE r.state = 'open'"                                                              \
	" AND ($1::bigint IS NULL OR r.id < $1::bigint)"                                       \
	" AND ($2::bigint IS NULL OR r.id > $2::bigint)"                                       \
	" ORDER BY r.id " order " LIMIT $3::integer) page ORDER BY 1"
	PGresult *r = db_query(a, err, backwards ? OPEN_SQL("DESC") : OPEN_SQL("ASC"), 3, p);
#undef OPEN_SQL
	if (r == NULL)
		return -1;
	int n = PQntuples(r);
	*out = arena_alloc(a, sizeof **out * (size_t)(n > 0 ? n : 1));
	for (int i = 0; i < n; i++) {
		struct report_row *row = &(*out)[i];
		row->id = db_int64(r, i, 0);
		row->reporter_id = db_int64(r, i, 1);
		row->reporter_username = db_value(r, i, 2);
		row->reporter_domain = db_value(r, i, 3);
		row->target_id = db_int64(r, i, 4);
		row->target_username = db_value(r, i, 5);
		row->target_domain = db_value(r, i, 6);
		row->status_id = db_int64(r, i, 7);
		row->status_content = db_value(r, i, 8);
		row->comment = db_value(r, i, 9);
		row->nrules = parse_id_array(a, db_value(r, i, 10), &row->rule_ids);
		row->created_at = db_value(r, i, 11);
	}
	return n;
}

int
db_reports_open_beyond(struct arena *a, int64_t id, int before, struct err *err)
{
	char buf[ID_STRLEN];
	const char *p[] = {id_format(id, buf)};
	PGresult *r = db_query(a, err,
			       before ? "SELECT EXISTS (SELECT 1 FROM reports WHERE state = 'open'"
					" AND id < $1::bigint)"
				      : "SELECT EXISTS (SELECT 1 FROM reports WHERE state = 'open'"
					" AND id > $1::bigint)",
			       1, p);
	return r == NULL ? -1 : db_bool(r, 0, 0) ? 1 : 0;
}
