/* db.h - PostgreSQL through libpq: one connection per thread, made on first use and remade
 * after the server went away, so a PostgreSQL restart costs a few 503s and no restart of ours.
 *
 * Every query is parameterised ($1, $2, ... with text parameters); SQL text never contains
 * input. Results are owned by the caller's arena (PQclear runs when the arena is freed). */
#ifndef PARASOL_DB_H
#define PARASOL_DB_H

#include <libpq-fe.h>
#include <stdbool.h>

struct arena;
struct err;

/* Remembers the connection string for the process. Call once before any thread queries. */
void db_init(const char *conninfo);

/* Closes the calling thread's connection, if any (threads also close theirs on exit). */
void db_thread_close(void);

/* Runs sql with n text parameters (NULL entries are SQL NULL). Returns a result owned by the
 * arena, or NULL with err: ERR_UNAVAILABLE when PostgreSQL can't be reached (the connection is
 * remade on the next call), ERR_CONFLICT on a unique violation, ERR_INTERNAL otherwise (detail
 * holds PostgreSQL's message, never the parameters). A query that fails because an idle
 * connection was cut is retried once on a new connection when not inside a transaction. */
PGresult *db_query(struct arena *a, struct err *err, const char *sql, int n,
		   const char *const *params);

/* Runs a fixed SQL script (several statements, no parameters: migrations, BEGIN/COMMIT).
 * Same error mapping as db_query. */
int db_exec_script(struct err *err, const char *sql);

/* The value at (row, col), or NULL for SQL NULL. */
const char *db_value(const PGresult *r, int row, int col);

/* A one-shot check that the database answers ("SELECT 1"). */
bool db_ping(struct err *err);

#endif
