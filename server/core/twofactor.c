/* twofactor.c - see twofactor.h. */
#include "twofactor.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "core/account.h"
#include "core/recovery.h"
#include "core/session.h"
#include "core/totp.h"
#include "db/accounts.h"
#include "db/db.h"
#include "db/sessions.h"
#include "db/twofactor.h"
#include "util/arena.h"
#include "util/base32.h"
#include "util/err.h"
#include "util/id.h"
#include "util/secretbox.h"
#include "util/token.h"

static unsigned char node_key[SECRETBOX_KEY_BYTES];
static bool node_key_loaded;

int
twofactor_init(const char *data_dir, struct err *err)
{
	char path[4096];
	if (snprintf(path, sizeof path, "%s/%s", data_dir, TWOFACTOR_KEY_FILE) >= (int)sizeof path)
		return err_set(err, ERR_INTERNAL, NULL, "data_dir is too long");
	/* a fresh node's directory is made here (its parent must exist) */
	if (mkdir(data_dir, 0700) != 0 && errno != EEXIST)
		return err_set(err, ERR_INTERNAL, NULL, "cannot make data_dir %s: %s", data_dir,
			       strerror(errno));
	if (secretbox_key_load(path, node_key, err) != 0)
		return -1;
	node_key_loaded = true;
	return 0;
}

/* The associated data a secret is sealed with: its account, so that it opens only there. */
static const char *
secret_aad(struct arena *a, int64_t account_id)
{
	char id[ID_STRLEN];
	return arena_printf(a, "parasol totp %s", id_format(account_id, id));
}

/* Opens row's secret into key; -1 + err. */
static int
open_secret(struct arena *a, int64_t account_id, const struct totp_row *row,
	    unsigned char key[TOTP_SECRET_BYTES], struct err *err)
{
	if (!node_key_loaded)
		return err_set(err, ERR_INTERNAL, NULL, "the node key is not loaded");
	long n = secretbox_open(node_key, secret_aad(a, account_id), row->secret_sealed, key,
				TOTP_SECRET_BYTES, err);
	if (n < 0)
		return -1;
	if (n != TOTP_SECRET_BYTES) {
		OPENSSL_cleanse(key, TOTP_SECRET_BYTES);
		return err_set(err, ERR_INTERNAL, NULL, "a TOTP secret has the wrong length");
	}
	return 0;
}

int
twofactor_enabled(struct arena *a, int64_t account_id, struct err *err)
{
	struct totp_row row;
	int found = db_totp_get(a, account_id, TWOFACTOR_PENDING_MINUTES, &row, err);
	return found < 0 ? -1 : found > 0 && row.enabled;
}

static int
check_password(struct arena *a, int64_t account_id, const char *password, struct err *err)
{
	const char *hash = db_account_password_hash(a, account_id, err);
	if (hash == NULL)
		return -1;
	return account_verify_password(hash, password ? password : "") ? 1 : 0;
}

int
twofactor_start(struct arena *a, const struct account *member, const char *password,
		struct err *err)
{
	int ok = check_password(a, member->id, password, err);
	if (ok < 0)
		return -1;
	if (!ok)
		return err_set(err, ERR_FORBIDDEN, "The current password is wrong.",
			       "wrong password for two-factor set-up");
	if (!node_key_loaded)
		return err_set(err, ERR_INTERNAL, NULL, "the node key is not loaded");
	unsigned char secret[TOTP_SECRET_BYTES];
	if (RAND_bytes(secret, sizeof secret) != 1)
		return err_set(err, ERR_INTERNAL, NULL, "the CSPRNG failed");
	char *sealed = secretbox_seal(a, node_key, secret_aad(a, member->id), secret,
				      sizeof secret, err);
	OPENSSL_cleanse(secret, sizeof secret);
	if (sealed == NULL)
		return -1;
	int started = db_totp_start(a, member->id, sealed, err);
	if (started < 0)
		return -1;
	if (started == 0)
		return err_set(err, ERR_CONFLICT, "Two-factor sign-in is on already.",
			       "two-factor already on");
	return 0;
}

int
twofactor_pending(struct arena *a, const struct account *member, const char *issuer,
		  struct twofactor_setup *out, struct err *err)
{
	struct totp_row row;
	int found = db_totp_get(a, member->id, TWOFACTOR_PENDING_MINUTES, &row, err);
	if (found <= 0)
		return found;
	if (!row.pending_fresh)
		return 0;
	unsigned char key[TOTP_SECRET_BYTES];
	if (open_secret(a, member->id, &row, key, err) != 0)
		return -1;
	char *b32 = arena_alloc(a, base32_len(sizeof key, false) + 1);
	base32_encode(key, sizeof key, false, b32);
	OPENSSL_cleanse(key, sizeof key);
	out->uri = totp_uri(a, issuer, member->username, b32);
	/* groups of four, as apps show them when the secret is typed */
	size_t n = strlen(b32);
	char *grouped = arena_alloc(a, n + n / 4 + 1), *p = grouped;
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && i % 4 == 0)
			*p++ = ' ';
		*p++ = b32[i];
	}
	*p = '\0';
	out->secret_b32 = grouped;
	return 1;
}

/* code as typed, without spaces (apps show "123 456"), or NULL when too long to be one. */
static const char *
squeeze(struct arena *a, const char *code)
{
	size_t n = code ? strlen(code) : 0;
	if (n > 64)
		return NULL;
	char *out = arena_alloc(a, n + 1), *p = out;
	for (size_t i = 0; i < n; i++)
		if (!isspace((unsigned char)code[i]))
			*p++ = code[i];
	*p = '\0';
	return out;
}

int
twofactor_enable(struct arena *a, int64_t account_id, const char *code, const char *keep_token,
		 struct err *err)
{
	struct totp_row row;
	int found = db_totp_get(a, account_id, TWOFACTOR_PENDING_MINUTES, &row, err);
	if (found < 0)
		return -1;
	if (found == 0 || !row.pending_fresh)
		return err_set(err, ERR_GONE,
			       "The set-up took too long or was not started. Start again.",
			       "no two-factor enrolment in progress");
	unsigned char key[TOTP_SECRET_BYTES];
	if (open_secret(a, account_id, &row, key, err) != 0)
		return -1;
	const char *c = squeeze(a, code);
	int64_t step = c ? totp_match(key, sizeof key, c, totp_now(), TOTP_WINDOW, -1) : -1;
	OPENSSL_cleanse(key, sizeof key);
	if (step < 0)
		return err_set(err, ERR_UNPROCESSABLE,
			       "That code is not right. Type the six digits your app shows now.",
			       "wrong first code");
	if (db_begin(err) != 0)
		return -1;
	int on = db_totp_enable(a, account_id, step, TWOFACTOR_PENDING_MINUTES, err);
	if (on <= 0 || recovery_codes_mark_due(a, account_id, err) != 0 ||
	    session_end_others(a, account_id, keep_token, err) != 0) {
		db_rollback();
		if (on == 0)
			err_set(err, ERR_GONE,
				"The set-up took too long or was not started. Start again.",
				"two-factor enrolment gone meanwhile");
		return -1;
	}
	return db_commit(err);
}

/* Checks code for account_id (whose credential is row) and uses it up: a TOTP code's step,
 * or a recovery code. 1 right, 0 wrong, -1 + err. Inside the caller's transaction, which
 * rolls back to keep the code when something else was wrong: the same work is done either
 * way, so the time an answer takes doesn't tell whether the password was right. */
static int
check_code(struct arena *a, int64_t account_id, const struct totp_row *row, const char *code,
	   bool *by_recovery, struct err *err)
{
	const char *c = squeeze(a, code);
	*by_recovery = false;
	if (c == NULL || *c == '\0')
		return 0;
	if (totp_is_code(c)) {
		unsigned char key[TOTP_SECRET_BYTES];
		if (open_secret(a, account_id, row, key, err) != 0)
			return -1;
		int64_t step = totp_match(key, sizeof key, c, totp_now(), TOTP_WINDOW,
					  row->last_step);
		OPENSSL_cleanse(key, sizeof key);
		if (step < 0)
			return 0;
		return db_totp_use_step(a, account_id, step, err);
	}
	*by_recovery = true;
	return db_recovery_code_use(a, account_id, token_hash(a, code), err);
}

int
twofactor_disable(struct arena *a, const struct account *member, const char *password,
		  const char *code, struct err *err)
{
	struct totp_row row;
	int found = db_totp_get(a, member->id, TWOFACTOR_PENDING_MINUTES, &row, err);
	if (found < 0)
		return -1;
	if (found == 0 || !row.enabled)
		return err_set(err, ERR_NOT_FOUND, "Two-factor sign-in is off already.",
			       "two-factor not on");
	int pw = check_password(a, member->id, password, err);
	if (pw < 0 || db_begin(err) != 0)
		return -1;
	bool by_recovery;
	/* the code is used up only when the password is right too (else rolled back) */
	int ok = check_code(a, member->id, &row, code, &by_recovery, err);
	if (ok < 0) {
		db_rollback();
		return -1;
	}
	if (!ok || pw != 1) {
		db_rollback();
		return err_set(err, ERR_FORBIDDEN, "The password or the code is wrong.",
			       "wrong password or code to turn two-factor off");
	}
	if (db_totp_delete(a, member->id, err) != 0) {
		db_rollback();
		return -1;
	}
	return db_commit(err);
}

int
twofactor_confirm(struct arena *a, const struct account *member, const char *password,
		  const char *code, struct err *err)
{
	struct totp_row row;
	int found = db_totp_get(a, member->id, TWOFACTOR_PENDING_MINUTES, &row, err);
	if (found < 0)
		return -1;
	int pw = check_password(a, member->id, password, err);
	if (pw < 0)
		return -1;
	if (found == 0 || !row.enabled)
		return pw == 1 ? 0
			       : err_set(err, ERR_FORBIDDEN, "The password is wrong.",
					 "wrong password to confirm");
	bool by_recovery;
	int ok = check_code(a, member->id, &row, code, &by_recovery, err);
	if (ok < 0)
		return -1;
	if (!ok || pw != 1)
		return err_set(err, ERR_FORBIDDEN, "The password or the code is wrong.",
			       "wrong password or code to confirm");
	return 0;
}

int
twofactor_confirm_alone(struct arena *a, const struct account *member, const char *password,
			const char *code, struct err *err)
{
	if (db_begin(err) != 0)
		return -1;
	if (twofactor_confirm(a, member, password, code, err) != 0) {
		db_rollback();
		return -1;
	}
	return db_commit(err);
}

int
twofactor_required(struct arena *a, const char *username, int64_t *account_id, struct err *err)
{
	struct err lookup;
	if (account_check_username(username, &lookup) != 0)
		return 0;
	struct account *acct = db_account_get_by_username(a, username, &lookup);
	if (acct == NULL) {
		if (lookup.code == ERR_UNAVAILABLE || lookup.code == ERR_INTERNAL) {
			*err = lookup;
			return -1;
		}
		return 0;
	}
	if (!acct->approved)
		return 0;
	int on = twofactor_enabled(a, acct->id, err);
	if (on > 0)
		*account_id = acct->id;
	return on;
}

char *
twofactor_challenge_start(struct arena *a, int64_t account_id, bool password_ok,
			  bool persistent, const char *next, struct err *err)
{
	char *token = token_random(a, 32, err);
	if (token == NULL ||
	    db_challenge_insert(a, token_hash(a, token), account_id, password_ok, persistent, next,
				TWOFACTOR_CHALLENGE_SECONDS, err) != 0)
		return NULL;
	return token;
}

int
twofactor_challenge_live(struct arena *a, const char *token, struct err *err)
{
	if (token == NULL || strlen(token) != 43)
		return 0;
	return db_challenge_exists(a, token_hash(a, token), err);
}

int
twofactor_challenge_answer(struct arena *a, const char *token, const char *code,
			   struct twofactor_answer *out, struct err *err)
{
	memset(out, 0, sizeof *out);
	struct challenge_row ch;
	int taken = token != NULL && strlen(token) == 43
			    ? db_challenge_take(a, token_hash(a, token), &ch, err)
			    : 0;
	if (taken < 0)
		return -1;
	if (taken == 0)
		return err_set(err, ERR_GONE,
			       "Signing in took too long. Type your username and password again.",
			       "no such sign-in challenge");
	struct account *acct = account_by_id(a, ch.account_id, err);
	if (acct == NULL)
		return -1;
	out->username = acct->username;
	out->account_id = ch.account_id;
	out->persistent = ch.persistent;
	out->next = ch.next;
	struct totp_row row;
	int found = db_totp_get(a, ch.account_id, TWOFACTOR_PENDING_MINUTES, &row, err);
	if (found < 0 || db_begin(err) != 0)
		return -1;
	int ok = 0;
	if (found > 0 && row.enabled) {
		/* the code is checked and used up whether or not the password was right (the
		 * same work, the same time); when it wasn't, the rollback below keeps it */
		ok = check_code(a, ch.account_id, &row, code, &out->by_recovery_code, err);
		if (ok < 0) {
			db_rollback();
			return -1;
		}
	}
	if (ok != 1 || !ch.password_ok || !acct->approved) {
		db_rollback();
		return err_set(err, ERR_UNAUTHORIZED,
			       "Wrong password or code. Type your username and password again.",
			       "bad password or code at the second step");
	}
	return db_commit(err);
}
