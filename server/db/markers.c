/* markers.c - queries on the read markers (see markers.h). */
#include "db/markers.h"

#include <stdlib.h>

#include "db/db.h"
#include "util/arena.h"
#include "util/id.h"

#define MARKER_COLUMNS                                                                             \
	"timeline, last_read_id, version,"                                                         \
	" to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

static void
marker_row(const PGresult *r, int i, struct marker *m)
{
	m->timeline = db_value(r, i, 0);
	m->last_read_id = db_int64(r, i, 1);
	m->version = atol(db_value(r, i, 2));
	m->updated_at = db_value(r, i, 3);
}

int
db_markers_get(struct arena *a, int64_t account_id, struct marker **out, struct err *err)
{
	char b[ID_STRLEN];
	const char *p[] = {id_format(account_id, b)};
	PGresult *r =
	    db_query(a, err,
		     "SELECT " MARKER_COLUMNS " FROM markers WHERE account_id = $1::bigint"
		     " ORDER BY timeline",
		     1, p);
	if (r == NULL)
		return -1;
	int n = PQntuples(r);
	*out = arena_alloc(a, sizeof **out * (size_t)(n > 0 ? n : 1));
	for (int i = 0; i < n; i++)
		marker_row(r, i, &(*out)[i]);
	return n;
}

int
db_marker_set(struct arena *a, int64_t account_id, const char *timeline, int64_t last_read_id,
	      struct marker *out, struct err *err)
{
	char b[ID_STRLEN], l[ID_STRLEN];
	const char *p[] = {id_format(account_id, b), timeline, id_format(last_read_id, l)};
	PGresult *r = db_query(a, err,
			       "INSERT INTO markers (account_id, timeline, last_read_id)"
			       " VALUES ($1::bigint, $2::text, $3::bigint)"
			       " ON CONFLICT (account_id, timeline) DO UPDATE SET"
			       " last_read_id = EXCLUDED.last_read_id,"
			       " version = markers.version + 1, updated_at = now()"
			       " RETURNING " MARKER_COLUMNS,
			       3, p);
	if (r == NULL)
		return -1;
	marker_row(r, 0, out);
	return 0;
}
