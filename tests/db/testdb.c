/* testdb.c - throwaway databases for the database tests. */
#include "testdb.h"

#include <check.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "db/db.h"

static pid_t main_pid;
static const char *db_prefix = "t";

void
testdb_init(const char *prefix)
{
	db_prefix = prefix;
	main_pid = getpid();
}

void
testdb_conninfo(char *buf, size_t size, const char *dbname)
{
	const char *port = getenv("PARASOL_TEST_PGPORT");
	const char *user = getenv("PARASOL_TEST_PGUSER");
	snprintf(buf, size, "host='%s' port='%s' user='%s' dbname='%s'",
		 getenv("PARASOL_TEST_PGHOST"), port ? port : "5432", user ? user : "postgres",
		 dbname);
}

static void
ignore_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

void
testdb_admin_exec(const char *sql)
{
	char ci[512];
	testdb_conninfo(ci, sizeof ci, "postgres");
	PGconn *c = PQconnectdb(ci);
	ck_assert_msg(PQstatus(c) == CONNECTION_OK, "%s", PQerrorMessage(c));
	PQsetNoticeProcessor(c, ignore_notice, NULL); /* "does not exist, skipping" */
	PGresult *r = PQexec(c, sql);
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
	char msg[512];
	snprintf(msg, sizeof msg, "%s: %s", sql, PQresultErrorMessage(r));
	PQclear(r);
	PQfinish(c);
	ck_assert_msg(ok, "%s", msg);
}

void
testdb_create(struct testdb *t, const char *tag)
{
	snprintf(t->name, sizeof t->name, "parasol_%s_%ld_%s", db_prefix, (long)main_pid, tag);
	char sql[160];
	snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", t->name);
	testdb_admin_exec(sql);
	snprintf(sql, sizeof sql, "CREATE DATABASE %s", t->name);
	testdb_admin_exec(sql);
	testdb_conninfo(t->conninfo, sizeof t->conninfo, t->name);
	db_thread_close(); /* a connection left by an earlier test would still point elsewhere */
	db_init(t->conninfo);
}

void
testdb_drop(struct testdb *t)
{
	db_thread_close();
	char sql[160];
	snprintf(sql, sizeof sql, "DROP DATABASE %s WITH (FORCE)", t->name);
	testdb_admin_exec(sql);
}

void
testdb_drop_leftovers(void)
{
	char ci[512], like[64];
	testdb_conninfo(ci, sizeof ci, "postgres");
	snprintf(like, sizeof like, "parasol\\_%s\\_%ld\\_%%", db_prefix, (long)main_pid);
	PGconn *c = PQconnectdb(ci);
	if (PQstatus(c) == CONNECTION_OK) {
		const char *p[] = {like};
		PGresult *r = PQexecParams(c, "SELECT datname FROM pg_database WHERE datname LIKE $1",
					   1, NULL, p, NULL, NULL, 0);
		for (int i = 0; i < PQntuples(r); i++) {
			char sql[160];
			snprintf(sql, sizeof sql, "DROP DATABASE \"%s\" WITH (FORCE)",
				 PQgetvalue(r, i, 0));
			PQclear(PQexec(c, sql));
		}
		PQclear(r);
	}
	PQfinish(c);
}
