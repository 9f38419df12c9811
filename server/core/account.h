/* account.h - members: creation with an Argon2id-hashed password, roles. The web pages, the
 * admin command line and (later) the client API all create and change accounts here. */
#ifndef PARASOL_ACCOUNT_H
#define PARASOL_ACCOUNT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/visibility.h"
#include "db/model.h"

struct arena;
struct err;


/* Loads the account with id / with username (case-insensitive). NULL + ERR_NOT_FOUND when
 * there is none; pending (unapproved) accounts are found too: callers decide. */
struct account *account_by_id(struct arena *a, int64_t id, struct err *err);
struct account *account_by_username(struct arena *a, const char *username, struct err *err);

/* The account a handle names: "name" for a member of this node, "name@domain" for a remote
 * account this node already knows (the domain compared normalised, core/federation.h; core
 * never contacts a peer; ap/resolve.c fetches new ones). NULL + ERR_NOT_FOUND otherwise. */
struct account *account_by_handle(struct arena *a, const char *handle, struct err *err);

/* Finds (and stores) a remote account by "user@domain": ap/resolve.c registers it at start-up;
 * core never contacts a peer itself. Without one, remote accounts are never looked up. */
typedef struct account *(*account_remote_fn)(struct arena *a, const char *acct,
					     struct err *err);
void account_set_remote_lookup(account_remote_fn fn);

/* The registered lookup of "user@domain", or NULL + ERR_NOT_FOUND when there is none. The
 * one ap/resolve.c registers answers with the account the handle's server names by WebFinger
 * (asking again once a day), so use it, not account_by_handle, before sending anything to a
 * remote account chosen by its handle. */
struct account *account_lookup_remote(struct arena *a, const char *acct, struct err *err);

/* "name" for a member here, "name@domain" for a remote account: what pages show and link. */
const char *account_handle(struct arena *a, const struct account *acct);

/* The name to show: the display name, or the username when it is empty. */
const char *account_shown_name(const struct account *acct);

/* Profile changes from the settings page. Checks lengths (ERR_UNPROCESSABLE naming the
 * field) and saves; fields with an empty name and value are dropped. */
struct profile_update {
	const char *display_name;
	const char *bio;
	struct account_field fields[ACCOUNT_MAX_FIELDS];
	int nfields;
	bool locked;
	bool hide_collections;
	bool discoverable; /* peers may list the profile in directories (off unless chosen) */
	bool indexable;	   /* peers may index public posts for search (off unless chosen) */
};
int account_update_profile(struct arena *a, int64_t id, const struct profile_update *u,
			   struct err *err);

/* Fills *u with acct's profile as saved (strings are acct's), for a change that starts
 * from it. */
void account_profile_of(const struct account *acct, struct profile_update *u);

/* Preferences: language ("en", "zh-CN" or NULL for the browser's), default visibility and
 * time zone (a tz database name, checked: ERR_UNPROCESSABLE; NULL for the node's). All or
 * nothing is saved. */
int account_update_preferences(struct arena *a, int64_t id, const char *language,
			       enum visibility default_visibility, const char *time_zone,
			       struct err *err);

#define ACCOUNT_USERNAME_MAX 30
#define ACCOUNT_PASSWORD_MIN 10 /* characters */
#define ACCOUNT_PASSWORD_MAX 1024 /* bytes */

/* Whether a remote account's username (an actor's preferredUsername, the user of a
 * user@domain address) may be stored and shown: Mastodon's pattern, 1..ACCOUNT_REMOTE_USERNAME_MAX
 * ASCII letters, digits and underscores, with single '.' or '-' allowed between them (never
 * first, last or doubled), so never '/', '?', '#', '..', '@', spaces or nothing. */
#define ACCOUNT_REMOTE_USERNAME_MAX 255
bool account_remote_username_ok(const char *username);

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

/* Checks a new password's length (at least 10 characters, at most 1024 bytes); 0 or -1 +
 * ERR_UNPROCESSABLE. */
int account_check_password(const char *password, struct err *err);

/* Hashes password with Argon2id into an encoded string owned by the arena; NULL + err. */
char *account_hash_password(struct arena *a, const char *password, struct err *err);

/* Whether password matches an encoded Argon2id hash. */
bool account_verify_password(const char *encoded, const char *password);

#endif
