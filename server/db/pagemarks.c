/* pagemarks.c - the member page check's statement (db/pagemarks.h). */
#include "pagemarks.h"

#include "db/db.h"
#include "util/arena.h"
#include "util/id.h"

/* Each part is prefixed with its own letter, so that an empty part (NULL: no rows) can't
 * make two different states read alike. A row's xmin changes with every UPDATE of it (a
 * new row version) and the row is missing after a DELETE. */
static const char TOKEN_SQL[] =
	"SELECT concat("
	"'m', (SELECT string_agg(account_id || '.' || mark, ',' ORDER BY account_id)"
	"  FROM page_marks WHERE account_id IN (0, $1::bigint)),"
	"'|s', (SELECT string_agg(id || '.' || xmin, ',' ORDER BY id)"
	"  FROM statuses WHERE id = ANY ($2::bigint[])),"
	"'|c', (SELECT string_agg(status_id || '.' || xmin, ',' ORDER BY status_id)"
	"  FROM status_stats WHERE status_id = ANY ($2::bigint[])),"
	"'|i', (SELECT string_agg(id || '.' || xmin, ',' ORDER BY id)"
	"  FROM media WHERE status_id = ANY ($2::bigint[])),"
	"'|a', (SELECT string_agg(id || '.' || xmin, ',' ORDER BY id)"
	"  FROM accounts WHERE id = ANY ($3::bigint[])),"
	/* the posts' remote images: what the page shows of each is its file's state and name
	 * (not its xmin: marking it shown moves last_shown_at, which no page shows) */
	"'|r', (SELECT string_agg(ra.status_id || '.' || ra.position || '.' || ra.xmin || '.'"
	"  || coalesce(f.state, '') || '.' || coalesce(f.file_name, ''), ','"
	"  ORDER BY ra.status_id, ra.position)"
	"  FROM remote_attachments ra LEFT JOIN remote_files f ON f.url = ra.url"
	"  WHERE ra.status_id = ANY ($2::bigint[])))";

const char *
db_pagemarks_token(struct arena *a, int64_t viewer_id, const char *status_ids,
		   const char *account_ids, struct err *err)
{
	char vbuf[ID_STRLEN];
	const char *p[] = {id_format(viewer_id, vbuf), status_ids, account_ids};
	PGresult *r = db_query(a, err, TOKEN_SQL, 3, p);
	if (r == NULL)
		return NULL;
	const char *v = PQntuples(r) == 1 ? db_value(r, 0, 0) : NULL;
	return v != NULL ? v : "";
}
