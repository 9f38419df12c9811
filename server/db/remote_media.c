/* remote_media.c - queries on remote_attachments and remote_files. */
#include "remote_media.h"

#include <stdio.h>
#include <string.h>

#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"

#define EVICT_SET "state = 'evicted', file_name = NULL, thumb_name = NULL, bytes = 0"

int
db_remote_attachment_insert(struct arena *a, int64_t status_id, int position, const char *kind,
			    const char *url, const char *type_label, const char *description,
			    const char *domain, bool fetch, struct err *err)
{
	int created = 0;
	if (url != NULL) {
		const char *fp[] = {url, domain, fetch ? "pending" : "evicted"};
		PGresult *r = db_query(a, err,
				       "INSERT INTO remote_files (url, domain, state) VALUES ($1, $2, $3)"
				       " ON CONFLICT (url) DO NOTHING RETURNING url",
				       3, fp);
		if (r == NULL)
			return -1;
		created = PQntuples(r) > 0;
	}
	char st[ID_STRLEN], pos[8];
	id_format(status_id, st);
	snprintf(pos, sizeof pos, "%d", position);
	const char *p[] = {st, pos, kind, url, type_label ? type_label : "",
			   description ? description : ""};
	if (db_query(a, err,
		     "INSERT INTO remote_attachments (status_id, position, kind, url, type_label,"
		     " description) VALUES ($1::bigint, $2::smallint, $3, $4, $5, $6)"
		     " ON CONFLICT (status_id, position) DO NOTHING",
		     6, p) == NULL)
		return -1;
	return created;
}

int
db_remote_attachments_of(struct arena *a, const int64_t *ids, int n,
			 struct remote_attachment **out, struct err *err)
{
	*out = NULL;
	if (n <= 0)
		return 0;
	const char *p[] = {db_id_array(a, ids, n)};
	PGresult *r = db_query(
	    a, err,
	    "SELECT ra.status_id, ra.position, ra.kind, ra.url, ra.type_label, ra.description,"
	    " f.state, f.file_name, f.thumb_name, f.width, f.height, f.thumb_width,"
	    " f.thumb_height, ac.domain,"
	    " EXISTS (SELECT 1 FROM domain_policies d WHERE d.domain = ac.domain AND d.reject_media)"
	    " FROM remote_attachments ra JOIN statuses s ON s.id = ra.status_id"
	    " JOIN accounts ac ON ac.id = s.account_id"
	    " LEFT JOIN remote_files f ON f.url = ra.url"
	    " WHERE ra.status_id = ANY($1::bigint[]) ORDER BY ra.status_id, ra.position",
	    1, p);
	if (r == NULL)
		return -1;
	int rows = PQntuples(r);
	*out = arena_alloc(a, sizeof **out * (size_t)(rows ? rows : 1));
	for (int i = 0; i < rows; i++) {
		struct remote_attachment *m = &(*out)[i];
		m->status_id = db_int64(r, i, 0);
		m->position = (int)db_int64(r, i, 1);
		m->kind = db_value(r, i, 2);
		m->url = db_value(r, i, 3);
		m->type_label = db_value(r, i, 4);
		m->description = db_value(r, i, 5);
		m->state = db_value(r, i, 6);
		m->file_name = db_value(r, i, 7);
		m->thumb_name = db_value(r, i, 8);
		m->width = (int)db_int64(r, i, 9);
		m->height = (int)db_int64(r, i, 10);
		m->thumb_width = (int)db_int64(r, i, 11);
		m->thumb_height = (int)db_int64(r, i, 12);
		m->domain = db_value(r, i, 13);
		m->reject_media = db_bool(r, i, 14);
	}
	return rows;
}

int
db_remote_files_shown(struct arena *a, const int64_t *ids, int n, const char ***out,
		      struct err *err)
{
	*out = NULL;
	if (n <= 0)
		return 0;
	const char *p[] = {db_id_array(a, ids, n)};
	PGresult *r = db_query_queue(
	    a, err,
	    "WITH shown AS (SELECT f.url, f.state FROM remote_files f"
	    " WHERE f.url IN (SELECT ra.url FROM remote_attachments ra"
	    "  JOIN statuses s ON s.id = ra.status_id JOIN accounts ac ON ac.id = s.account_id"
	    "  WHERE ra.status_id = ANY($1::bigint[]) AND NOT EXISTS (SELECT 1 FROM"
	    "  domain_policies d WHERE d.domain = ac.domain AND d.reject_media))"
	    " AND (f.state = 'evicted' OR f.last_shown_at < now() - interval '1 minute')"
	    " ORDER BY f.url FOR UPDATE OF f)"
	    " UPDATE remote_files f SET last_shown_at = now(), state = CASE WHEN"
	    " shown.state = 'evicted' THEN 'pending' ELSE f.state END FROM shown"
	    " WHERE f.url = shown.url RETURNING f.url, shown.state",
	    1, p);
	if (r == NULL)
		return -1;
	int rows = PQntuples(r), k = 0;
	*out = arena_alloc(a, sizeof **out * (size_t)(rows + 1));
	for (int i = 0; i < rows; i++)
		if (strcmp(db_value(r, i, 1), "evicted") == 0)
			(*out)[k++] = db_value(r, i, 0);
	(*out)[k] = NULL;
	return k;
}

int
db_remote_file_state(struct arena *a, const char *url, const char **state, const char **domain,
		     struct err *err)
{
	*state = *domain = NULL;
	err_clear(err);
	const char *p[] = {url};
	PGresult *r =
	    db_query(a, err, "SELECT state, domain FROM remote_files WHERE url = $1", 1, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) > 0) {
		*state = db_value(r, 0, 0);
		*domain = db_value(r, 0, 1);
	}
	return 0;
}

int
db_remote_file_cached(struct arena *a, const char *url, const struct remote_file_facts *f,
		      struct err *err)
{
	char w[16], h[16], tw[16], th[16], bytes[24];
	snprintf(w, sizeof w, "%d", f->width);
	snprintf(h, sizeof h, "%d", f->height);
	snprintf(tw, sizeof tw, "%d", f->thumb_width);
	snprintf(th, sizeof th, "%d", f->thumb_height);
	snprintf(bytes, sizeof bytes, "%lld", (long long)f->bytes);
	const char *p[] = {url, f->file_name, f->thumb_name, f->media_type, w, h, tw, th,
			   f->blurhash, bytes};
	return db_rows_changed(db_query(
	    a, err,
	    "UPDATE remote_files SET state = 'cached', file_name = $2, thumb_name = $3,"
	    " media_type = $4, width = $5::integer, height = $6::integer,"
	    " thumb_width = $7::integer, thumb_height = $8::integer, blurhash = $9,"
	    " bytes = $10::bigint, fetched_at = now(), error = NULL"
	    " WHERE url = $1 AND state = 'pending'",
	    10, p));
}

int
db_remote_file_failed(struct arena *a, const char *url, const char *reason, struct err *err)
{
	const char *p[] = {url, reason};
	return db_query(a, err,
			"UPDATE remote_files SET state = 'failed', error = left($2, 500)"
			" WHERE url = $1 AND state = 'pending'",
			2, p) == NULL
		   ? -1
		   : 0;
}

int
db_remote_files_fit(struct arena *a, int64_t cap_bytes, struct err *err)
{
	char cap[24];
	snprintf(cap, sizeof cap, "%lld", (long long)cap_bytes);
	const char *p[] = {cap};
	return db_rows_changed(db_query(
	    a, err,
	    "WITH kept AS (SELECT url, sum(bytes) OVER (ORDER BY last_shown_at DESC, url DESC)"
	    " AS total FROM remote_files WHERE state = 'cached')"
	    " UPDATE remote_files f SET " EVICT_SET " FROM kept"
	    " WHERE f.url = kept.url AND kept.total > $1::bigint AND kept.total > f.bytes"
	    " AND f.state = 'cached'",
	    1, p));
}

int
db_remote_files_expire(struct arena *a, int days, struct err *err)
{
	char d[16];
	snprintf(d, sizeof d, "%d", days);
	const char *p[] = {d};
	return db_rows_changed(db_query(a, err,
					"UPDATE remote_files SET " EVICT_SET " WHERE state = 'cached'"
					" AND last_shown_at < now() - make_interval(days => $1::integer)",
					1, p));
}

int
db_remote_files_domains(struct arena *a, const char ***out, struct err *err)
{
	return db_query_strings(a, err,
				"SELECT DISTINCT domain FROM remote_files WHERE state = 'cached'", 0,
				NULL, out);
}

int
db_remote_files_evict_domain(struct arena *a, const char *domain, struct err *err)
{
	const char *p[] = {domain};
	return db_rows_changed(db_query(
	    a, err, "UPDATE remote_files SET " EVICT_SET " WHERE state = 'cached' AND domain = $1",
	    1, p));
}

int
db_remote_profile_set(struct arena *a, int64_t account_id, const char *purpose, const char *url,
		      const char *domain, bool fetch, struct err *err)
{
	char acct[ID_STRLEN];
	id_format(account_id, acct);
	if (url == NULL) {
		const char *p[] = {acct, purpose};
		return db_query(a, err,
				"DELETE FROM remote_profile_media WHERE account_id = $1::bigint"
				" AND purpose = $2",
				2, p) == NULL
			   ? -1
			   : 0;
	}
	const char *fp[] = {url, domain, fetch ? "pending" : "evicted"};
	PGresult *r = db_query(a, err,
			       "INSERT INTO remote_files (url, domain, state) VALUES ($1, $2, $3)"
			       " ON CONFLICT (url) DO NOTHING RETURNING url",
			       3, fp);
	if (r == NULL)
		return -1;
	int created = PQntuples(r) > 0;
	const char *p[] = {acct, purpose, url};
	if (db_query(a, err,
		     "INSERT INTO remote_profile_media (account_id, purpose, url)"
		     " VALUES ($1::bigint, $2, $3) ON CONFLICT (account_id, purpose)"
		     " DO UPDATE SET url = EXCLUDED.url"
		     " WHERE remote_profile_media.url IS DISTINCT FROM EXCLUDED.url",
		     3, p) == NULL)
		return -1;
	return created;
}

struct remote_attachment *
db_remote_profile_get(struct arena *a, int64_t account_id, const char *purpose, struct err *err)
{
	char acct[ID_STRLEN];
	id_format(account_id, acct);
	const char *p[] = {acct, purpose};
	err_clear(err);
	PGresult *r = db_query(
	    a, err,
	    "SELECT pm.url, f.state, f.file_name, f.thumb_name, f.thumb_width, f.thumb_height,"
	    " ac.domain, EXISTS (SELECT 1 FROM domain_policies d WHERE d.domain = ac.domain"
	    " AND d.reject_media)"
	    " FROM remote_profile_media pm JOIN accounts ac ON ac.id = pm.account_id"
	    " JOIN remote_files f ON f.url = pm.url"
	    " WHERE pm.account_id = $1::bigint AND pm.purpose = $2",
	    2, p);
	if (r == NULL || PQntuples(r) == 0)
		return NULL;
	struct remote_attachment *m = arena_alloc(a, sizeof *m);
	memset(m, 0, sizeof *m);
	m->kind = "image";
	m->type_label = m->description = "";
	m->url = db_value(r, 0, 0);
	m->state = db_value(r, 0, 1);
	m->file_name = db_value(r, 0, 2);
	m->thumb_name = db_value(r, 0, 3);
	m->thumb_width = (int)db_int64(r, 0, 4);
	m->thumb_height = (int)db_int64(r, 0, 5);
	m->domain = db_value(r, 0, 6);
	m->reject_media = db_bool(r, 0, 7);
	return m;
}

int
db_remote_file_shown(struct arena *a, const char *url, struct err *err)
{
	const char *p[] = {url};
	PGresult *r = db_query_queue(
	    a, err,
	    "WITH shown AS (SELECT url, state FROM remote_files WHERE url = $1"
	    " AND (state = 'evicted' OR last_shown_at < now() - interval '1 minute') FOR UPDATE)"
	    " UPDATE remote_files f SET last_shown_at = now(), state = CASE WHEN"
	    " shown.state = 'evicted' THEN 'pending' ELSE f.state END FROM shown"
	    " WHERE f.url = shown.url RETURNING shown.state",
	    1, p);
	if (r == NULL)
		return -1;
	return PQntuples(r) > 0 && strcmp(db_value(r, 0, 0), "evicted") == 0;
}
