/* registration.c - sign-up rules. */
#include "registration.h"

#include <string.h>
#include <strings.h>

#include "core/account.h"
#include "core/recovery.h"
#include "db/db.h"
#include "db/accounts.h"
#include "db/deletion.h"
#include "db/invites.h"
#include "db/sessions.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/utf8.h"
#include "util/token.h"

static int
check(enum reg_mode mode, const struct registration *reg, bool has_invite, struct err *err)
{
	if (account_check_username(reg->username, err) != 0 ||
	    account_check_password(reg->password, err) != 0)
		return -1;
	if (mode == REG_INVITE && !has_invite)
		return err_set(err, ERR_UNPROCESSABLE,
			       "Registration here is by invitation: you need an invite link.",
			       "no invite");
	if (mode == REG_APPROVAL && !has_invite) {
		size_t n = reg->note ? utf8_chars(reg->note) : 0;
		if (n == 0)
			return err_set(err, ERR_UNPROCESSABLE,
				       "Please write a few words about why you want to join.",
				       "no note");
		if (n > APPLICATION_NOTE_MAX)
			return err_set(err, ERR_UNPROCESSABLE,
				       "The note can have at most 1000 characters.", "note too long");
	}
	return 0;
}

static int
unusable_invite(struct err *err)
{
	return err_set(err, ERR_UNPROCESSABLE,
		       "This invite link can't be used: it may be used up, expired or revoked.",
		       "unusable invite");
}

static int
taken(struct registration_result *out, struct err *err)
{
	out->taken = true;
	return err_set(err, ERR_CONFLICT, "That username is taken.", "username taken");
}

int
registration_submit(struct arena *a, enum reg_mode mode, const struct registration *reg,
		    struct registration_result *out, struct err *err)
{
	memset(out, 0, sizeof *out);
	bool has_invite = reg->invite_code != NULL && *reg->invite_code != '\0';
	if (check(mode, reg, has_invite, err) != 0)
		return -1;
	/* The cheap check first: a guessed invite must not cost an Argon2id run. */
	if (has_invite) {
		int ok = db_invite_usable(a, token_hash(a, reg->invite_code), err);
		if (ok < 0)
			return -1;
		if (ok == 0) {
			out->bad_invite = true;
			return unusable_invite(err);
		}
	}
	/* A taken name before the Argon2id run too: asking which names exist costs us nothing
	 * (and the web layer counts it as a failure, core/registration.h). */
	struct err lookup;
	if (db_account_get_by_username(a, reg->username, &lookup) != NULL)
		return taken(out, err);
	/* a deleted member's handle is retired for good, and placeholders are never names
	 * (core/deletion.h) */
	int retired = db_handle_deletion_state(a, reg->username, err);
	if (retired < 0)
		return -1;
	if (retired != DB_DELETION_NONE ||
	    strncasecmp(reg->username, DB_DELETED_NAME_PREFIX, strlen(DB_DELETED_NAME_PREFIX)) == 0)
		return taken(out, err);
	if (lookup.code != ERR_NOT_FOUND) {
		*err = lookup;
		return -1;
	}
	char *hash = account_hash_password(a, reg->password, err);
	if (hash == NULL)
		return -1;
	const char *role = role_name(ROLE_MEMBER);
	if (db_begin(err) != 0)
		return -1;
	if (has_invite) {
		int ok = db_invite_redeem(a, token_hash(a, reg->invite_code), &role, err);
		if (ok <= 0) {
			if (ok == 0) { /* used up by someone else since the check above */
				out->bad_invite = true;
				unusable_invite(err);
			}
			goto fail;
		}
	}
	out->approved = has_invite || mode != REG_APPROVAL;
	if (db_account_insert(a, reg->username, hash, role, out->approved,
			      out->approved ? NULL : reg->note, &out->account_id, err) != 0) {
		if (err->code == ERR_CONFLICT)
			taken(out, err);
		goto fail;
	}
	if (recovery_codes_mark_due(a, out->account_id, err) != 0)
		goto fail;
	return db_commit(err);
fail:
	db_rollback();
	return -1;
}

int
registration_pending(struct arena *a, struct application **out, struct err *err)
{
	return db_account_applications(a, out, err);
}

int
registration_decide(struct arena *a, int64_t account_id, bool approve, struct err *err)
{
	int n = approve ? db_account_approve(a, account_id, err)
			: db_account_delete_pending(a, account_id, err);
	if (n < 0)
		return -1;
	if (n == 0)
		return err_set(err, ERR_NOT_FOUND, "That application was already decided.",
			       "no pending application");
	return 0;
}
