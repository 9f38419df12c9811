/* session.c - session tokens and their lookup. */
#include "session.h"

#include <string.h>

#include "db/sessions.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/token.h"

char *
session_create(struct arena *a, int64_t account_id, struct err *err)
{
	char *token = token_random(a, 32, err);
	if (token == NULL)
		return NULL;
	if (db_session_insert(a, account_id, token_hash(a, token), SESSION_DAYS, err) != 0)
		return NULL;
	return token;
}

struct account *
session_account(struct arena *a, const char *token, struct err *err)
{
	if (token == NULL || strlen(token) != 43) {
		err_set(err, ERR_NOT_FOUND, NULL, "no session");
		return NULL;
	}
	return db_session_account(a, token_hash(a, token), err);
}

int
session_end(struct arena *a, const char *token, struct err *err)
{
	if (token == NULL)
		return 0;
	return db_session_delete(a, token_hash(a, token), err);
}

int
session_end_all(struct arena *a, int64_t account_id, struct err *err)
{
	return db_session_delete_all(a, account_id, err);
}
