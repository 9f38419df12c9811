/* remote.h - SQL for remote accounts: storing what an actor document said, and finding an
 * account by its actor URI or its key id (the key cache). */
#ifndef PARASOL_DB_REMOTE_H
#define PARASOL_DB_REMOTE_H

#include <stdbool.h>
#include <stdint.h>

#include "db/model.h"

struct arena;
struct err;

/* What an actor document said, already checked and converted (plain-text name and bio). */
struct remote_actor {
	const char *uri;
	const char *domain; /* host[:port] of uri, lower-case */
	const char *username;
	const char *display_name;
	const char *bio;
	const char *url; /* NULL when absent or on another host */
	const char *actor_type;
	const char *inbox_url;
	const char *shared_inbox_url; /* NULL when none */
	const char *followers_url;    /* NULL when none */
	const char *key_id;
	const char *public_key_pem;
	bool locked;
};

/* Inserts or refreshes (by uri) a remote account whose handle was just verified by
 * WebFinger, and stamps fetched_at and handle_verified_at; *id_out gets its id.
 * ERR_CONFLICT when another actor already holds the same username on that domain. */
int db_remote_upsert(struct arena *a, const struct remote_actor *ra, int64_t *id_out,
		     struct err *err);

/* The stored remote account with actor uri / with key id; NULL + ERR_NOT_FOUND when none.
 * *public_pem (may be NULL) gets its cached key, *inbox its inbox. */
struct account *db_remote_by_uri(struct arena *a, const char *uri, struct err *err);
struct account *db_remote_by_key_id(struct arena *a, const char *key_id, const char **public_pem,
				    struct err *err);

/* The stored remote account user@domain; NULL + ERR_NOT_FOUND. */
struct account *db_remote_by_acct(struct arena *a, const char *username, const char *domain,
				  struct err *err);

/* The same, only when its handle was verified within max_age_s seconds; else ERR_NOT_FOUND. */
struct account *db_remote_by_verified_acct(struct arena *a, const char *username,
					   const char *domain, int max_age_s, struct err *err);

/* Takes the handle username@domain from every account but the one with actor uri keep_uri:
 * each is renamed "unverified~<its id>" (a name no WebFinger answers for) and marked
 * unverified. Everything else of those accounts stays. 0 or -1 + err. */
int db_remote_release_handle(struct arena *a, const char *username, const char *domain,
			     const char *keep_uri, struct err *err);

#endif
