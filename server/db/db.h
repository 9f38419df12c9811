/* db.h - PostgreSQL through libpq: one connection per thread, made on first use and remade
 * after the server went away, so a PostgreSQL restart costs a few 503s and no restart of ours.
 *
 * Every query is parameterised ($1, $2, ... with text parameters); SQL text never contains
 * input. Results are owned by the caller's arena (PQclear runs when the arena is freed). */
#ifndef PARASOL_DB_H
#define PARASOL_DB_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

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

/* db_query for the job queue's own statements (db/jobs.c): what they write changes no page,
 * so outside a transaction they leave db_write_generation alone and the anonymous page cache
 * stays valid while activities arrive (the jobs that apply them write through db_query).
 * They are planned each time they run, never prepared: the queue goes from empty to
 * thousands of jobs in a second, and a plan made while it was empty (statistics and file
 * both say so) would scan every job for each job it looks at. */
PGresult *db_query_queue(struct arena *a, struct err *err, const char *sql, int n,
			 const char *const *params);

/* Runs a fixed SQL script (several statements, no parameters: migrations, BEGIN/COMMIT).
 * Same error mapping as db_query. */
int db_exec_script(struct err *err, const char *sql);

/* Transactions on the calling thread's connection: db_begin, then db_commit, or
 * db_rollback on any failure (db_rollback never fails and is a no-op outside a transaction).
 * Queries between them run on the same connection and are not retried. A begin/commit pair
 * inside another joins the outer transaction (only the outermost commit commits); a rollback
 * anywhere rolls back the whole transaction, so an inner failure must fail the outer caller. */
int db_begin(struct err *err);
int db_commit(struct err *err);
void db_rollback(void);

/* A read-only REPEATABLE READ transaction on the calling thread's connection: every query
 * until db_end_snapshot reads the same snapshot of the database, so that what they return
 * is one moment's state (a member page and the check of what it shows: db/pagemarks.h).
 * Fails (ERR_INTERNAL) inside another transaction. db_end_snapshot ends it (it wrote
 * nothing, so the write generation stays); db_rollback also ends it. */
int db_begin_snapshot(struct err *err);
void db_end_snapshot(void);

/* Whether the calling thread is inside a transaction (db_begin or db_begin_snapshot) that
 * no db_rollback has ended. */
bool db_in_transaction(void);

/* Whether that transaction is a snapshot (db_begin_snapshot): nothing may be written in it,
 * and a statement that tries fails and spoils the rest of it. */
bool db_in_snapshot(void);

/* Runs sql and returns the first column of its first row as an int64: 0 when there is no
 * row (or it is NULL), -1 + err when the query fails. For "the id of ..." lookups. */
int64_t db_query_int64(struct arena *a, struct err *err, const char *sql, int n,
		       const char *const *params);

/* Runs sql and collects the first column of every row into *out (arena, NULLs included).
 * Returns the count, or -1 + err. */
int db_query_strings(struct arena *a, struct err *err, const char *sql, int n,
		     const char *const *params, const char ***out);

/* n ids as a PostgreSQL array literal, "{1,2,3}" (arena), for a $n::bigint[] parameter. */
const char *db_id_array(struct arena *a, const int64_t *ids, int n);

/* Reads a PostgreSQL bigint[] in text form ("{1,2}") into an arena array; the count. */
int db_parse_id_array(struct arena *a, const char *s, int64_t **out);

/* How many rows the INSERT, UPDATE or DELETE that gave r changed, or -1 when r is NULL (the
 * query failed; err was set by db_query). */
int db_rows_changed(const PGresult *r);

/* The value at (row, col), or NULL for SQL NULL. */
const char *db_value(const PGresult *r, int row, int col);

/* Whether the value at (row, col) is PostgreSQL's true ("t"). */
bool db_bool(const PGresult *r, int row, int col);


/* The value at (row, col) as an int64 (0 for NULL or junk). */
int64_t db_int64(const PGresult *r, int row, int col);

/* Column 0 of every row of r as int64s, into *out (arena-owned, room for at least one, so
 * callers may write a terminator). Returns the row count, or -1 when r is NULL (the query
 * failed and filled its err): `return db_int64_column(a, db_query(a, err, ...), out);`. */
int db_int64_column(struct arena *a, const PGresult *r, int64_t **out);

/* A number that grows whenever this process may have changed the database: a statement
 * other than SELECT succeeded outside a transaction, or a transaction committed. Caches of
 * what queries returned (the anonymous page cache) compare it to know they are stale. Other
 * processes' writes don't move it; such caches also expire by time. */
uint64_t db_write_generation(void);

/* A one-shot check that the database answers ("SELECT 1"). */
bool db_ping(struct err *err);

#endif
