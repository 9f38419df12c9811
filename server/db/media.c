/* media.c - queries on media and media_trash. */
#include "media.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "util/arena.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/id.h"
#include "util/strbuf.h"

#define MEDIA_COLS                                                                        \
	"id, account_id, status_id, purpose, position, file_name, thumb_name, media_type,"   \
	" width, height, thumb_width, thumb_height, blurhash, description"

static void
row_from(const PGresult *r, int i, struct media_row *m)
{
	m->id = db_int64(r, i, 0);
	m->account_id = db_int64(r, i, 1);
	m->status_id = db_int64(r, i, 2);
	m->purpose = db_value(r, i, 3);
	m->position = (int)db_int64(r, i, 4);
	m->file_name = db_value(r, i, 5);
	m->thumb_name = db_value(r, i, 6);
	m->media_type = db_value(r, i, 7);
	m->width = (int)db_int64(r, i, 8);
	m->height = (int)db_int64(r, i, 9);
	m->thumb_width = (int)db_int64(r, i, 10);
	m->thumb_height = (int)db_int64(r, i, 11);
	m->blurhash = db_value(r, i, 12);
	m->description = db_value(r, i, 13);
}

int
db_media_insert(struct arena *a, const struct media_row *m, int64_t *id_out, struct err *err)
{
	char acct[ID_STRLEN], st[ID_STRLEN], pos[8], w[16], h[16], tw[16], th[16], now[32];
	id_format(m->account_id, acct);
	snprintf(now, sizeof now, "%lld", (long long)clock_now());
	id_format(m->status_id, st);
	snprintf(pos, sizeof pos, "%d", m->position);
	snprintf(w, sizeof w, "%d", m->width);
	snprintf(h, sizeof h, "%d", m->height);
	snprintf(tw, sizeof tw, "%d", m->thumb_width);
	snprintf(th, sizeof th, "%d", m->thumb_height);
	if (strcmp(m->purpose, "attachment") != 0 &&
	    db_media_profile_delete(a, m->account_id, m->purpose, err) < 0)
		return -1;
	const char *p[] = {acct,	 m->status_id ? st : NULL, m->purpose,	pos,
			   m->file_name, m->thumb_name,		   m->media_type, w,
			   h,		 tw,			   th,		  m->blurhash,
			   m->description ? m->description : "", now};
	PGresult *r = db_query(
	    a, err,
	    "INSERT INTO media (account_id, status_id, purpose, position, file_name, thumb_name,"
	    " media_type, width, height, thumb_width, thumb_height, blurhash, description,"
	    " created_at) VALUES ($1::bigint, $2::bigint, $3, $4::smallint, $5, $6, $7,"
	    " $8::integer, $9::integer, $10::integer, $11::integer, $12, $13,"
	    " to_timestamp($14::bigint)) RETURNING id",
	    14, p);
	if (r == NULL)
		return -1;
	if (id_out != NULL)
		*id_out = db_int64(r, 0, 0);
	return 0;
}

int
db_media_of_statuses(struct arena *a, const int64_t *ids, int n, struct media_row **out,
		     struct err *err)
{
	*out = NULL;
	if (n <= 0)
		return 0;
	struct strbuf arr;
	strbuf_init(&arr, a);
	strbuf_append(&arr, "{", 1);
	for (int i = 0; i < n; i++) {
		char buf[ID_STRLEN];
		if (i > 0)
			strbuf_append(&arr, ",", 1);
		id_format(ids[i], buf);
		strbuf_append(&arr, buf, strlen(buf));
	}
	strbuf_append(&arr, "}", 1);
	const char *p[] = {arr.data};
	PGresult *r = db_query(a, err,
			       "SELECT " MEDIA_COLS " FROM media WHERE status_id = ANY($1::bigint[])"
			       " ORDER BY status_id, position",
			       1, p);
	if (r == NULL)
		return -1;
	int rows = PQntuples(r);
	*out = arena_alloc(a, sizeof **out * (size_t)(rows ? rows : 1));
	for (int i = 0; i < rows; i++)
		row_from(r, i, &(*out)[i]);
	return rows;
}

struct media_row *
db_media_profile(struct arena *a, int64_t account_id, const char *purpose, struct err *err)
{
	char acct[ID_STRLEN];
	id_format(account_id, acct);
	const char *p[] = {acct, purpose};
	err_clear(err);
	PGresult *r = db_query(a, err,
			       "SELECT " MEDIA_COLS " FROM media WHERE account_id = $1::bigint"
			       " AND purpose = $2",
			       2, p);
	if (r == NULL || PQntuples(r) == 0)
		return NULL;
	struct media_row *m = arena_alloc(a, sizeof *m);
	row_from(r, 0, m);
	return m;
}

int
db_media_profile_delete(struct arena *a, int64_t account_id, const char *purpose,
			struct err *err)
{
	char acct[ID_STRLEN];
	id_format(account_id, acct);
	const char *p[] = {acct, purpose};
	PGresult *r = db_query(a, err,
			       "DELETE FROM media WHERE account_id = $1::bigint AND purpose = $2"
			       " AND purpose <> 'attachment'",
			       2, p);
	return r == NULL ? -1 : db_rows_changed(r);
}

int
db_media_trash_list(struct arena *a, int limit, const char ***out, struct err *err)
{
	char lim[16];
	snprintf(lim, sizeof lim, "%d", limit);
	const char *p[] = {lim};
	PGresult *r = db_query(a, err,
			       "SELECT file_name FROM media_trash ORDER BY queued_at LIMIT $1::integer",
			       1, p);
	if (r == NULL)
		return -1;
	int n = PQntuples(r);
	*out = arena_alloc(a, sizeof **out * (size_t)(n + 1));
	for (int i = 0; i < n; i++)
		(*out)[i] = db_value(r, i, 0);
	(*out)[n] = NULL;
	return n;
}

int
db_media_trash_done(struct arena *a, const char *name, struct err *err)
{
	const char *p[] = {name};
	return db_query(a, err, "DELETE FROM media_trash WHERE file_name = $1", 1, p) == NULL ? -1
											    : 0;
}

struct media_row *
db_media_get(struct arena *a, int64_t id, struct err *err)
{
	char mid[ID_STRLEN];
	const char *p[] = {id_format(id, mid)};
	err_clear(err);
	PGresult *r = db_query(a, err,
			       "SELECT " MEDIA_COLS " FROM media WHERE id = $1::bigint"
			       " AND purpose = 'attachment'",
			       1, p);
	if (r == NULL || PQntuples(r) == 0)
		return NULL;
	struct media_row *m = arena_alloc(a, sizeof *m);
	row_from(r, 0, m);
	return m;
}

int
db_media_describe(struct arena *a, int64_t account_id, int64_t id, const char *description,
		  struct err *err)
{
	char acct[ID_STRLEN], mid[ID_STRLEN];
	const char *p[] = {id_format(account_id, acct), id_format(id, mid), description};
	PGresult *r = db_query(a, err,
			       "UPDATE media SET description = $3 WHERE id = $2::bigint"
			       " AND account_id = $1::bigint AND purpose = 'attachment'"
			       " AND status_id IS NULL",
			       3, p);
	return r == NULL ? -1 : db_rows_changed(r);
}

int
db_media_attach(struct arena *a, int64_t account_id, int64_t id, int64_t status_id,
		int position, struct err *err)
{
	char acct[ID_STRLEN], mid[ID_STRLEN], sid[ID_STRLEN], pos[8];
	snprintf(pos, sizeof pos, "%d", position);
	const char *p[] = {id_format(account_id, acct), id_format(id, mid),
			   id_format(status_id, sid), pos};
	PGresult *r = db_query(a, err,
			       "UPDATE media SET status_id = $3::bigint, position = $4::smallint"
			       " WHERE id = $2::bigint AND account_id = $1::bigint"
			       " AND purpose = 'attachment' AND status_id IS NULL",
			       4, p);
	return r == NULL ? -1 : db_rows_changed(r);
}

int
db_media_purge_unattached(struct arena *a, int64_t before, struct err *err)
{
	char when[32];
	snprintf(when, sizeof when, "%lld", (long long)before);
	const char *p[] = {when};
	PGresult *r = db_query(a, err,
			       "DELETE FROM media WHERE purpose = 'attachment' AND status_id IS NULL"
			       " AND created_at < to_timestamp($1::bigint)",
			       1, p);
	return r == NULL ? -1 : db_rows_changed(r);
}
