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

int
db_invite_redeem(struct arena *a, const char *code_hash, const char **role, struct err *err)
{
	const char *p[] = {code_hash};
	PGresult *r = db_query(a, err,
			       "UPDATE invites SET uses = uses + 1 WHERE code_hash = $1::bytea"
			       " AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())"
			       " AND (max_uses IS NULL OR uses < max_uses) RETURNING role",
			       1, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 0)
		return 0;
	*role = db_value(r, 0, 0);
	return 1;
}
