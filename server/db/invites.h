/* invites.h - SQL for the invites table. */
#ifndef PARASOL_DB_INVITES_H
#define PARASOL_DB_INVITES_H

#include <stdint.h>

struct arena;
struct err;

/* Stores an invite: code_hash in bytea input form, created_by 0 for none, max_uses and
 * expires_days 0 for unlimited. */
int db_invite_insert(struct arena *a, const char *code_hash, int64_t created_by,
		     const char *role, int max_uses, int expires_days, struct err *err);

/* Counts one use of the usable invite with code_hash (not revoked, not expired, not used
 * up) and sets *role to the role it grants (arena string). 1 when redeemed, 0 when no usable
 * invite matched, -1 + err. */
int db_invite_redeem(struct arena *a, const char *code_hash, const char **role,
		     struct err *err);

#endif
