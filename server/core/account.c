/* account.c - account rules; SQL lives in db/accounts.c. */
#include "account.h"

#include <argon2.h>
#include <jansson.h>
#include <stdlib.h>
#include <ctype.h>
#include <openssl/rand.h>
#include <string.h>

#include "core/events.h"
#include "core/federation.h"
#include "core/timezone.h"
#include "db/accounts.h"
#include "db/remote.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/log.h"
#include "util/utf8.h"

/* OWASP's Argon2id baseline: 19 MiB, two passes, one lane. */
#define ARGON2_T 2
#define ARGON2_M (19 * 1024)
#define ARGON2_P 1
#define SALT_LEN 16
#define HASH_LEN 32

bool
account_remote_username_ok(const char *username)
{
	size_t n = username ? strlen(username) : 0;
	if (n == 0 || n > ACCOUNT_REMOTE_USERNAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)username[i];
		if (isascii(c) && (isalnum(c) || c == '_'))
			continue;
		/* '.' and '-' only between two name characters: never first, last or doubled */
		if ((c == '.' || c == '-') && i > 0 && i + 1 < n) {
			unsigned char prev = (unsigned char)username[i - 1];
			if (prev != '.' && prev != '-')
				continue;
		}
		return false;
	}
	return true;
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

int
account_check_password(const char *password, struct err *err)
{
	size_t plen = strlen(password);
	if (utf8_chars(password) < ACCOUNT_PASSWORD_MIN)
		return err_set(err, ERR_UNPROCESSABLE,
			       "A password needs at least 10 characters.", "password too short");
	if (plen > ACCOUNT_PASSWORD_MAX)
		return err_set(err, ERR_UNPROCESSABLE, "That password is too long.",
			       "password too long");
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
	log_msg(LOG_DEBUG, "a password hashed"); /* what costs time is seen in the log */
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
	if (account_check_password(password, err) != 0)
		return -1;
	char *hash = account_hash_password(a, password, err);
	if (hash == NULL)
		return -1;
	if (db_account_insert(a, username, hash, role_name(role), true, NULL, id_out, err) != 0) {
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

struct account *
account_by_id(struct arena *a, int64_t id, struct err *err)
{
	return db_account_get(a, id, err);
}

struct account *
account_by_username(struct arena *a, const char *username, struct err *err)
{
	if (account_check_username(username, err) != 0) {
		err_set(err, ERR_NOT_FOUND, "No account has that name.", "bad username");
		return NULL;
	}
	return db_account_get_by_username(a, username, err);
}

struct account *
account_by_handle(struct arena *a, const char *handle, struct err *err)
{
	const char *at = strchr(handle, '@');
	if (at == NULL)
		return account_by_username(a, handle, err);
	char *user = arena_strndup(a, handle, (size_t)(at - handle));
	struct err ignored; /* a domain that doesn't normalise matches nobody, as stored */
	const char *domain = federation_domain_normalise(a, at + 1, &ignored);
	return db_remote_by_acct(a, user, domain ? domain : at + 1, err);
}

static account_remote_fn remote_lookup;

void
account_set_remote_lookup(account_remote_fn fn)
{
	remote_lookup = fn;
}

struct account *
account_lookup_remote(struct arena *a, const char *acct, struct err *err)
{
	if (remote_lookup == NULL) {
		err_set(err, ERR_NOT_FOUND, "No account has that name.", "no remote lookup");
		return NULL;
	}
	return remote_lookup(a, acct, err);
}

const char *
account_handle(struct arena *a, const struct account *acct)
{
	return acct->domain ? arena_printf(a, "%s@%s", acct->username, acct->domain)
			    : acct->username;
}

const char *
account_shown_name(const struct account *acct)
{
	return acct->display_name && *acct->display_name ? acct->display_name : acct->username;
}

static int
check_length(const char *s, size_t max, const char *message, struct err *err)
{
	/* Limits count characters (code points), as the database CHECKs do. */
	if (utf8_chars(s) > max)
		return err_set(err, ERR_UNPROCESSABLE, message, "too long");
	return 0;
}

void
account_profile_of(const struct account *acct, struct profile_update *u)
{
	*u = (struct profile_update){
	    .display_name = acct->display_name ? acct->display_name : "",
	    .bio = acct->bio ? acct->bio : "",
	    .nfields = acct->nfields,
	    .locked = acct->locked,
	    .hide_collections = acct->hide_collections,
	    .discoverable = acct->discoverable,
	    .indexable = acct->indexable,
	};
	memcpy(u->fields, acct->fields, sizeof u->fields);
}

int
account_update_profile(struct arena *a, int64_t id, const struct profile_update *u,
		       struct err *err)
{
	if (check_length(u->display_name, ACCOUNT_DISPLAY_NAME_MAX,
			 "The display name can have at most 100 characters.", err) != 0 ||
	    check_length(u->bio, ACCOUNT_BIO_MAX, "The bio can have at most 2000 characters.",
			 err) != 0)
		return -1;
	json_t *fields = json_array();
	for (int i = 0; i < u->nfields && i < ACCOUNT_MAX_FIELDS; i++) {
		const char *name = u->fields[i].name ? u->fields[i].name : "";
		const char *value = u->fields[i].value ? u->fields[i].value : "";
		if (*name == '\0' && *value == '\0')
			continue;
		if (check_length(name, ACCOUNT_FIELD_MAX,
				 "A profile field can have at most 255 characters.", err) != 0 ||
		    check_length(value, ACCOUNT_FIELD_MAX,
				 "A profile field can have at most 255 characters.", err) != 0) {
			json_decref(fields);
			return -1;
		}
		json_array_append_new(fields, json_pack("{ssss}", "name", name, "value", value));
	}
	char *text = json_dumps(fields, JSON_COMPACT);
	json_decref(fields);
	char *copy = arena_strdup(a, text);
	free(text);
	if (db_account_update_profile(a, id, u->display_name, u->bio, copy, u->locked,
				      u->hide_collections, u->discoverable, u->indexable, err) != 0)
		return -1;
	struct event ev = {.kind = EV_PROFILE_UPDATED, .actor_id = id};
	return events_emit(a, &ev, err);
}

int
account_update_preferences(struct arena *a, int64_t id, const char *language,
			   enum visibility default_visibility, const char *time_zone,
			   struct err *err)
{
	if (language != NULL && strcmp(language, "en") != 0 && strcmp(language, "zh-CN") != 0)
		return err_set(err, ERR_UNPROCESSABLE, "Choose a language from the list.",
			       "bad language");
	if (time_zone != NULL && tz_check(a, time_zone, err) != 0)
		return -1;
	return db_account_update_preferences(a, id, language, visibility_name(default_visibility),
					     time_zone, err);
}

