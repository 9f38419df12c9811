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

int
db_lockdown_unhold(struct arena *a, struct err *err)
{
	/* a delivery queued before the lockdown keeps the age it had then; one queued during
	 * it is new now */
	return db_query(a, err,
			"WITH since AS (SELECT max(created_at) AS t FROM mod_actions"
			"  WHERE kind = 'lockdown')"
			" UPDATE jobs SET created_at = now() - greatest(since.t - jobs.created_at,"
			"  interval '0') FROM since"
			" WHERE jobs.kind = 'deliver' AND since.t IS NOT NULL",
			0, NULL)
		       ? 0
		       : -1;
}
