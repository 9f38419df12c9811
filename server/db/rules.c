/* rules.c - queries on rules. */
#include "rules.h"

#include <stdio.h>
#include <stdlib.h>

#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"

int
db_rules_list(struct arena *a, struct rule_row **out, struct err *err)
{
	PGresult *r = db_query(
	    a, err, "SELECT id, position, title, body FROM rules ORDER BY position", 0, NULL);
	if (r == NULL)
		return -1;
	int n = PQntuples(r);
	*out = arena_alloc(a, sizeof **out * (size_t)(n > 0 ? n : 1));
	for (int i = 0; i < n; i++) {
		struct rule_row *row = &(*out)[i];
		row->id = db_int64(r, i, 0);
		row->position = (int)db_int64(r, i, 1);
		row->title = db_value(r, i, 2);
		row->body = db_value(r, i, 3);
	}
	return n;
}

static int
rule_rows(struct arena *a, PGresult *r, struct rule_row **out)
{
	int n = PQntuples(r);
	*out = arena_alloc(a, sizeof **out * (size_t)(n > 0 ? n : 1));
	for (int i = 0; i < n; i++) {
		struct rule_row *row = &(*out)[i];
		row->id = db_int64(r, i, 0);
		row->position = (int)db_int64(r, i, 1);
		row->title = db_value(r, i, 2);
		row->body = db_value(r, i, 3);
	}
	return n;
}

int
db_rules_list_lang(struct arena *a, const char *lang, struct rule_row **out, struct err *err)
{
	const char *p[] = {lang};
	PGresult *r = db_query(a, err,
			       "SELECT r.id, r.position, coalesce(t.title, r.title),"
			       " coalesce(t.body, r.body) FROM rules r"
			       " LEFT JOIN rule_translations t ON t.rule_id = r.id AND t.lang = $1"
			       " ORDER BY r.position",
			       1, p);
	return r == NULL ? -1 : rule_rows(a, r, out);
}

int
db_rule_translations(struct arena *a, const char *lang, struct rule_row **out, struct err *err)
{
	const char *p[] = {lang};
	PGresult *r = db_query(a, err,
			       "SELECT r.id, r.position, t.title, t.body FROM rules r"
			       " LEFT JOIN rule_translations t ON t.rule_id = r.id AND t.lang = $1"
			       " ORDER BY r.position",
			       1, p);
	return r == NULL ? -1 : rule_rows(a, r, out);
}

int
db_rule_translation_put(struct arena *a, int64_t id, const char *lang, const char *title,
			const char *body, struct err *err)
{
	char b[ID_STRLEN];
	const char *p[] = {id_format(id, b), lang, title, body};
	PGresult *r;
	if (*title == '\0') {
		r = db_query(
		    a, err,
		    "DELETE FROM rule_translations WHERE rule_id = $1::bigint AND lang = $2", 2, p);
		if (r == NULL)
			return -1;
		int pos = db_rule_position(a, id, err);
		return pos < 0 ? -1 : pos > 0 ? 1 : 0;
	}
	r = db_query(a, err,
		     "INSERT INTO rule_translations (rule_id, lang, title, body)"
		     " SELECT id, $2, $3, $4 FROM rules WHERE id = $1::bigint"
		     " ON CONFLICT (rule_id, lang) DO UPDATE SET title = EXCLUDED.title,"
		     " body = EXCLUDED.body, updated_at = now()",
		     4, p);
	return db_rows_changed(r);
}

int
db_rules_lock(struct arena *a, struct err *err)
{
	return db_query(a, err, "LOCK TABLE rules IN SHARE ROW EXCLUSIVE MODE", 0, NULL) == NULL
		   ? -1
		   : 0;
}

int
db_rules_count(struct arena *a, struct err *err)
{
	PGresult *r = db_query(a, err, "SELECT count(*) FROM rules", 0, NULL);
	return r == NULL ? -1 : (int)db_int64(r, 0, 0);
}

int
db_rule_insert(struct arena *a, const char *title, const char *body, int64_t *id, struct err *err)
{
	const char *p[] = {title, body};
	PGresult *r = db_query(a, err,
			       "INSERT INTO rules (position, title, body)"
			       " SELECT coalesce(max(position), 0) + 1, $1, $2 FROM rules"
			       " RETURNING id",
			       2, p);
	if (r == NULL)
		return -1;
	*id = db_int64(r, 0, 0);
	return 0;
}

int
db_rule_update(struct arena *a, int64_t id, const char *title, const char *body, struct err *err)
{
	char buf[ID_STRLEN];
	const char *p[] = {id_format(id, buf), title, body};
	PGresult *r = db_query(a, err,
			       "UPDATE rules SET title = $2, body = $3, updated_at = now()"
			       " WHERE id = $1::bigint",
			       3, p);
	return db_rows_changed(r);
}

int
db_rule_position(struct arena *a, int64_t id, struct err *err)
{
	char buf[ID_STRLEN];
	const char *p[] = {id_format(id, buf)};
	PGresult *r = db_query(a, err, "SELECT position FROM rules WHERE id = $1::bigint", 1, p);
	if (r == NULL)
		return -1;
	return PQntuples(r) == 0 ? 0 : (int)db_int64(r, 0, 0);
}

int
db_rule_swap(struct arena *a, int p, int q, struct err *err)
{
	char ps[16], qs[16];
	snprintf(ps, sizeof ps, "%d", p);
	snprintf(qs, sizeof qs, "%d", q);
	const char *params[] = {ps, qs};
	PGresult *r = db_query(a, err,
			       "UPDATE rules SET position = CASE WHEN position = $1::integer"
			       " THEN $2::integer ELSE $1::integer END, updated_at = now()"
			       " WHERE position IN ($1::integer, $2::integer)",
			       2, params);
	return db_rows_changed(r);
}

int
db_rule_delete(struct arena *a, int64_t id, int *position, struct err *err)
{
	char buf[ID_STRLEN];
	const char *p[] = {id_format(id, buf)};
	PGresult *r =
	    db_query(a, err, "DELETE FROM rules WHERE id = $1::bigint RETURNING position", 1, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 0)
		return 0;
	*position = (int)db_int64(r, 0, 0);
	return 1;
}

int
db_rules_close_gap(struct arena *a, int position, struct err *err)
{
	char buf[16];
	snprintf(buf, sizeof buf, "%d", position);
	const char *p[] = {buf};
	return db_query(a, err,
			"UPDATE rules SET position = position - 1 WHERE position > $1::integer", 1,
			p) == NULL
		   ? -1
		   : 0;
}
