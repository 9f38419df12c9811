/* migrate.h - schema migrations: migrations/NNNN_name.sql applied in order, each in its own
 * transaction, recorded in schema_migrations. Concurrent runners (two `serve` processes
 * starting at once) are serialised with a PostgreSQL advisory lock. */
#ifndef PARASOL_MIGRATE_H
#define PARASOL_MIGRATE_H

struct err;

/* Applies every migration in dir not yet recorded. Returns how many were applied (0 when
 * up to date), or -1: a failing migration is rolled back and err->safe reads
 * "NNNN_name.sql: <PostgreSQL's message>"; earlier migrations of the same run stay applied.
 * A file name not of the form NNNN_name.sql, or two files with one number, fail before
 * anything is applied. */
int migrate_run(const char *dir, struct err *err);

/* Number of migrations in dir not yet applied, or -1 + err. */
int migrate_pending(const char *dir, struct err *err);

#endif
