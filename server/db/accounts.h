/* accounts.h - SQL for the accounts table. Returns database errors only (struct err); the
 * rules live in core/account.c. */
#ifndef PARASOL_DB_ACCOUNTS_H
#define PARASOL_DB_ACCOUNTS_H

#include <stdint.h>

struct arena;
struct err;

/* Inserts an account; ERR_CONFLICT when the username is taken. */
int db_account_insert(struct arena *a, const char *username, const char *password_hash,
		      const char *role, int64_t *id_out, struct err *err);

/* Sets the role of the account named username (case-insensitive); returns rows changed
 * (0 or 1) or -1. */
int db_account_set_role(struct arena *a, const char *username, const char *role,
			struct err *err);

/* 1 when an account with role exists, 0 when none, -1 + err. */
int db_account_role_exists(struct arena *a, const char *role, struct err *err);

/* Number of accounts, or -1 + err. */
long db_account_count(struct arena *a, struct err *err);

#endif
