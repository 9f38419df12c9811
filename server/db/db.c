/* db.c - per-thread libpq connections with reconnection. */
#include "db.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/log.h"
#include "util/hash.h"

static char *db_conninfo;
static _Atomic uint64_t write_generation;
static pthread_key_t conn_key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;

/* Each connection's prepared statements: the SQL texts already prepared on it, by hash, and
 * the name each got. Every query is a fixed text (never built from input), so a few hundred
 * entries cover the program; past STMT_MAX texts, queries run unprepared. The cache belongs
 * to the thread, like its connection, and is emptied when the connection is remade. */
#define STMT_SLOTS 1024 /* a power of two */
#define STMT_MAX (STMT_SLOTS / 2)
struct stmt {
	uint64_t hash;
	char *sql; /* strdup'd; NULL: free slot */
	unsigned serial;
};
static _Thread_local struct stmt stmts[STMT_SLOTS];
static _Thread_local unsigned nstmts, stmt_serial;

static void
stmts_clear(void)
{
	for (size_t i = 0; i < STMT_SLOTS; i++) {
		free(stmts[i].sql);
		stmts[i].sql = NULL;
	}
	nstmts = 0;
}

/* Runs in the exiting thread, whose thread-local statement cache is still there. */
static void
conn_destroy(void *p)
{
	PQfinish(p);
	stmts_clear();
}

static void
make_key(void)
{
	pthread_key_create(&conn_key, conn_destroy);
}

void
db_init(const char *conninfo)
{
	pthread_once(&key_once, make_key);
	free(db_conninfo);
	db_conninfo = strdup(conninfo);
}

void
db_thread_close(void)
{
	pthread_once(&key_once, make_key);
	PGconn *c = pthread_getspecific(conn_key);
	if (c != NULL) {
		PQfinish(c);
		pthread_setspecific(conn_key, NULL);
	}
	stmts_clear();
}

/* PostgreSQL's notices (e.g. "relation already exists, skipping") are not errors. */
static void
quiet_notice(void *arg, const char *message)
{
	(void)arg;
	log_msg(LOG_DEBUG, "postgresql: %.200s", message);
}

/* The slot of sql: its entry, or the free slot where it would go. */
static struct stmt *
stmt_slot(const char *sql, uint64_t h)
{
	for (size_t i = h & (STMT_SLOTS - 1);; i = (i + 1) & (STMT_SLOTS - 1))
		if (stmts[i].sql == NULL || (stmts[i].hash == h && strcmp(stmts[i].sql, sql) == 0))
			return &stmts[i];
}

/* Forgets the statement prepared for sql (PostgreSQL refused to run its cached plan after
 * a schema change): the next call prepares it again under a new name. Entries are never
 * removed from the middle of a probe chain, so the slot keeps its text and loses its name. */
static void
stmt_forget(const char *sql)
{
	struct stmt *st = stmt_slot(sql, hash_str(sql));
	if (st->sql != NULL)
		st->serial = 0;
}

/* The thread's connection, connecting when there is none or it is broken. */
static PGconn *
get_conn(struct err *err)
{
	pthread_once(&key_once, make_key);
	PGconn *c = pthread_getspecific(conn_key);
	if (c != NULL && PQstatus(c) == CONNECTION_OK)
		return c;
	if (c != NULL)
		PQfinish(c);
	stmts_clear();
	c = PQconnectdb(db_conninfo ? db_conninfo : "");
	if (PQstatus(c) != CONNECTION_OK) {
		/* libpq's message can name the socket path or host; it never holds a client's
		 * address, so it is safe to log. */
		err_set(err, ERR_UNAVAILABLE, NULL, "cannot connect to PostgreSQL: %s",
			PQerrorMessage(c));
		PQfinish(c);
		pthread_setspecific(conn_key, NULL);
		return NULL;
	}
	PQsetNoticeProcessor(c, quiet_notice, NULL);
	/* Statements are prepared once per connection (run_prepared) and written so that one
	 * generic plan serves every parameter value: page bounds as COALESCE, never "$n IS
	 * NULL OR ...". Planning the timeline queries costs milliseconds; running them, less. */
	PGresult *r = PQexec(c, "SET plan_cache_mode = force_generic_plan");
	bool set = PQresultStatus(r) == PGRES_COMMAND_OK;
	PQclear(r);
	if (!set) {
		err_set(err, ERR_UNAVAILABLE, NULL, "cannot set up the PostgreSQL session: %s",
			PQerrorMessage(c));
		PQfinish(c);
		pthread_setspecific(conn_key, NULL);
		return NULL;
	}
	pthread_setspecific(conn_key, c);
	return c;
}

static void
result_release(void *r)
{
	PQclear(r);
}

/* Maps a failed result to err; returns -1. */
static int
result_err(PGconn *c, PGresult *r, struct err *err)
{
	/* Only the primary message, the SQLSTATE and the constraint's name: PostgreSQL's DETAIL
	 * line can quote the row, and with it parameters such as a password hash. */
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	const char *primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *constraint = r ? PQresultErrorField(r, PG_DIAG_CONSTRAINT_NAME) : NULL;
	if (PQstatus(c) != CONNECTION_OK)
		return err_set(err, ERR_UNAVAILABLE, NULL, "lost the PostgreSQL connection: %s",
			       primary ? primary : PQerrorMessage(c));
	if (primary == NULL)
		primary = PQerrorMessage(c);
	if (state != NULL && strcmp(state, "23505") == 0)
		return err_set(err, ERR_CONFLICT, NULL, "unique violation (%s)",
			       constraint ? constraint : "?");
	return err_set(err, ERR_INTERNAL, NULL, "%s%s%s [%s]", primary, constraint ? " on " : "",
		       constraint ? constraint : "", state ? state : "-");
}

static int
result_ok(const PGresult *r)
{
	ExecStatusType st = PQresultStatus(r);
	return r != NULL && (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK);
}

/* Whether a statement that succeeded may have changed data: an INSERT, UPDATE or DELETE
 * that touched rows, any other command but SELECT, and a SELECT whose text holds a
 * data-modifying WITH (the SQL texts are ours, keywords in capitals; FOR UPDATE is a lock). */
static bool
may_write(const char *sql, const PGresult *r)
{
	const char *status = PQcmdStatus((PGresult *)r);
	if (strncmp(status, "SELECT", 6) != 0) {
		if (strncmp(status, "INSERT", 6) == 0 || strncmp(status, "UPDATE", 6) == 0 ||
		    strncmp(status, "DELETE", 6) == 0)
			return atoi(PQcmdTuples((PGresult *)r)) > 0;
		return true;
	}
	if (strstr(sql, "INSERT INTO") != NULL || strstr(sql, "DELETE FROM") != NULL)
		return true;
	for (const char *p = sql; (p = strstr(p, "UPDATE ")) != NULL; p++)
		if (p - sql < 4 || strncmp(p - 4, "FOR ", 4) != 0)
			return true;
	return false;
}

/* Runs sql on c as a prepared statement, preparing it on first use on this connection; the
 * result (NULL or failed on errors, as PQexecParams gives them). */
static PGresult *
run_prepared(PGconn *c, const char *sql, int n, const char *const *params)
{
	uint64_t h = hash_str(sql);
	struct stmt *st = stmt_slot(sql, h);
	if (st->sql == NULL && nstmts >= STMT_MAX)
		return PQexecParams(c, sql, n, NULL, params, NULL, NULL, 0);
	char name[24];
	if (st->sql == NULL || st->serial == 0) {
		unsigned serial = ++stmt_serial;
		snprintf(name, sizeof name, "p%u", serial);
		PGresult *r = PQprepare(c, name, sql, n, NULL);
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			return r; /* the caller maps the error */
		PQclear(r);
		if (st->sql == NULL) {
			if ((st->sql = strdup(sql)) == NULL)
				return PQexecParams(c, sql, n, NULL, params, NULL, NULL, 0);
			st->hash = h;
			nstmts++;
		}
		st->serial = serial;
	}
	snprintf(name, sizeof name, "p%u", st->serial);
	PGresult *r = PQexecPrepared(c, name, n, params, NULL, NULL, 0);
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	if (state != NULL && strcmp(state, "0A000") == 0)
		stmt_forget(sql); /* "cached plan must not change result type" */
	return r;
}

/* db_query; counts: whether a write outside a transaction moves db_write_generation;
 * prepared: whether sql is prepared once for the connection (else planned on each run). */
static PGresult *
query(struct arena *a, struct err *err, const char *sql, int n, const char *const *params,
      bool counts, bool prepared)
{
	for (int attempt = 0; attempt < 2; attempt++) {
		PGconn *c = get_conn(err);
		if (c == NULL)
			return NULL;
		bool idle = PQtransactionStatus(c) == PQTRANS_IDLE;
		PGresult *r = prepared ? run_prepared(c, sql, n, params)
				       : PQexecParams(c, sql, n, NULL, params, NULL, NULL, 0);
		if (result_ok(r)) {
			/* writes inside a transaction count when it commits */
			if (counts && idle && may_write(sql, r))
				atomic_fetch_add(&write_generation, 1);
			arena_defer(a, result_release, r);
			return r;
		}
		result_err(c, r, err);
		const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
		bool replan = state != NULL && strcmp(state, "0A000") == 0;
		PQclear(r);
		if (replan && idle)
			continue; /* prepared again under a new name */
		if (err->code != ERR_UNAVAILABLE || !idle)
			return NULL;
		/* The connection died under an idle session (a PostgreSQL restart):
		 * reconnect and try once more. */
	}
	return NULL;
}

PGresult *
db_query(struct arena *a, struct err *err, const char *sql, int n, const char *const *params)
{
	return query(a, err, sql, n, params, true, true);
}

PGresult *
db_query_queue(struct arena *a, struct err *err, const char *sql, int n, const char *const *params)
{
	/* the queue swings from empty to thousands of jobs in a second: a plan kept from a
	 * quiet moment would scan every job for each one (test_jobs) */
	return query(a, err, sql, n, params, false, false);
}

int
db_exec_script(struct err *err, const char *sql)
{
	PGconn *c = get_conn(err);
	if (c == NULL)
		return -1;
	PGresult *r = PQexec(c, sql);
	int rc = result_ok(r) ? 0 : result_err(c, r, err);
	PQclear(r);
	return rc;
}

const char *
db_value(const PGresult *r, int row, int col)
{
	if (row >= PQntuples(r) || col >= PQnfields(r) || PQgetisnull(r, row, col))
		return NULL;
	return PQgetvalue(r, row, col);
}

bool
db_ping(struct err *err)
{
	struct arena *a = arena_new();
	PGresult *r = db_query(a, err, "SELECT 1", 0, NULL);
	arena_free(a);
	return r != NULL;
}

/* How deep the calling thread is in db_begin calls: an inner begin/commit pair joins the
 * outer transaction. */
static _Thread_local int tx_depth;
/* Whether that transaction is db_begin_snapshot's (read only). */
static _Thread_local bool tx_snapshot;

int
db_begin(struct err *err)
{
	if (tx_depth > 0) {
		tx_depth++;
		return 0;
	}
	if (db_exec_script(err, "BEGIN") != 0)
		return -1;
	tx_depth = 1;
	tx_snapshot = false;
	return 0;
}

int
db_commit(struct err *err)
{
	if (tx_depth > 1) {
		tx_depth--;
		return 0;
	}
	tx_depth = 0;
	int rc = db_exec_script(err, "COMMIT");
	atomic_fetch_add(&write_generation, 1); /* a failed COMMIT may still have committed */
	if (rc != 0) {
		db_rollback();
		return -1;
	}
	return 0;
}

int
db_begin_snapshot(struct err *err)
{
	if (tx_depth > 0)
		return err_set(err, ERR_INTERNAL, NULL, "snapshot inside a transaction");
	if (db_exec_script(err, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY") != 0)
		return -1;
	tx_depth = 1;
	tx_snapshot = true;
	return 0;
}

bool
db_in_transaction(void)
{
	return tx_depth > 0;
}

bool
db_in_snapshot(void)
{
	return tx_depth > 0 && tx_snapshot;
}

void
db_end_snapshot(void)
{
	/* read only: ROLLBACK ends it as well as COMMIT would, without moving the write
	 * generation */
	db_rollback();
}

uint64_t
db_write_generation(void)
{
	return atomic_load(&write_generation);
}

void
db_rollback(void)
{
	tx_depth = 0;
	pthread_once(&key_once, make_key);
	PGconn *c = pthread_getspecific(conn_key);
	if (c == NULL || PQstatus(c) != CONNECTION_OK || PQtransactionStatus(c) == PQTRANS_IDLE)
		return;
	PQclear(PQexec(c, "ROLLBACK"));
}

int
db_rows_changed(const PGresult *r)
{
	return r == NULL ? -1 : atoi(PQcmdTuples((PGresult *)r));
}

bool
db_bool(const PGresult *r, int row, int col)
{
	const char *v = db_value(r, row, col);
	return v != NULL && v[0] == 't';
}

int64_t
db_int64(const PGresult *r, int row, int col)
{
	const char *v = db_value(r, row, col);
	return v ? strtoll(v, NULL, 10) : 0;
}

int
db_int64_column(struct arena *a, const PGresult *r, int64_t **out)
{
	if (r == NULL)
		return -1;
	int n = PQntuples(r);
	*out = arena_alloc(a, sizeof **out * (size_t)(n + 1));
	for (int i = 0; i < n; i++)
		(*out)[i] = db_int64(r, i, 0);
	return n;
}

int64_t
db_query_int64(struct arena *a, struct err *err, const char *sql, int n, const char *const *params)
{
	PGresult *r = db_query(a, err, sql, n, params);
	if (r == NULL)
		return -1;
	return PQntuples(r) ? db_int64(r, 0, 0) : 0;
}

int
db_query_strings(struct arena *a, struct err *err, const char *sql, int n,
		 const char *const *params, const char ***out)
{
	PGresult *r = db_query(a, err, sql, n, params);
	if (r == NULL)
		return -1;
	int rows = PQntuples(r);
	*out = arena_alloc(a, sizeof **out * (size_t)(rows + 1));
	for (int i = 0; i < rows; i++)
		(*out)[i] = db_value(r, i, 0);
	return rows;
}

/* n ids as a PostgreSQL array literal: "{1,2,3}" (arena). */
const char *
db_id_array(struct arena *a, const int64_t *ids, int n)
{
	size_t cap = 3 + (size_t)(n > 0 ? n : 0) * (ID_STRLEN + 1);
	char *s = arena_alloc(a, cap), *p = s;
	*p++ = '{';
	for (int i = 0; i < n; i++) {
		char buf[ID_STRLEN];
		size_t len = strlen(id_format(ids[i], buf));
		if (i > 0)
			*p++ = ',';
		memcpy(p, buf, len);
		p += len;
	}
	*p++ = '}';
	*p = '\0';
	return s;
}

/* Reads a PostgreSQL bigint[] text ("{1,2}") into an arena array; the count. */
int
db_parse_id_array(struct arena *a, const char *s, int64_t **out)
{
	int cap = 1;
	for (const char *p = s ? s : ""; *p; p++)
		if (*p == ',')
			cap++;
	*out = arena_alloc(a, sizeof **out * (size_t)cap);
	int n = 0;
	const char *p = s ? s : "";
	while (*p) {
		if (*p >= '0' && *p <= '9') {
			char *end;
			long long v = strtoll(p, &end, 10);
			if (n < cap)
				(*out)[n++] = (int64_t)v;
			p = end;
		} else {
			p++;
		}
	}
	return n;
}
