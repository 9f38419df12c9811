/* testdb.h - throwaway databases for the database tests, on the cluster named by
 * PARASOL_TEST_PGHOST/_PGPORT/_PGUSER (a superuser with trust auth). Each database is named
 * parasol_<prefix>_<pid>_<tag>, so parallel test programs never share one, and
 * testdb_drop_leftovers() removes what a failed run left behind. */
#ifndef PARASOL_TESTDB_H
#define PARASOL_TESTDB_H

#include <stddef.h>

struct testdb {
	char name[64];
	char conninfo[512];
};

/* Remembers the program's prefix ("m", "j") and pid; call once in main(), before forking. */
void testdb_init(const char *prefix);

/* A libpq conninfo string for database dbname on the test cluster, into buf. */
void testdb_conninfo(char *buf, size_t size, const char *dbname);

/* Runs one statement on the maintenance database; fails the test on error. */
void testdb_admin_exec(const char *sql);

/* Creates an empty database for this test (dropping one of that name first) and points
 * db_init at it. */
void testdb_create(struct testdb *t, const char *tag);

/* Closes this thread's connection and drops the database. */
void testdb_drop(struct testdb *t);

/* Drops every database of this run (prefix and pid) that is still there. */
void testdb_drop_leftovers(void);

#endif
