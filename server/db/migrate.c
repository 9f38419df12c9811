/* migrate.c - the migrations runner. */
#include "migrate.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/fileio.h"
#include "util/log.h"

#define MIGRATE_LOCK "7270121" /* an arbitrary advisory-lock key for the runner */

static int
valid_name(const char *name)
{
	size_t len = strlen(name);
	if (len < 10 || strcmp(name + len - 4, ".sql") != 0 || name[4] != '_')
		return 0;
	for (int i = 0; i < 4; i++)
		if (!isdigit((unsigned char)name[i]))
			return 0;
	for (size_t i = 5; i < len - 4; i++)
		if (!(islower((unsigned char)name[i]) || isdigit((unsigned char)name[i]) ||
		      name[i] == '_'))
			return 0;
	return 1;
}

/* Lists and validates the migration files; NULL + err on failure. */
static char **
list_migrations(const char *dir, struct err *err)
{
	char **names = fileio_list(dir, ".sql", err);
	if (names == NULL)
		return NULL;
	for (size_t i = 0; names[i]; i++) {
		if (!valid_name(names[i])) {
			err_set(err, ERR_INVALID, NULL,
				"%s: migration files must be named NNNN_name.sql (lower case)",
				names[i]);
			goto fail;
		}
		if (i > 0 && strncmp(names[i], names[i - 1], 4) == 0) {
			err_set(err, ERR_INVALID, NULL, "%s and %s share a number", names[i - 1],
				names[i]);
			goto fail;
		}
	}
	return names;
fail:
	err_show_detail(err);
	fileio_list_free(names);
	return NULL;
}

static int
is_applied(struct arena *a, const char *name, struct err *err)
{
	const char *p[] = {name};
	PGresult *r = db_query(a, err, "SELECT 1 FROM schema_migrations WHERE version = $1", 1, p);
	if (r == NULL)
		return -1;
	return PQntuples(r) > 0;
}

static int
apply_one(struct arena *a, const char *dir, const char *name, struct err *err)
{
	char path[4096];
	size_t len;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	char *sql = fileio_read(path, 16 << 20, &len, err);
	if (sql == NULL)
		return -1;
	const char *p[] = {name};
	int rc = -1;
	if (db_exec_script(err, "BEGIN") != 0)
		goto out;
	if (db_exec_script(err, sql) != 0 ||
	    db_query(a, err, "INSERT INTO schema_migrations (version) VALUES ($1)", 1, p) == NULL) {
		struct err ignored;
		db_exec_script(&ignored, "ROLLBACK");
		goto out;
	}
	rc = db_exec_script(err, "COMMIT");
out:
	free(sql);
	if (rc != 0) {
		char detail[sizeof err->detail];
		snprintf(detail, sizeof detail, "%s", err->detail);
		snprintf(err->detail, sizeof err->detail, "%s: %.400s", name, detail);
		err_show_detail(err);
	}
	return rc;
}

static int
ensure_table(struct err *err)
{
	return db_exec_script(err, "CREATE TABLE IF NOT EXISTS schema_migrations ("
				   " version text PRIMARY KEY,"
				   " applied_at timestamptz NOT NULL DEFAULT now())");
}

static int
prepare(struct arena *a, struct err *err)
{
	if (db_query(a, err, "SELECT pg_advisory_lock(" MIGRATE_LOCK ")", 0, NULL) == NULL)
		return -1;
	return ensure_table(err);
}

static void
unlock(struct arena *a)
{
	struct err ignored;
	db_query(a, &ignored, "SELECT pg_advisory_unlock(" MIGRATE_LOCK ")", 0, NULL);
}

int
migrate_run(const char *dir, struct err *err)
{
	char **names = list_migrations(dir, err);
	if (names == NULL)
		return -1;
	struct arena *a = arena_new();
	int applied = 0;
	if (prepare(a, err) != 0) {
		applied = -1;
		goto unlock;
	}
	for (size_t i = 0; names[i]; i++) {
		int done = is_applied(a, names[i], err);
		if (done < 0 || (!done && apply_one(a, dir, names[i], err) != 0)) {
			applied = -1;
			break;
		}
		if (!done) {
			log_msg(LOG_INFO, "applied migration %s", names[i]);
			applied++;
		}
	}
unlock:
	unlock(a); /* harmless when the lock was never taken */
	arena_free(a);
	fileio_list_free(names);
	return applied;
}

int
migrate_pending(const char *dir, struct err *err)
{
	char **names = list_migrations(dir, err);
	if (names == NULL)
		return -1;
	struct arena *a = arena_new();
	int pending = 0;
	if (ensure_table(err) != 0) {
		pending = -1;
		goto out;
	}
	for (size_t i = 0; names[i]; i++) {
		int done = is_applied(a, names[i], err);
		if (done < 0) {
			pending = -1;
			break;
		}
		pending += !done;
	}
out:
	arena_free(a);
	fileio_list_free(names);
	return pending;
}
