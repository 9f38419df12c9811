/* test_migrate.c - the migrations runner, parasol_id() and db_query's error mapping, against a
 * real PostgreSQL.
 *
 * Needs PARASOL_TEST_PGHOST (and _PGPORT, _PGUSER: a superuser with trust auth) and
 * PARASOL_SRCDIR; without PARASOL_TEST_PGHOST it reports a skipped plan. Each test makes its own
 * database, parasol_m_<pid>_<tag>, and drops it; main() drops any a failed test left behind.
 * Check forks a child per test by default, so all setup happens inside the test function. */
#include "testdb.h"
#include "db/db.h"
#include "db/migrate.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/fileio.h"

#include <check.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* --- helpers ------------------------------------------------------------------------------ */

static const char *
srcdir(void)
{
	const char *s = getenv("PARASOL_SRCDIR");
	return s != NULL ? s : ".";
}

static const char *
real_migrations(void)
{
	static char dir[1024];
	snprintf(dir, sizeof dir, "%s/migrations", srcdir());
	return dir;
}

/* The number of *.sql files in dir. */
static int
count_files(const char *dir)
{
	struct err e;
	char **names = fileio_list(dir, ".sql", &e);
	ck_assert_msg(names != NULL, "%s", e.detail);
	int n = 0;
	while (names[n] != NULL)
		n++;
	fileio_list_free(names);
	return n;
}

/* One value of a one-row query, as a long (-1 for NULL); fails the test on error. */
static long
query_long(const char *sql)
{
	struct arena *a = arena_new();
	struct err e;
	PGresult *r = db_query(a, &e, sql, 0, NULL);
	ck_assert_msg(r != NULL, "%s: %s", sql, e.detail);
	const char *v = db_value(r, 0, 0);
	long n = v != NULL ? strtol(v, NULL, 10) : -1;
	arena_free(a);
	return n;
}

/* One value of a one-row query as a malloc'd string ("(null)" for NULL); the caller frees. */
static char *
query_text(const char *sql)
{
	struct arena *a = arena_new();
	struct err e;
	PGresult *r = db_query(a, &e, sql, 0, NULL);
	ck_assert_msg(r != NULL, "%s: %s", sql, e.detail);
	const char *v = db_value(r, 0, 0);
	char *copy = strdup(v != NULL ? v : "(null)");
	arena_free(a);
	return copy;
}

static int
table_exists(const char *name)
{
	char sql[256];
	snprintf(sql, sizeof sql,
		 "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' "
		 "AND tablename = '%s'",
		 name);
	return query_long(sql) == 1;
}

static int
recorded(const char *version)
{
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM schema_migrations WHERE version = '%s'",
		 version);
	return (int)query_long(sql);
}

static void
write_text(const char *dir, const char *name, const char *text)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	ck_assert_msg(f != NULL, "%s", path);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

/* Makes a temporary directory holding a copy of the real migrations. */
static void
copy_migrations(char *dir, size_t size)
{
	snprintf(dir, size, "/tmp/parasol-mig-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	struct err e;
	char **names = fileio_list(real_migrations(), ".sql", &e);
	ck_assert_msg(names != NULL, "%s", e.detail);
	for (size_t i = 0; names[i] != NULL; i++) {
		char path[1024];
		size_t len;
		int w = snprintf(path, sizeof path, "%s/%s", real_migrations(), names[i]);
		ck_assert(w > 0 && (size_t)w < sizeof path);
		char *text = fileio_read(path, 16 << 20, &len, &e);
		ck_assert_msg(text != NULL, "%s", e.detail);
		write_text(dir, names[i], text);
		free(text);
	}
	fileio_list_free(names);
}

static void
remove_dir(const char *dir)
{
	char cmd[1100];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* --- migrations --------------------------------------------------------------------------- */

START_TEST(test_from_empty)
{
	struct testdb t;
	testdb_create(&t, "empty");
	int nfiles = count_files(real_migrations());
	ck_assert_int_gt(nfiles, 0);
	struct err e;
	err_clear(&e);
	ck_assert_int_eq(migrate_pending(real_migrations(), &e), nfiles);
	ck_assert_int_eq(migrate_run(real_migrations(), &e), nfiles);
	ck_assert(table_exists("accounts"));
	ck_assert(table_exists("invites"));
	ck_assert(table_exists("schema_migrations"));
	ck_assert_int_eq(query_long("SELECT count(*) FROM schema_migrations"), nfiles);
	char **names = fileio_list(real_migrations(), ".sql", &e);
	for (size_t i = 0; names[i] != NULL; i++)
		ck_assert_msg(recorded(names[i]) == 1, "%s not recorded", names[i]);
	fileio_list_free(names);
	ck_assert_int_eq(query_long("SELECT count(*) FROM schema_migrations "
				    "WHERE applied_at > now() - interval '1 hour'"),
			 nfiles);
	testdb_drop(&t);
}
END_TEST

START_TEST(test_rerun_noop)
{
	struct testdb t;
	testdb_create(&t, "rerun");
	struct err e;
	int nfiles = count_files(real_migrations());
	ck_assert_int_gt(migrate_pending(real_migrations(), &e), 0);
	ck_assert_int_eq(migrate_run(real_migrations(), &e), nfiles);
	ck_assert_int_eq(migrate_pending(real_migrations(), &e), 0);
	static const char rows_sql[] = "SELECT string_agg(version || '@' || applied_at::text, ',' "
				       "ORDER BY version) FROM schema_migrations";
	char *before = query_text(rows_sql);
	ck_assert_int_eq(migrate_run(real_migrations(), &e), 0);
	ck_assert_int_eq(migrate_run(real_migrations(), &e), 0);
	char *after = query_text(rows_sql);
	ck_assert_str_eq(after, before); /* same rows, same times */
	ck_assert_int_eq(query_long("SELECT count(*) FROM schema_migrations"), nfiles);
	free(before);
	free(after);
	ck_assert_int_eq(migrate_pending(real_migrations(), &e), 0);
	testdb_drop(&t);
}
END_TEST

START_TEST(test_bad_migration_rolls_back)
{
	struct testdb t;
	testdb_create(&t, "bad");
	char dir[64];
	copy_migrations(dir, sizeof dir);
	write_text(dir, "0902_good.sql", "CREATE TABLE good_t (x int);\n");
	write_text(dir, "0903_bad.sql",
		   "CREATE TABLE bad_t (x int);\nSELECT no_such_function();\n");
	int nreal = count_files(real_migrations());
	struct err e;
	err_clear(&e);
	ck_assert_int_eq(migrate_run(dir, &e), -1);
	ck_assert_msg(strncmp(e.safe, "0903_bad.sql: ", 14) == 0, "%s", e.safe);
	ck_assert_msg(strstr(e.safe, "no_such_function") != NULL, "%s", e.safe);
	ck_assert_ptr_null(strchr(e.safe, '\n')); /* one line */
	ck_assert(table_exists("good_t"));
	ck_assert_int_eq(recorded("0902_good.sql"), 1);
	ck_assert(!table_exists("bad_t"));
	ck_assert_int_eq(recorded("0903_bad.sql"), 0);
	ck_assert_int_eq(query_long("SELECT count(*) FROM schema_migrations"), nreal + 1);
	/* The connection is usable again (the transaction was rolled back, the lock released),
	 * and the failing migration is still pending. */
	ck_assert_int_eq(migrate_pending(dir, &e), 1);
	ck_assert_int_eq(query_long("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND "
				    "database = (SELECT oid FROM pg_database "
				    "WHERE datname = current_database())"),
			 0);
	/* Fixed, it applies. */
	write_text(dir, "0903_bad.sql", "CREATE TABLE bad_t (x int);\n");
	ck_assert_int_eq(migrate_run(dir, &e), 1);
	ck_assert(table_exists("bad_t"));
	remove_dir(dir);
	testdb_drop(&t);
}
END_TEST

static const char *const bad_sets[][2] = {
    {"2_x.sql", NULL},	     {"0904_Upper.sql", NULL}, {"0902_a.sql", "0902_b.sql"},
    {"0902-dash.sql", NULL}, {"00a2_x.sql", NULL},     {"0902_.sql", NULL},
};

START_TEST(test_bad_names_refused)
{
	char tag[16];
	snprintf(tag, sizeof tag, "names%d", _i);
	struct testdb t;
	testdb_create(&t, tag);
	char dir[64];
	copy_migrations(dir, sizeof dir);
	for (int k = 0; k < 2; k++)
		if (bad_sets[_i][k] != NULL)
			write_text(dir, bad_sets[_i][k],
				   "CREATE TABLE should_not_exist (x int);\n");
	struct err e;
	err_clear(&e);
	ck_assert_int_eq(migrate_run(dir, &e), -1);
	ck_assert_int_eq(e.code, ERR_INVALID);
	ck_assert_msg(strstr(e.safe, bad_sets[_i][0]) != NULL, "%s", e.safe);
	ck_assert_int_eq(migrate_pending(dir, &e), -1);
	/* Nothing was applied, not even the good migrations before the bad name. */
	ck_assert_int_eq(query_long("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"),
			 0);
	remove_dir(dir);
	testdb_drop(&t);
}
END_TEST

START_TEST(test_missing_dir)
{
	struct testdb t;
	testdb_create(&t, "nodir");
	struct err e;
	err_clear(&e);
	ck_assert_int_eq(migrate_run("/nonexistent/parasol/migrations", &e), -1);
	ck_assert_int_ne(e.code, ERR_NONE);
	ck_assert_int_eq(query_long("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"),
			 0);
	testdb_drop(&t);
}
END_TEST

struct runner {
	const char *dir;
	int rc;
	struct err err;
};

static void *
run_migrations(void *arg)
{
	struct runner *r = arg;
	r->rc = migrate_run(r->dir, &r->err);
	db_thread_close();
	return NULL;
}

START_TEST(test_concurrent_runs)
{
	struct testdb t;
	testdb_create(&t, "concurrent");
	char dir[64];
	copy_migrations(dir, sizeof dir);
	/* A slow migration keeps the first runner busy while the second one starts. */
	write_text(dir, "0902_slow.sql", "CREATE TABLE slow_a (x int);\nSELECT pg_sleep(0.5);\n");
	write_text(dir, "0903_after.sql", "CREATE TABLE slow_b (x int);\n");
	int nfiles = count_files(dir);
	struct runner r[2] = {{.dir = dir}, {.dir = dir}};
	pthread_t th[2];
	for (int i = 0; i < 2; i++)
		ck_assert_int_eq(pthread_create(&th[i], NULL, run_migrations, &r[i]), 0);
	for (int i = 0; i < 2; i++)
		ck_assert_int_eq(pthread_join(th[i], NULL), 0);
	ck_assert_msg(r[0].rc >= 0, "first runner: %s", r[0].err.safe);
	ck_assert_msg(r[1].rc >= 0, "second runner: %s", r[1].err.safe);
	ck_assert_int_eq(r[0].rc + r[1].rc, nfiles);
	ck_assert_int_eq(query_long("SELECT count(*) FROM schema_migrations"), nfiles);
	ck_assert(table_exists("slow_a") && table_exists("slow_b") && table_exists("accounts"));
	remove_dir(dir);
	testdb_drop(&t);
}
END_TEST

/* --- parasol_id --------------------------------------------------------------------------- */

/* Every foreign key has an index that starts with its column(s): deleting a row of the
 * referenced table (a post, an account) looks its referrers up by that column, and without
 * the index each such delete reads the whole referring table. */
START_TEST(test_foreign_keys_indexed)
{
	struct testdb t;
	testdb_create(&t, "fkidx");
	struct err e;
	err_clear(&e);
	ck_assert_int_gt(migrate_run(real_migrations(), &e), 0);
	struct arena *a = arena_new();
	PGresult *r = db_query(
		a, &e,
		"SELECT c.conrelid::regclass::text || '(' || string_agg(x.attname, ', ') || ')'"
		" FROM pg_constraint c CROSS JOIN LATERAL (SELECT at.attname FROM"
		" unnest(c.conkey) WITH ORDINALITY k(num, ord) JOIN pg_attribute at"
		" ON at.attrelid = c.conrelid AND at.attnum = k.num ORDER BY k.ord) x"
		" WHERE c.contype = 'f' AND NOT EXISTS (SELECT 1 FROM pg_index i"
		" WHERE i.indrelid = c.conrelid"
		" AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] @> c.conkey"
		" AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] <@ c.conkey)"
		" GROUP BY c.oid, c.conrelid ORDER BY 1",
		0, NULL);
	ck_assert_msg(r != NULL, "%s", e.detail);
	char missing[2048] = "";
	for (int i = 0; i < PQntuples(r); i++) {
		strncat(missing, " ", sizeof missing - strlen(missing) - 1);
		strncat(missing, db_value(r, i, 0), sizeof missing - strlen(missing) - 1);
	}
	ck_assert_msg(PQntuples(r) == 0, "foreign keys without an index:%s", missing);
	arena_free(a);
	testdb_drop(&t);
}
END_TEST

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

START_TEST(test_parasol_id)
{
	struct testdb t;
	testdb_create(&t, "ids");
	struct err e;
	ck_assert_int_gt(migrate_run(real_migrations(), &e), 0);
	struct arena *a = arena_new();
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	int64_t now_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	PGresult *r = db_query(a, &e, "SELECT parasol_id() FROM generate_series(1, 1000)", 0, NULL);
	ck_assert_msg(r != NULL, "%s", e.detail);
	ck_assert_int_eq(PQntuples(r), 1000);
	int64_t ids[1000];
	for (int i = 0; i < 1000; i++) {
		ids[i] = strtoll(db_value(r, i, 0), NULL, 10);
		int64_t ms = ids[i] >> 16;
		ck_assert_msg(ms > now_ms - 5000 && ms < now_ms + 5000,
			      "id %" PRId64 " has time %" PRId64 ", now %" PRId64, ids[i], ms,
			      now_ms);
	}
	qsort(ids, 1000, sizeof ids[0], cmp_i64);
	for (int i = 1; i < 1000; i++)
		ck_assert_msg(ids[i] != ids[i - 1], "duplicate id %" PRId64, ids[i]);

	/* Rows inserted one after another get increasing ids. */
	int64_t last = 0;
	for (int i = 0; i < 30; i++) {
		char name[16];
		snprintf(name, sizeof name, "user%d", i);
		const char *p[] = {name};
		PGresult *ins = db_query(a, &e,
					 "INSERT INTO accounts (username, password_hash) "
					 "VALUES ($1, 'x') RETURNING id",
					 1, p);
		ck_assert_msg(ins != NULL, "%s", e.detail);
		int64_t id = strtoll(db_value(ins, 0, 0), NULL, 10);
		ck_assert_int_gt(id, last);
		last = id;
	}
	arena_free(a);
	testdb_drop(&t);
}
END_TEST

/* --- db_query ----------------------------------------------------------------------------- */

START_TEST(test_unique_violation)
{
	struct testdb t;
	testdb_create(&t, "unique");
	struct err e;
	ck_assert_int_gt(migrate_run(real_migrations(), &e), 0);
	struct arena *a = arena_new();
	const char *sql = "INSERT INTO accounts (username, password_hash) VALUES ($1, $2)";
	const char *p1[] = {"Alice", "hash-one"};
	ck_assert_msg(db_query(a, &e, sql, 2, p1) != NULL, "%s", e.detail);
	const char *p2[] = {"alice", "hash-two"};
	err_clear(&e);
	ck_assert_ptr_null(db_query(a, &e, sql, 2, p2));
	ck_assert_int_eq(e.code, ERR_CONFLICT);
	ck_assert_str_eq(e.safe, "That already exists.");
	ck_assert_int_eq(query_long("SELECT count(*) FROM accounts"), 1);
	/* The connection still works after the error. */
	const char *p3[] = {"bob", "hash-three"};
	ck_assert_msg(db_query(a, &e, sql, 2, p3) != NULL, "%s", e.detail);
	ck_assert_int_eq(query_long("SELECT count(*) FROM accounts"), 2);
	arena_free(a);
	testdb_drop(&t);
}
END_TEST

/* db.h: "detail holds PostgreSQL's message, never the parameters" - the detail goes to the
 * log, which must never hold what members typed, passwords or their hashes. */
START_TEST(test_unique_detail_has_no_parameters)
{
	struct testdb t;
	testdb_create(&t, "detail_u");
	struct err e;
	ck_assert_int_gt(migrate_run(real_migrations(), &e), 0);
	struct arena *a = arena_new();
	const char *sql = "INSERT INTO accounts (username, password_hash) VALUES ($1, $2)";
	const char *p1[] = {"Carol", "SECRET-HASH-1"};
	const char *p2[] = {"carol", "SECRET-HASH-2"};
	int first_ok = db_query(a, &e, sql, 2, p1) != NULL;
	int second_ok = db_query(a, &e, sql, 2, p2) != NULL;
	/* Clean up before asserting, so a failure leaves nothing behind. */
	arena_free(a);
	testdb_drop(&t);
	ck_assert(first_ok && !second_ok);
	ck_assert_int_eq(e.code, ERR_CONFLICT);
	ck_assert_msg(strstr(e.detail, "carol") == NULL, "detail: %s", e.detail);
}
END_TEST

/* A CHECK violation: PostgreSQL's DETAIL line lists the whole failing row. */
START_TEST(test_check_detail_has_no_parameters)
{
	struct testdb t;
	testdb_create(&t, "detail_c");
	struct err e;
	ck_assert_int_gt(migrate_run(real_migrations(), &e), 0);
	struct arena *a = arena_new();
	const char *sql = "INSERT INTO accounts (username, password_hash) VALUES ($1, $2)";
	const char *p[] = {"not valid!", "SECRET-HASH-3"};
	int ok = db_query(a, &e, sql, 2, p) != NULL;
	arena_free(a);
	testdb_drop(&t);
	ck_assert(!ok);
	ck_assert_int_eq(e.code, ERR_INTERNAL);
	ck_assert_msg(strstr(e.detail, "SECRET-HASH") == NULL, "detail: %s", e.detail);
}
END_TEST

START_TEST(test_parameters_roundtrip)
{
	struct testdb t;
	testdb_create(&t, "params");
	struct err e;
	ck_assert_int_gt(migrate_run(real_migrations(), &e), 0);
	struct arena *a = arena_new();
	static const char *const values[] = {
	    "'; DROP TABLE accounts; --",
	    "back\\slash \\' \\\\ \"double\" $1 $$ E'\\x41'",
	    "",
	    "\xe2\x82\xac unicode",
	};
	for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
		char name[16];
		snprintf(name, sizeof name, "p%zu", i);
		const char *p[] = {name, values[i]};
		ck_assert_msg(db_query(a, &e,
				       "INSERT INTO accounts (username, password_hash) "
				       "VALUES ($1, $2)",
				       2, p) != NULL,
			      "%s", e.detail);
		PGresult *r = db_query(a, &e,
				       "SELECT password_hash, $2::text FROM accounts "
				       "WHERE username = $1",
				       2, p);
		ck_assert_msg(r != NULL, "%s", e.detail);
		ck_assert_int_eq(PQntuples(r), 1);
		ck_assert_str_eq(db_value(r, 0, 0), values[i]);
		ck_assert_str_eq(db_value(r, 0, 1), values[i]);
	}
	ck_assert(table_exists("accounts"));
	ck_assert_int_eq(query_long("SELECT count(*) FROM accounts"), 4);
	/* NULL parameters are SQL NULL. */
	const char *pn[] = {NULL};
	PGresult *r = db_query(a, &e, "SELECT $1::text IS NULL, $1::text", 1, pn);
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(db_value(r, 0, 0), "t");
	ck_assert_ptr_null(db_value(r, 0, 1));
	ck_assert_ptr_null(db_value(r, 1, 0)); /* out of range */
	ck_assert_ptr_null(db_value(r, 0, 2));
	arena_free(a);
	testdb_drop(&t);
}
END_TEST

START_TEST(test_ping_and_unavailable)
{
	struct testdb t;
	testdb_create(&t, "ping");
	struct err e;
	ck_assert(db_ping(&e));
	testdb_drop(&t);
	/* The database is gone: a clear ERR_UNAVAILABLE, not a crash. */
	err_clear(&e);
	ck_assert(!db_ping(&e));
	ck_assert_int_eq(e.code, ERR_UNAVAILABLE);
	struct arena *a = arena_new();
	ck_assert_ptr_null(db_query(a, &e, "SELECT 1", 0, NULL));
	ck_assert_int_eq(e.code, ERR_UNAVAILABLE);
	ck_assert_int_eq(migrate_run(real_migrations(), &e), -1);
	arena_free(a);
	db_thread_close();
}
END_TEST

static Suite *
migrate_suite(void)
{
	Suite *s = suite_create("migrate");
	TCase *mig = tcase_create("migrate");
	tcase_set_timeout(mig, 60);
	tcase_add_test(mig, test_from_empty);
	tcase_add_test(mig, test_rerun_noop);
	tcase_add_test(mig, test_bad_migration_rolls_back);
	tcase_add_loop_test(mig, test_bad_names_refused, 0,
			    (int)(sizeof bad_sets / sizeof bad_sets[0]));
	tcase_add_test(mig, test_missing_dir);
	tcase_add_test(mig, test_concurrent_runs);
	tcase_add_test(mig, test_foreign_keys_indexed);
	suite_add_tcase(s, mig);

	TCase *db = tcase_create("db");
	tcase_set_timeout(db, 60);
	tcase_add_test(db, test_parasol_id);
	tcase_add_test(db, test_unique_violation);
	tcase_add_test(db, test_unique_detail_has_no_parameters);
	tcase_add_test(db, test_check_detail_has_no_parameters);
	tcase_add_test(db, test_parameters_roundtrip);
	tcase_add_test(db, test_ping_and_unavailable);
	suite_add_tcase(s, db);
	return s;
}

int
main(void)
{
	if (getenv("PARASOL_TEST_PGHOST") == NULL || *getenv("PARASOL_TEST_PGHOST") == '\0') {
		printf("1..0 # SKIP no PostgreSQL\n");
		return 0;
	}
	testdb_init("m");
	SRunner *sr = srunner_create(migrate_suite());
	srunner_run_all(sr, CK_ENV);
	int failures = srunner_ntests_failed(sr);
	srunner_free(sr);
	db_thread_close();
	testdb_drop_leftovers();
	return failures ? 1 : 0;
}
