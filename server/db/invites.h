/* invites.h - SQL for the invites table. */
#ifndef PARASOL_DB_INVITES_H
#define PARASOL_DB_INVITES_H

#include <stdbool.h>
#include <stdint.h>

struct arena;
struct err;

/* Stores an invite: code_hash in bytea input form, code_prefix its first characters (shown
 * to admins), created_by 0 for none, max_uses and expires_days 0 for unlimited. */
int db_invite_insert(struct arena *a, const char *code_hash, const char *code_prefix,
		     int64_t created_by, const char *role, int max_uses, int expires_days,
		     struct err *err);

/* Whether the invite with code_hash can be used, without using it: 1 usable (*role gets the
 * role it grants, an arena string), 0 unusable (revoked, expired or used up), -2 no such
 * invite, -1 + err. */
int db_invite_state(struct arena *a, const char *code_hash, const char **role,
		    struct err *err);

/* Counts one use of the usable invite with code_hash (not revoked, not expired, not used
 * up) and sets *role to the role it grants (arena string). 1 when redeemed, 0 when no usable
 * invite matched, -1 + err. */
int db_invite_redeem(struct arena *a, const char *code_hash, const char **role,
		     struct err *err);

/* Whether the invite with code_hash could be redeemed now (not revoked, not expired, not
 * used up): 1 yes, 0 no such usable invite, -1 + err. Counts nothing. */
int db_invite_usable(struct arena *a, const char *code_hash, struct err *err);

/* An invite as the admin pages list it: never its code (only the hash is stored anyway). */
struct invite_row {
	int64_t id;
	const char *code_prefix; /* the code's first characters, or NULL (older invites) */
	const char *role;
	const char *created_by; /* username, or NULL (command line, or a deleted account) */
	int uses;
	int max_uses;		/* 0: unlimited */
	const char *expires_at; /* "YYYY-MM-DD HH:MM" UTC, or NULL for never */
	bool expired;
	const char *revoked_at; /* same format, or NULL */
	const char *created_at; /* same format */
};

/* Invites with an id below max_id (0: from the newest), newest first, at most limit;
 * *out is arena-owned. The count, or -1 + err. */
int db_invite_list(struct arena *a, int64_t max_id, int limit, struct invite_row **out,
		   struct err *err);

/* Marks invite id revoked (keeping the first revocation time). Rows matched (0 or 1), or
 * -1 + err. */
int db_invite_revoke(struct arena *a, int64_t id, struct err *err);

#endif
