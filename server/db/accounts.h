/* accounts.h - SQL for the accounts table. Returns database errors only (struct err); the
 * rules live in core/account.c. */
#ifndef PARASOL_DB_ACCOUNTS_H
#define PARASOL_DB_ACCOUNTS_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

#include "db/model.h"

struct arena;
struct err;

/* Inserts an account, whose default visibility is the node's (instance setting
 * default_visibility, else public); ERR_CONFLICT when the username is taken, or retired (a
 * deleted member's, db/deletion.h) or a placeholder of one. note is the
 * application note of approval mode (NULL otherwise). */
int db_account_insert(struct arena *a, const char *username, const char *password_hash,
		      const char *role, bool approved, const char *note, int64_t *id_out,
		      struct err *err);

/* Sets the role of the account named username (case-insensitive); returns rows changed
 * (0 or 1) or -1. */
int db_account_set_role(struct arena *a, const char *username, const char *role,
			struct err *err);

/* 1 when an account with role exists, 0 when none, -1 + err. */
int db_account_role_exists(struct arena *a, const char *role, struct err *err);

/* The columns every account load selects, in the order db_account_row reads them; use as
 * "SELECT " DB_ACCOUNT_COLUMNS(alias) " FROM accounts alias ...". */
#define DB_ACCOUNT_COLUMNS(t)                                                                \
	t ".id, " t ".username, " t ".display_name, " t ".bio, " t ".fields::text, " t           \
	".locked, " t ".hide_collections, " t ".role, " t ".language, " t                        \
	".default_visibility, " t ".approved, "                                                 \
	"to_char(" t ".created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), " t   \
	".domain, " t ".uri, " t ".url, " t ".discoverable, " t ".indexable, " t ".limited, "  \
	t ".suspended_at IS NOT NULL, "                                                         \
	"to_char(" t ".suspended_until AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "  \
	t ".time_zone"
#define DB_ACCOUNT_NCOLUMNS 21

struct account;

/* Fills acct from row `row` of r starting at column `col` (DB_ACCOUNT_COLUMNS order);
 * strings point into r (which the arena owns). */
void db_account_row(struct arena *a, const PGresult *r, int row, int col, struct account *acct);

/* Loads by id, or a local account by username (case-insensitive); NULL + ERR_NOT_FOUND when
 * absent. */
struct account *db_account_get(struct arena *a, int64_t id, struct err *err);
struct account *db_account_get_by_username(struct arena *a, const char *username,
					    struct err *err);

/* The password hash of an account (NULL + ERR_NOT_FOUND). */
const char *db_account_password_hash(struct arena *a, int64_t id, struct err *err);
int db_account_set_password_hash(struct arena *a, int64_t id, const char *hash, struct err *err);

/* Saves profile columns; fields_json is a JSON array text. */
int db_account_update_profile(struct arena *a, int64_t id, const char *display_name,
			      const char *bio, const char *fields_json, bool locked,
			      bool hide_collections, bool discoverable, bool indexable,
			      struct err *err);
int db_account_update_preferences(struct arena *a, int64_t id, const char *language,
				  const char *default_visibility, const char *time_zone,
				  struct err *err);

/* Unapproved accounts with their notes, oldest first; count or -1. */
int db_account_applications(struct arena *a, struct application **out, struct err *err);

/* Approves a pending account / deletes a pending account; rows changed (0 or 1) or -1. */
int db_account_approve(struct arena *a, int64_t id, struct err *err);
int db_account_delete_pending(struct arena *a, int64_t id, struct err *err);

/* Number of accounts, or -1 + err. */
long db_account_count(struct arena *a, struct err *err);

#endif
