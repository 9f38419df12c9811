/* recovery.c - making and showing recovery codes once. */
#include "recovery.h"

#include "core/account.h"
#include "db/accounts.h"
#include "db/db.h"
#include "db/sessions.h"
#include "util/err.h"
#include "util/token.h"

int
recovery_codes_due(struct arena *a, int64_t account_id, struct err *err)
{
	return db_recovery_codes_due(a, account_id, err);
}

int
recovery_codes_mark_due(struct arena *a, int64_t account_id, struct err *err)
{
	return db_recovery_codes_set_due(a, account_id, err);
}

int
recovery_codes_take(struct arena *a, int64_t account_id, const char *codes[RECOVERY_CODES],
		    struct err *err)
{
	if (db_begin(err) != 0)
		return -1;
	int due = db_recovery_codes_claim_due(a, account_id, err);
	if (due <= 0) {
		db_rollback();
		return due;
	}
	if (db_recovery_codes_delete(a, account_id, err) != 0)
		goto fail;
	for (int i = 0; i < RECOVERY_CODES; i++) {
		char *code = token_random(a, 10, err);
		if (code == NULL ||
		    db_recovery_code_insert(a, account_id, token_hash(a, code), err) != 0)
			goto fail;
		codes[i] = code;
	}
	if (db_commit(err) != 0)
		return -1;
	return 1;
fail:
	db_rollback();
	return -1;
}

int
recovery_codes_renew(struct arena *a, const struct account *member, const char *password,
		     struct err *err)
{
	const char *hash = db_account_password_hash(a, member->id, err);
	if (hash == NULL)
		return -1;
	if (!account_verify_password(hash, password ? password : ""))
		return err_set(err, ERR_FORBIDDEN, "The current password is wrong.",
			       "wrong password for new recovery codes");
	return recovery_codes_mark_due(a, member->id, err);
}
