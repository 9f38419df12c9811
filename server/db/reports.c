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

int
db_rules_existing(struct arena *a, const int64_t *ids, int n, struct err *err)
{
	const char *p[] = {db_id_array(a, ids, n)};
	PGresult *r = db_query(a, err,
			       "SELECT count(DISTINCT id) FROM rules WHERE id = ANY($1::bigint[])",
			       1, p);
	return r == NULL ? -1 : (int)db_int64(r, 0, 0);
}

int
db_report_insert(struct arena *a, int64_t reporter_id, int64_t target_id, int64_t status_id,
		 const char *comment, bool forward_comment, const int64_t *rule_ids, int nrules,
		 int64_t *id, struct err *err)
{
	char rb[ID_STRLEN], tb[ID_STRLEN], sb[ID_STRLEN];
	const char *p[] = {id_format(reporter_id, rb),
			   id_format(target_id, tb),
			   status_id != 0 ? id_format(status_id, sb) : NULL,
			   comment,
			   db_id_array(a, rule_ids, nrules),
			   forward_comment ? "true" : "false"};
	PGresult *r = db_query(a, err,
			       "INSERT INTO reports (reporter_id, target_account_id, status_id,"
			       " comment, rule_ids, forward_comment)"
			       " VALUES ($1::bigint, $2::bigint, $3::bigint, $4, $5::bigint[],"
			       " $6::boolean) RETURNING id",
			       6, p);
	if (r == NULL)
		return -1;
	if (id != NULL)
		*id = db_int64(r, 0, 0);
	return 0;
}

int
db_report_insert_peer(struct arena *a, const struct peer_report_row *p, int64_t *id,
		      struct err *err)
{
	char tb[ID_STRLEN], sb[ID_STRLEN];
	const char *v[] = {p->origin_domain, p->flag_uri, id_format(p->target_id, tb),
			   p->status_id != 0 ? id_format(p->status_id, sb) : NULL, p->comment};
	PGresult *r = db_query(a, err,
			       "INSERT INTO reports (source, origin_domain, flag_uri,"
			       " target_account_id, status_id, comment)"
			       " VALUES ('peer', $1, $2, $3::bigint, $4::bigint, $5)"
			       " ON CONFLICT (flag_uri) WHERE flag_uri IS NOT NULL DO NOTHING"
			       " RETURNING id",
			       5, v);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 0)
		return 0;
	if (id != NULL)
		*id = db_int64(r, 0, 0);
	return 1;
}

int
db_report_forward_row(struct arena *a, int64_t id, struct report_forward_row *out,
		      struct err *err)
{
	char buf[ID_STRLEN];
	const char *p[] = {id_format(id, buf)};
	PGresult *r = db_query(a, err,
			       "SELECT r.id, r.target_account_id, t.domain, t.uri,"
			       " t.shared_inbox_url, t.inbox_url,"
			       " CASE WHEN s.account_id = r.target_account_id THEN s.uri END,"
			       " r.forwarded_text, r.forwarded_at IS NOT NULL"
			       " FROM reports r JOIN accounts t ON t.id = r.target_account_id"
			       " LEFT JOIN statuses s ON s.id = r.status_id"
			       " WHERE r.id = $1::bigint",
			       1, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 0)
		return err_set(err, ERR_NOT_FOUND, "No report has that number.",
			       "report %lld not found", (long long)id);
	out->id = db_int64(r, 0, 0);
	out->target_id = db_int64(r, 0, 1);
	out->target_domain = db_value(r, 0, 2);
	out->target_uri = db_value(r, 0, 3);
	out->target_shared_inbox = db_value(r, 0, 4);
	out->target_inbox = db_value(r, 0, 5);
	out->status_uri = db_value(r, 0, 6);
	out->forwarded_text = db_value(r, 0, 7);
	out->forwarded = db_bool(r, 0, 8);
	return 0;
}

int
db_report_mark_forwarded(struct arena *a, int64_t id, const char *text, struct err *err)
{
	char buf[ID_STRLEN];
	const char *p[] = {id_format(id, buf), text ? text : ""};
	PGresult *r = db_query(a, err,
			       "UPDATE reports SET forwarded_at = now(), forwarded_text = $2"
			       " WHERE id = $1::bigint AND forwarded_at IS NULL RETURNING id",
			       2, p);
	return r == NULL ? -1 : PQntuples(r) > 0 ? 1 : 0;
}
