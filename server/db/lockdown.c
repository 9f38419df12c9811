/* lockdown.c - see lockdown.h. */
#include "db/lockdown.h"

#include <string.h>

#include <libpq-fe.h>

#include "db/db.h"

int
db_lockdown_lock(struct arena *a, bool *on, struct err *err)
{
	PGresult *r = db_query(a, err,
			       "SELECT value FROM instance_settings WHERE key = 'lockdown' FOR UPDATE",
			       0, NULL);
	if (r == NULL)
		return -1;
	*on = PQntuples(r) == 1 && strcmp(db_value(r, 0, 0), "true") == 0;
	return 0;
}
