/* account.h - members: creation with an Argon2id-hashed password, roles. The web pages, the
 * admin command line and (later) the client API all create and change accounts here. */
#ifndef PARASOL_ACCOUNT_H
#define PARASOL_ACCOUNT_H

#include <stdbool.h>
#include <stdint.h>

struct arena;
struct err;

enum role { ROLE_MEMBER, ROLE_MODERATOR, ROLE_ADMIN, ROLE__MAX };

#define ACCOUNT_USERNAME_MAX 30
#define ACCOUNT_PASSWORD_MIN 10
#define ACCOUNT_PASSWORD_MAX 1024

/* "member", "moderator", "admin". */
const char *role_name(enum role r);

/* Parses a role name; 0 or -1. */
int role_parse(const char *s, enum role *out);

/* Checks a username: 1..30 ASCII letters, digits or underscores. 0, or -1 with
 * ERR_UNPROCESSABLE and a message saying what is wrong. */
int account_check_username(const char *username, struct err *err);

/* Creates an account. Fails with ERR_UNPROCESSABLE (bad username, password too short or
 * long), ERR_CONFLICT (username taken, case-insensitively) or a database error. *id_out gets
 * the new id. The password is hashed here and never stored or logged in clear. */
int account_create(struct arena *a, const char *username, const char *password, enum role role,
		   int64_t *id_out, struct err *err);

/* Sets the role of the named account; ERR_NOT_FOUND if there is none. */
int account_set_role(struct arena *a, const char *username, enum role role, struct err *err);

/* 1 if at least one admin exists, 0 if none, -1 + err. */
int account_admin_exists(struct arena *a, struct err *err);

/* Number of local accounts, or -1 + err. */
long account_count(struct arena *a, struct err *err);

/* Hashes password with Argon2id into an encoded string owned by the arena; NULL + err. */
char *account_hash_password(struct arena *a, const char *password, struct err *err);

/* Whether password matches an encoded Argon2id hash. */
bool account_verify_password(const char *encoded, const char *password);

#endif
