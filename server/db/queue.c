/* queue.c - queries on the review queue (the reports table). */
#include "queue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"

#define ISO(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
#define ACCT(t)                                                                                    \
	"CASE WHEN " t ".domain IS NULL THEN " t ".username ELSE " t ".username || '@' || " t      \
	".domain END"

/* Every column item_row reads, then FROM. The snapshot (snap_*) is the reported post and
 * account as they were when the report was filed (migration 0013). */
#define ITEM_COLUMNS                                                                               \
	"r.id, r.source, r.state, r.reporter_id, " ACCT("rp") ", r.origin_domain,"                 \
	" r.review_rule_id, r.target_account_id, " ACCT("t") ", t.domain, s.id, s.content,"       \
	" s.spoiler_text, s.visibility, s.sensitive, s.mod_hidden, r.comment, r.rule_ids::text,"   \
	" r.claimed_by, c.username, " ISO("r.created_at") ", " ISO("r.closed_at") ", "            \
	ISO("r.forwarded_at") ", r.snap_display_name, r.snap_account_url, t.deleted_at IS NOT NULL," \
	" r.snap_status_id, r.snap_status_content, r.snap_status_spoiler,"                        \
	" r.snap_status_visibility, coalesce(r.snap_status_sensitive, false), r.snap_status_url, " \
	ISO("r.snap_status_created_at") ", r.forward_comment, r.forwarded_text, r.group_id,"       \
	" (SELECT count(*) FROM reports g WHERE g.group_id = r.id) + 1"                            \
	" FROM reports r JOIN accounts t ON t.id = r.target_account_id"                            \
	" LEFT JOIN accounts rp ON rp.id = r.reporter_id"                                          \
	" LEFT JOIN statuses s ON s.id = r.status_id"                                              \
	" LEFT JOIN accounts c ON c.id = r.claimed_by"

static void
item_row(struct arena *a, const PGresult *r, int i, struct queue_item *q)
{
	memset(q, 0, sizeof *q);
	q->id = db_int64(r, i, 0);
	q->source = db_value(r, i, 1);
	q->state = db_value(r, i, 2);
	q->reporter_id = db_int64(r, i, 3);
	q->reporter_acct = q->reporter_id ? db_value(r, i, 4) : NULL;
	q->origin_domain = db_value(r, i, 5);
	q->review_rule_id = db_int64(r, i, 6);
	q->target_id = db_int64(r, i, 7);
	q->target_acct = db_value(r, i, 8);
	q->target_domain = db_value(r, i, 9);
	q->status_id = db_int64(r, i, 10);
	q->status_content = db_value(r, i, 11);
	q->status_spoiler = db_value(r, i, 12);
	q->status_visibility = db_value(r, i, 13);
	q->status_sensitive = db_bool(r, i, 14);
	q->status_hidden = db_bool(r, i, 15);
	q->comment = db_value(r, i, 16);
	q->nrules = db_parse_id_array(a, db_value(r, i, 17), &q->rule_ids);
	q->claimed_by = db_int64(r, i, 18);
	q->claimed_by_username = db_value(r, i, 19);
	q->created_at = db_value(r, i, 20);
	q->closed_at = db_value(r, i, 21);
	q->forwarded_at = db_value(r, i, 22);
	q->snap_display_name = db_value(r, i, 23);
	q->snap_account_url = db_value(r, i, 24);
	q->target_deleted = db_bool(r, i, 25);
	q->snap_status_id = db_int64(r, i, 26);
	q->snap_status_content = db_value(r, i, 27);
	q->snap_status_spoiler = db_value(r, i, 28);
	q->snap_status_visibility = db_value(r, i, 29);
	q->snap_status_sensitive = db_bool(r, i, 30);
	q->snap_status_url = db_value(r, i, 31);
	q->snap_status_created_at = db_value(r, i, 32);
	q->forward_comment = db_bool(r, i, 33);
	q->forwarded_text = db_value(r, i, 34);
	q->group_id = db_int64(r, i, 35);
	q->nreports = (int)db_int64(r, i, 36);
}

int
db_queue_list(struct arena *a, const struct queue_filter *f, int64_t after_id, int limit,
	      struct queue_item **out, struct err *err)
{
	char ab[ID_STRLEN], mb[ID_STRLEN], lb[16], cb[4];
	snprintf(lb, sizeof lb, "%d", limit);
	snprintf(cb, sizeof cb, "%d", f->claim);
	const char *p[] = {f->closed ? "closed" : "open",
			   f->source,
			   after_id ? id_format(after_id, ab) : NULL,
			   lb,
			   cb,
			   f->me ? id_format(f->me, mb) : NULL};
	PGresult *r = db_query(a, err,
			       "SELECT " ITEM_COLUMNS " WHERE r.state = $1 AND r.group_id IS NULL"
			       " AND ($2::text IS NULL OR r.source = $2::text)"
			       " AND ($3::bigint IS NULL OR r.id > $3::bigint)"
			       " AND ($5::int = 0 OR ($5::int = 1 AND r.claimed_by IS NULL)"
			       "  OR ($5::int = 2 AND r.claimed_by = $6::bigint))"
			       " AND r.target_account_id IS DISTINCT FROM $6::bigint"
			       " ORDER BY r.id LIMIT $4::int",
			       6, p);
	if (r == NULL)
		return -1;
	int n = PQntuples(r);
	*out = arena_alloc(a, sizeof **out * (size_t)(n > 0 ? n : 1));
	for (int i = 0; i < n; i++)
		item_row(a, r, i, &(*out)[i]);
	return n;
}

struct queue_item *
db_queue_get(struct arena *a, int64_t id, struct err *err)
{
	char b[ID_STRLEN];
	const char *p[] = {id_format(id, b)};
	PGresult *r = db_query(a, err, "SELECT " ITEM_COLUMNS " WHERE r.id = $1::bigint", 1, p);
	if (r == NULL)
		return NULL;
	if (PQntuples(r) == 0) {
		err_set(err, ERR_NOT_FOUND, "No queue item has that number.",
			"queue item not found");
		return NULL;
	}
	struct queue_item *q = arena_alloc(a, sizeof *q);
	item_row(a, r, 0, q);
	return q;
}

int
db_queue_group(struct arena *a, int64_t id, struct queue_item **out, struct err *err)
{
	char b[ID_STRLEN];
	const char *p[] = {id_format(id, b)};
	PGresult *r = db_query(a, err,
			       "SELECT " ITEM_COLUMNS " WHERE r.id = $1::bigint OR r.group_id = $1::bigint"
			       " ORDER BY r.group_id IS NOT NULL, r.id",
			       1, p);
	if (r == NULL)
		return -1;
	int n = PQntuples(r);
	*out = arena_alloc(a, sizeof **out * (size_t)(n > 0 ? n : 1));
	for (int i = 0; i < n; i++)
		item_row(a, r, i, &(*out)[i]);
	return n;
}

int
db_queue_claim(struct arena *a, int64_t id, int64_t moderator_id, int64_t holder_id,
	       struct err *err)
{
	char b[ID_STRLEN], mb[ID_STRLEN], hb[ID_STRLEN];
	const char *p[] = {id_format(id, b), moderator_id ? id_format(moderator_id, mb) : NULL,
			   holder_id ? id_format(holder_id, hb) : NULL};
	PGresult *r = db_query(a, err,
			       "UPDATE reports SET claimed_by = $2::bigint,"
			       " claimed_at = CASE WHEN $2::bigint IS NULL THEN NULL ELSE now() END"
			       " WHERE id = $1::bigint AND state = 'open'"
			       " AND claimed_by IS NOT DISTINCT FROM $3::bigint",
			       3, p);
	return db_rows_changed(r);
}

int
db_queue_takeover_insert(struct arena *a, int64_t id, int64_t moderator_id, int64_t from_id,
			 struct err *err)
{
	char b[ID_STRLEN], mb[ID_STRLEN], fb[ID_STRLEN];
	const char *p[] = {id_format(id, b), id_format(moderator_id, mb), id_format(from_id, fb)};
	return db_query(a, err,
			"INSERT INTO queue_takeovers (report_id, moderator_id, from_moderator_id)"
			" VALUES ($1::bigint, $2::bigint, $3::bigint)",
			3, p) == NULL
		   ? -1
		   : 0;
}

int
db_queue_takeovers(struct arena *a, int64_t id, struct queue_takeover **out, struct err *err)
{
	char b[ID_STRLEN];
	const char *p[] = {id_format(id, b)};
	PGresult *r = db_query(a, err,
			       "SELECT m.username, f.username, " ISO("t.created_at")
			       " FROM queue_takeovers t"
			       " LEFT JOIN accounts m ON m.id = t.moderator_id"
			       " LEFT JOIN accounts f ON f.id = t.from_moderator_id"
			       " WHERE t.report_id = $1::bigint ORDER BY t.id",
			       1, p);
	if (r == NULL)
		return -1;
	int n = PQntuples(r);
	*out = arena_alloc(a, sizeof **out * (size_t)(n > 0 ? n : 1));
	for (int i = 0; i < n; i++) {
		(*out)[i].moderator = db_value(r, i, 0);
		(*out)[i].from_moderator = db_value(r, i, 1);
		(*out)[i].created_at = db_value(r, i, 2);
	}
	return n;
}

int
db_queue_lock(struct arena *a, int64_t id, int64_t *holder, struct err *err)
{
	char b[ID_STRLEN];
	const char *p[] = {id_format(id, b)};
	PGresult *r = db_query(a, err,
			       "SELECT state = 'open', claimed_by FROM reports WHERE id = $1::bigint"
			       " FOR UPDATE",
			       1, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 0)
		return err_set(err, ERR_NOT_FOUND, "No queue item has that number.",
			       "queue item not found");
	*holder = db_int64(r, 0, 1);
	return db_bool(r, 0, 0) ? 1 : 0;
}

int
db_queue_reporters(struct arena *a, int64_t id, int64_t **out, struct err *err)
{
	char b[ID_STRLEN];
	const char *p[] = {id_format(id, b)};
	return db_int64_column(a,
			       db_query(a, err,
					"SELECT DISTINCT reporter_id FROM reports"
					" WHERE (id = $1::bigint OR group_id = $1::bigint)"
					" AND reporter_id IS NOT NULL",
					1, p),
			       out);
}

int
db_queue_close(struct arena *a, int64_t id, struct err *err)
{
	char b[ID_STRLEN];
	const char *p[] = {id_format(id, b)};
	PGresult *r = db_query(a, err,
			       "UPDATE reports SET state = 'closed', closed_at = now()"
			       " WHERE (id = $1::bigint OR group_id = $1::bigint) AND state = 'open'",
			       1, p);
	int n = db_rows_changed(r);
	return n > 1 ? 1 : n;
}
