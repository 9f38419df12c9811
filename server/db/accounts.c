/* accounts.c - queries on accounts. */
#include "accounts.h"

#include <stdlib.h>

#include "db/db.h"
#include "util/err.h"
#include "util/id.h"

int
db_account_insert(struct arena *a, const char *username, const char *password_hash,
		  const char *role, int64_t *id_out, struct err *err)
{
	const char *p[] = {username, password_hash, role};
	PGresult *r = db_query(a, err,
			       "INSERT INTO accounts (username, password_hash, role) "
			       "VALUES ($1, $2, $3) RETURNING id",
			       3, p);
	if (r == NULL)
		return -1;
	if (id_parse(db_value(r, 0, 0), id_out) != 0)
		return err_set(err, ERR_INTERNAL, NULL, "bad id from insert");
	return 0;
}

int
db_account_set_role(struct arena *a, const char *username, const char *role, struct err *err)
{
	const char *p[] = {username, role};
	PGresult *r = db_query(a, err,
			       "UPDATE accounts SET role = $2 WHERE lower(username) = lower($1)", 2,
			       p);
	if (r == NULL)
		return -1;
	return atoi(PQcmdTuples(r));
}

int
db_account_role_exists(struct arena *a, const char *role, struct err *err)
{
	const char *p[] = {role};
	PGresult *r = db_query(a, err, "SELECT 1 FROM accounts WHERE role = $1 LIMIT 1", 1, p);
	if (r == NULL)
		return -1;
	return PQntuples(r) > 0;
}

long
db_account_count(struct arena *a, struct err *err)
{
	PGresult *r = db_query(a, err, "SELECT count(*) FROM accounts", 0, NULL);
	if (r == NULL)
		return -1;
	return atol(db_value(r, 0, 0));
}
