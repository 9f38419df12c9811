/* invites.c - queries on invites. */
#include "invites.h"

#include <stdio.h>

#include "db/db.h"
#include "util/id.h"

int
db_invite_insert(struct arena *a, const char *code_hash, int64_t created_by, const char *role,
		 int max_uses, int expires_days, struct err *err)
{
	char by[ID_STRLEN], uses[16], days[16];
	id_format(created_by, by);
	snprintf(uses, sizeof uses, "%d", max_uses);
	snprintf(days, sizeof days, "%d", expires_days);
	const char *p[] = {code_hash, created_by ? by : NULL, role, max_uses ? uses : NULL,
			   expires_days ? days : NULL};
	return db_query(a, err,
			"INSERT INTO invites (code_hash, created_by, role, max_uses, expires_at) "
			"VALUES ($1::bytea, $2::bigint, $3, $4::integer,"
			" now() + make_interval(days => $5::integer))",
			5, p) == NULL
		       ? -1
		       : 0;
}
