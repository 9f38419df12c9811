/* oauth.h - SQL for the client API's OAuth 2 tables (migration 0040): apps, authorisation
 * codes, tokens, and the Idempotency-Key record of posts. Secrets arrive here already
 * hashed (token_hash, bytea input form); the rules live in core/oauth.c. */
#ifndef PARASOL_DB_OAUTH_H
#define PARASOL_DB_OAUTH_H

#include <stdbool.h>
#include <stdint.h>

struct arena;
struct err;

/* An app as stored. Strings are the arena's. */
struct db_oauth_app {
	int64_t id;
	const char *name;
	const char *website;	   /* NULL when none */
	const char *redirect_uris; /* one per line */
	const char *scopes;
	const char *client_id;
};

/* Inserts an app; *id_out gets its id. 0 or -1 + err. */
int db_oauth_app_insert(struct arena *a, const char *name, const char *website,
			const char *redirect_uris, const char *scopes, const char *client_id,
			const char *secret_hash, int64_t *id_out, struct err *err);

/* The app with client_id, and whether secret_hash (NULL: not checked) is its secret: 1 when
 * found (and *secret_ok set), 0 when there is none, -1 + err. */
int db_oauth_app_find(struct arena *a, const char *client_id, const char *secret_hash,
		      struct db_oauth_app *out, bool *secret_ok, struct err *err);

/* Deletes apps registered more than days ago that hold no token and no code (made by a
 * client that never signed anyone in). Rows deleted or -1. */
int db_oauth_apps_prune(struct arena *a, int days, struct err *err);

/* Deletes the codes that expired unused. Rows deleted or -1. */
int db_oauth_codes_prune(struct arena *a, struct err *err);

/* Stores an authorisation code for account_id, good for seconds. code_challenge: the PKCE
 * S256 challenge or NULL. 0 or -1 + err. */
int db_oauth_code_insert(struct arena *a, const char *code_hash, int64_t app_id, int64_t account_id,
			 const char *scopes, const char *redirect_uri, const char *code_challenge,
			 int seconds, struct err *err);

/* A code taken (deleted: good once) if it belongs to app_id and has not expired. */
struct db_oauth_code {
	int64_t account_id;
	const char *scopes;
	const char *redirect_uri;
	const char *code_challenge; /* NULL when the app sent none */
};
/* 1 with *out, 0 when there is no such live code for app_id (an expired one is deleted
 * too), -1 + err. */
int db_oauth_code_take(struct arena *a, const char *code_hash, int64_t app_id,
		       struct db_oauth_code *out, struct err *err);

/* Inserts a token of app_id for account_id (0: the app alone). refresh_hash may be NULL.
 * 0 or -1 + err. */
int db_oauth_token_insert(struct arena *a, const char *token_hash, const char *refresh_hash,
			  int64_t app_id, int64_t account_id, const char *scopes, struct err *err);

/* A token as the API sees it. */
struct db_oauth_token {
	int64_t id;
	int64_t app_id;
	int64_t account_id; /* 0: the app's own token (client_credentials) */
	const char *scopes;
	const char *app_name;
	const char *app_website; /* NULL when none */
	bool used_today;	 /* last_used_on is today already */
};
/* The token whose hash is token_hash: 1 with *out, 0 when unknown, -1 + err. */
int db_oauth_token_find(struct arena *a, const char *token_hash, struct db_oauth_token *out,
			struct err *err);

/* Notes that token id was used today. 0 or -1 + err. */
int db_oauth_token_touch(struct arena *a, int64_t id, struct err *err);

/* Replaces the token whose refresh token hashes to refresh_hash, of app_id, by new hashes
 * (the old access token stops working): 1 with *out describing it, 0 when there is none,
 * -1 + err. */
int db_oauth_token_refresh(struct arena *a, const char *refresh_hash, int64_t app_id,
			   const char *new_token_hash, const char *new_refresh_hash,
			   struct db_oauth_token *out, struct err *err);

/* Deletes the token of app_id whose access or refresh token hashes to hash. Rows deleted
 * (0 or 1) or -1. */
int db_oauth_token_revoke(struct arena *a, const char *hash, int64_t app_id, struct err *err);

/* Deletes account_id's token id. Rows deleted (0 or 1) or -1. */
int db_oauth_token_delete_id(struct arena *a, int64_t account_id, int64_t id, struct err *err);

/* Deletes every token and code of account_id. 0 or -1 + err. */
int db_oauth_tokens_delete_account(struct arena *a, int64_t account_id, struct err *err);

/* A member's authorised app, for Settings. */
struct db_oauth_grant {
	int64_t id; /* the token's */
	const char *app_name;
	const char *app_website; /* NULL when none */
	const char *scopes;
	const char *created_on;	  /* YYYY-MM-DD */
	const char *last_used_on; /* YYYY-MM-DD */
};
/* account_id's tokens, newest first; count (into *out, arena) or -1. */
int db_oauth_grants(struct arena *a, int64_t account_id, struct db_oauth_grant **out,
		    struct err *err);

/* The post account_id made with Idempotency-Key key within the last hour: its id, 0 when
 * none, -1 + err. */
int64_t db_idempotency_find(struct arena *a, int64_t account_id, const char *key, struct err *err);
/* Records that key made status_id (and forgets account_id's keys older than an hour).
 * ERR_CONFLICT when the key is taken (a concurrent request with it). 0 or -1 + err. */
int db_idempotency_put(struct arena *a, int64_t account_id, const char *key, int64_t status_id,
		       struct err *err);
/* Forgets every key older than an hour. Rows deleted or -1. */
int db_idempotency_prune(struct arena *a, struct err *err);

#endif
