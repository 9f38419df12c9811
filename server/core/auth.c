/* auth.c - password sign-in and recovery. */
#include "auth.h"

#include "core/account.h"
#include "core/session.h"
#include "db/accounts.h"
#include "db/db.h"
#include "db/sessions.h"
#include "util/err.h"
#include "util/token.h"

/* A valid Argon2id hash of a random password: verifying against it when the username does
 * not exist takes as long as a real check, so timing doesn't tell which names exist. */
static const char dummy_hash[] =
	"$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$"
	"J0sB0n4cBmcJ1YQmW9pRbS3zSe0Hk5a8M0b8k2s3h3U";

struct account *
auth_login(struct arena *a, const char *username, const char *password, struct err *err)
{
	struct err lookup;
	struct account *acct = NULL;
	if (account_check_username(username, &lookup) == 0)
		acct = db_account_get_by_username(a, username, &lookup);
	if (acct == NULL && lookup.code == ERR_UNAVAILABLE) {
		*err = lookup;
		return NULL;
	}
	const char *hash = acct ? db_account_password_hash(a, acct->id, err) : dummy_hash;
	if (hash == NULL)
		return NULL;
	if (!account_verify_password(hash, password) || acct == NULL) {
		err_set(err, ERR_UNAUTHORIZED, "Wrong username or password.", "bad credentials");
		return NULL;
	}
	if (!acct->approved) {
		err_set(err, ERR_FORBIDDEN,
			"Your application is waiting for a moderator. Please try again later.",
			"not approved");
		return NULL;
	}
	return acct;
}

char *
auth_change_password(struct arena *a, int64_t member_id, const char *current,
		     const char *new_password, const char *user_agent, bool persistent,
		     struct err *err)
{
	const char *hash = db_account_password_hash(a, member_id, err);
	if (hash == NULL)
		return NULL;
	if (!account_verify_password(hash, current ? current : "")) {
		err_set(err, ERR_FORBIDDEN, "The current password is wrong.",
			"wrong current password");
		return NULL;
	}
	char *new_hash;
	if (account_check_password(new_password, err) != 0 ||
	    (new_hash = account_hash_password(a, new_password, err)) == NULL ||
	    db_begin(err) != 0)
		return NULL;
	char *token;
	if (db_account_set_password_hash(a, member_id, new_hash, err) != 0 ||
	    session_end_all(a, member_id, err) != 0 ||
	    (token = session_create(a, member_id, user_agent, persistent, NULL, err)) == NULL) {
		db_rollback();
		return NULL;
	}
	return db_commit(err) == 0 ? token : NULL;
}

int
auth_recover(struct arena *a, const char *username, const char *code, const char *new_password,
	     struct err *err)
{
	if (account_check_password(new_password, err) != 0)
		return -1;
	struct err lookup;
	struct account *acct = account_by_username(a, username, &lookup);
	if (acct == NULL)
		return err_set(err, lookup.code == ERR_UNAVAILABLE ? ERR_UNAVAILABLE
								    : ERR_UNAUTHORIZED,
			       "That username and recovery code don't match.", "recover failed");
	/* The code first, the password hash (an Argon2id run) only once it matched: a wrong
	 * code costs the same time whether the username exists or not, so the answer's time
	 * doesn't tell which names are members'. */
	if (db_begin(err) != 0)
		return -1;
	int used = db_recovery_code_use(a, acct->id, token_hash(a, code ? code : ""), err);
	if (used <= 0) {
		db_rollback();
		if (used == 0)
			err_set(err, ERR_UNAUTHORIZED, "That username and recovery code don't match.",
				"bad recovery code");
		return -1;
	}
	char *hash = account_hash_password(a, new_password, err);
	if (hash == NULL || db_account_set_password_hash(a, acct->id, hash, err) != 0 ||
	    session_end_all(a, acct->id, err) != 0) {
		db_rollback();
		return -1;
	}
	return db_commit(err);
}
