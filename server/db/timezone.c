/* timezone.c - time zone queries. */
#include "timezone.h"

#include <stdio.h>
#include <stdlib.h>

#include "db/db.h"
#include "util/err.h"

int
db_time_zone_known(struct arena *a, const char *name, struct err *err)
{
	const char *p[] = {name};
	PGresult *r = db_query(a, err, "SELECT 1 FROM pg_timezone_names WHERE name = $1", 1, p);
	if (r == NULL)
		return -1;
	return PQntuples(r) > 0;
}

int
db_time_zone_offsets(struct arena *a, const char *zone, int64_t t1, int64_t t2, int *off1,
		     int *off2, struct err *err)
{
	char b1[24], b2[24];
	snprintf(b1, sizeof b1, "%lld", (long long)t1);
	snprintf(b2, sizeof b2, "%lld", (long long)t2);
	const char *p[] = {zone, b1, b2};
	/* local wall time minus UTC wall time of the same instant */
	PGresult *r = db_query(
	    a, err,
	    "SELECT extract(epoch FROM (to_timestamp($2::bigint) AT TIME ZONE $1)"
	    " - (to_timestamp($2::bigint) AT TIME ZONE 'UTC'))::int,"
	    " extract(epoch FROM (to_timestamp($3::bigint) AT TIME ZONE $1)"
	    " - (to_timestamp($3::bigint) AT TIME ZONE 'UTC'))::int",
	    3, p);
	if (r == NULL)
		return -1;
	*off1 = atoi(db_value(r, 0, 0));
	*off2 = atoi(db_value(r, 0, 1));
	return 0;
}
