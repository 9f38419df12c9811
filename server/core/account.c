/* account.c - account rules; SQL lives in db/accounts.c. */
#include "account.h"

#include <argon2.h>
#include <ctype.h>
#include <openssl/rand.h>
#include <string.h>

#include "db/accounts.h"
#include "util/arena.h"
#include "util/err.h"

/* OWASP's Argon2id baseline: 19 MiB, two passes, one lane. */
#define ARGON2_T 2
#define ARGON2_M (19 * 1024)
#define ARGON2_P 1
#define SALT_LEN 16
#define HASH_LEN 32

static const char *const role_names[ROLE__MAX] = {"member", "moderator", "admin"};

const char *
role_name(enum role r)
{
	return r >= 0 && r < ROLE__MAX ? role_names[r] : "member";
}

int
role_parse(const char *s, enum role *out)
{
	for (int i = 0; i < ROLE__MAX; i++)
		if (strcmp(s, role_names[i]) == 0) {
			*out = (enum role)i;
			return 0;
		}
	return -1;
}

int
account_check_username(const char *username, struct err *err)
{
	size_t n = strlen(username);
	if (n == 0 || n > ACCOUNT_USERNAME_MAX)
		return err_set(err, ERR_UNPROCESSABLE,
			       "A username has 1 to 30 characters.", "bad username length");
	for (size_t i = 0; i < n; i++)
		if (!(isascii((unsigned char)username[i]) &&
		      (isalnum((unsigned char)username[i]) || username[i] == '_')))
			return err_set(err, ERR_UNPROCESSABLE,
				       "A username may only have letters, digits and underscores.",
				       "bad username character");
	return 0;
}

char *
account_hash_password(struct arena *a, const char *password, struct err *err)
{
	unsigned char salt[SALT_LEN];
	if (RAND_bytes(salt, sizeof salt) != 1) {
		err_set(err, ERR_INTERNAL, NULL, "RAND_bytes failed");
		return NULL;
	}
	size_t enclen = argon2_encodedlen(ARGON2_T, ARGON2_M, ARGON2_P, SALT_LEN, HASH_LEN,
					  Argon2_id);
	char *encoded = arena_alloc(a, enclen);
	int rc = argon2id_hash_encoded(ARGON2_T, ARGON2_M, ARGON2_P, password, strlen(password),
				       salt, sizeof salt, HASH_LEN, encoded, enclen);
	if (rc != ARGON2_OK) {
		err_set(err, ERR_INTERNAL, NULL, "argon2: %s", argon2_error_message(rc));
		return NULL;
	}
	return encoded;
}

bool
account_verify_password(const char *encoded, const char *password)
{
	return argon2id_verify(encoded, password, strlen(password)) == ARGON2_OK;
}

int
account_create(struct arena *a, const char *username, const char *password, enum role role,
	       int64_t *id_out, struct err *err)
{
	if (account_check_username(username, err) != 0)
		return -1;
	size_t plen = strlen(password);
	if (plen < ACCOUNT_PASSWORD_MIN)
		return err_set(err, ERR_UNPROCESSABLE,
			       "A password needs at least 10 characters.", "password too short");
	if (plen > ACCOUNT_PASSWORD_MAX)
		return err_set(err, ERR_UNPROCESSABLE, "That password is too long.",
			       "password too long");
	char *hash = account_hash_password(a, password, err);
	if (hash == NULL)
		return -1;
	if (db_account_insert(a, username, hash, role_name(role), id_out, err) != 0) {
		if (err->code == ERR_CONFLICT)
			err_set(err, ERR_CONFLICT, "That username is taken.", "username taken");
		return -1;
	}
	return 0;
}

int
account_set_role(struct arena *a, const char *username, enum role role, struct err *err)
{
	int n = db_account_set_role(a, username, role_name(role), err);
	if (n < 0)
		return -1;
	if (n == 0)
		return err_set(err, ERR_NOT_FOUND, "No account has that username.",
			       "no such account");
	return 0;
}

int
account_admin_exists(struct arena *a, struct err *err)
{
	return db_account_role_exists(a, role_name(ROLE_ADMIN), err);
}

long
account_count(struct arena *a, struct err *err)
{
	return db_account_count(a, err);
}
