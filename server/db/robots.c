/* robots.c - see robots.h. */
#include "db/robots.h"

#include <stdio.h>

#include <libpq-fe.h>

#include "db/db.h"
#include "util/arena.h"

int
db_robots_members(struct arena *a, int limit, struct db_robots_member **out, struct err *err)
{
	char n[16];
	snprintf(n, sizeof n, "%d", limit);
	const char *p[] = {n};
	PGresult *r = db_query(a, err,
			       "SELECT username, discoverable, indexable FROM accounts"
			       " WHERE domain IS NULL AND approved AND suspended_at IS NULL"
			       " AND (discoverable OR indexable) ORDER BY lower(username) LIMIT $1::int",
			       1, p);
	if (r == NULL)
		return -1;
	int rows = PQntuples(r);
	*out = arena_alloc(a, sizeof **out * (size_t)(rows > 0 ? rows : 1));
	for (int i = 0; i < rows; i++) {
		(*out)[i].username = db_value(r, i, 0);
		(*out)[i].discoverable = db_bool(r, i, 1);
		(*out)[i].indexable = db_bool(r, i, 2);
	}
	return rows;
}
