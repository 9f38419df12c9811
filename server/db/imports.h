/* imports.h - SQL for Mastodon CSV imports (migration 0042: imports, import_entries). The
 * rules are core/import.c's; database errors only here. */
#ifndef PARASOL_DB_IMPORTS_H
#define PARASOL_DB_IMPORTS_H

#include <stdbool.h>
#include <stdint.h>

struct arena;
struct err;

/* Imports kept per member: making a new one drops the finished ones past this many. */
#define DB_IMPORTS_KEPT 10

/* Stores an import of account_id (kind and mode as the table's CHECKs name them) with its
 * entries, entries_json a JSON array of [address, error-or-null] in the file's order (an
 * address given twice is stored once; an entry with an error is stored failed), and drops
 * the member's finished imports past DB_IMPORTS_KEPT. *id gets the import, *total its
 * entries. ERR_CONFLICT when the member has an import running. 0, or -1 + err. Call inside
 * a transaction (with the job that works through it). */
int db_import_create(struct arena *a, int64_t account_id, const char *kind, const char *mode,
		     const char *entries_json, int64_t *id, int *total, struct err *err);

/* An import as stored; strings are the arena's. Times are ISO 8601 UTC ("" when unset). */
struct db_import {
	int64_t id;
	int64_t account_id;
	const char *kind, *mode;
	bool running;
	int total, done, failed;
	const char *created_at, *finished_at;
};

/* Loads import id into out. 1 when found, 0 when not, -1 + err. */
int db_import_get(struct arena *a, int64_t id, struct db_import *out, struct err *err);

/* The member's newest imports, at most limit, newest first. The count, or -1 + err. */
int db_imports_recent(struct arena *a, int64_t account_id, int limit, struct db_import **out,
		      struct err *err);

/* An entry: its id, the address as stored, and (failed entries) why. */
struct db_import_entry {
	int64_t id;
	int64_t import_id;
	const char *address;
	const char *error;
};

/* The first `limit` entries of import_id still pending, in the file's order. The count, or
 * -1 + err. */
int db_import_pending(struct arena *a, int64_t import_id, int limit, struct db_import_entry **out,
		      struct err *err);

/* The failed entries of each of the n imports in ids, at most limit of each, by import and
 * then in the file's order. The count, or -1 + err. */
int db_import_failures(struct arena *a, const int64_t *ids, int n, int limit,
		       struct db_import_entry **out, struct err *err);

/* Locks entry id until the transaction ends. 1 when it is still pending, 0 when it was
 * settled meanwhile (or is gone), -1 + err. Call inside a transaction. */
int db_import_entry_lock(struct arena *a, int64_t id, struct err *err);

/* Settles pending entry id: done (error NULL; target_id the account it named, 0: none) or
 * failed with error, counted in its import in the same statement. 1 when settled, 0 when it
 * was not pending, -1 + err. */
int db_import_entry_settle(struct arena *a, int64_t id, const char *error, int64_t target_id,
			   struct err *err);

/* Fails every pending entry of import_id with error (counted). The count, or -1 + err. */
int db_import_fail_pending(struct arena *a, int64_t import_id, const char *error, struct err *err);

/* Marks import_id finished (now). 0, or -1 + err. */
int db_import_finish(struct arena *a, int64_t import_id, struct err *err);

/* Which relation an overwrite trims. */
enum db_import_relation { DB_IMPORT_FOLLOWS, DB_IMPORT_BLOCKS, DB_IMPORT_MUTES };

/* The accounts account_id follows (or asked to follow) / blocks / mutes that no entry of
 * import_id names, neither as the account it resolved to nor by its handle ("name" here,
 * "user@domain" otherwise, compared in lower case). The count, or -1 + err. */
int db_import_unlisted(struct arena *a, enum db_import_relation rel, int64_t account_id,
		       int64_t import_id, int64_t **ids, struct err *err);

#endif
