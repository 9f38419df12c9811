/* transparency.c - the monthly counts of moderation, in one query. */
#include "transparency.h"

#include <stdio.h>

#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"

#define MONTH(col) "to_char((" col ") AT TIME ZONE 'UTC', 'YYYY-MM')"

int
db_transparency_counts(struct arena *a, int months, struct transparency_count **out,
		       struct err *err)
{
	char mb[16];
	snprintf(mb, sizeof mb, "%d", months);
	const char *p[] = {mb};
	PGresult *r = db_query(
	    a, err,
	    "WITH events (month, what, key) AS ("
	    " SELECT " MONTH(
		"created_at") ", 'report', source FROM reports"
			      " UNION ALL"
			      " SELECT " MONTH(
				  "coalesce(effective_at, created_at)") ", 'action', kind"
									" FROM mod_actions WHERE "
									"state IN ('done', "
									"'reversed') AND kind <> "
									"'note'"
									" UNION ALL"
									" SELECT " MONTH(
									    "created_at") ", "
											  "'appeal'"
											  ", "
											  "'filed' "
											  "FROM "
											  "appeals"
											  " UNION "
											  "ALL"
											  " SELECT"
											  " " MONTH(
											      "deci"
											      "ded_"
											      "at") ", 'appeal', state FROM appeals"
												    " WHERE state IN ('granted', 'denied') AND decided_at IS NOT NULL),"
												    " shown AS (SELECT DISTINCT month FROM events ORDER BY month DESC LIMIT $1::integer)"
												    " SELECT e.month, e.what, e.key, count(*) FROM events e"
												    " JOIN shown USING (month) GROUP BY 1, 2, 3 ORDER BY 1 DESC, 2, 3",
	    1, p);
	if (r == NULL)
		return -1;
	int n = PQntuples(r);
	*out = arena_alloc(a, sizeof **out * (size_t)(n > 0 ? n : 1));
	for (int i = 0; i < n; i++) {
		struct transparency_count *c = &(*out)[i];
		c->month = db_value(r, i, 0);
		c->what = db_value(r, i, 1);
		c->key = db_value(r, i, 2);
		c->count = (long)db_int64(r, i, 3);
	}
	return n;
}
