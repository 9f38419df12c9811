/* health.c - dependency checks for /healthz. */
#include "health.h"

#include "db/db.h"

bool
health_check(struct err *err)
{
	return db_ping(err);
}
