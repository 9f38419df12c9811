/* test_visibility.c - VISIBLE_TO (db/visibility.h), the SQL expression every query that
 * returns posts applies, against the rule written out plainly as the reference below (the
 * SQL function parasol used before the expression replaced it): for random accounts, follows,
 * blocks, mentions, limits and suspensions, every (viewer, post) pair and every visitor must
 * get the same answer from both.
 *
 * Needs PARASOL_TEST_PGHOST (and _PGPORT, _PGUSER: a superuser with trust auth) and
 * PARASOL_SRCDIR; without PARASOL_TEST_PGHOST it reports a skipped plan. */
#include "testdb.h"
#include "db/db.h"
#include "db/migrate.h"
#include "db/visibility.h"
#include "util/arena.h"
#include "util/err.h"

#include <check.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The rule, one case after the other, in the order it is decided (PL/pgSQL, whose plans are
 * cached, so that comparing every pair stays quick). */
static const char reference[] =
	"CREATE FUNCTION ref_limited(account bigint) RETURNS boolean LANGUAGE plpgsql STABLE AS $$"
	" BEGIN RETURN EXISTS (SELECT 1 FROM accounts x WHERE x.id = account AND (x.limited"
	" OR EXISTS (SELECT 1 FROM domain_policies d WHERE d.domain = x.domain AND d.limited)));"
	" END $$;"
	"CREATE FUNCTION ref_visible(author bigint, vis text, status bigint, viewer bigint)"
	" RETURNS boolean LANGUAGE plpgsql STABLE AS $$ BEGIN"
	" IF viewer IS NOT NULL AND viewer = author THEN RETURN true; END IF;"
	" IF EXISTS (SELECT 1 FROM accounts x WHERE x.id = author"
	"  AND x.suspended_at IS NOT NULL) THEN RETURN false; END IF;"
	" IF viewer IS NOT NULL AND EXISTS (SELECT 1 FROM blocks b"
	"  WHERE (b.account_id = author AND b.target_account_id = viewer)"
	"  OR (b.account_id = viewer AND b.target_account_id = author)) THEN RETURN false;"
	" END IF;"
	" IF vis = 'direct' THEN RETURN viewer IS NOT NULL AND EXISTS (SELECT 1 FROM mentions m"
	"  WHERE m.status_id = status AND m.account_id = viewer); END IF;"
	" IF ref_limited(author) THEN RETURN viewer IS NOT NULL AND EXISTS (SELECT 1"
	"  FROM follows f WHERE f.account_id = viewer AND f.target_account_id = author)"
	"  AND (vis <> 'members' OR EXISTS (SELECT 1 FROM accounts v"
	"  WHERE v.id = viewer AND v.domain IS NULL)); END IF;"
	" IF vis IN ('public', 'unlisted') THEN RETURN true; END IF;"
	" IF viewer IS NULL THEN RETURN false; END IF;"
	" IF vis = 'members' THEN RETURN EXISTS (SELECT 1 FROM accounts v"
	"  WHERE v.id = viewer AND v.domain IS NULL); END IF;"
	" IF vis = 'private' THEN RETURN EXISTS (SELECT 1 FROM follows f"
	"  WHERE f.account_id = viewer AND f.target_account_id = author); END IF;"
	" RETURN false; END $$;";

/* Random data, different for each seed: 30 accounts (a third remote, on three domains), 200
 * posts of all five visibilities, follows, blocks both ways, mentions, limited and suspended
 * accounts, one limited domain. */
static const char data[] =
	"INSERT INTO accounts (username, password_hash, domain, uri, limited, suspended_at)"
	" SELECT 'u' || i, CASE WHEN i % 3 <> 0 THEN 'x' END,"
	" CASE WHEN i % 3 = 0 THEN 'peer' || (i % 9 / 3) || '.example' END,"
	" CASE WHEN i % 3 = 0 THEN 'https://peer' || (i % 9 / 3) || '.example/u/' || i END,"
	" i % 11 = 0 OR random() < 0.05, CASE WHEN i % 13 = 0 OR random() < 0.05 THEN now() END"
	" FROM generate_series(1, 30) i;"
	"INSERT INTO domain_policies (domain, limited) VALUES ('peer1.example', true);"
	"INSERT INTO statuses (account_id, visibility)"
	" SELECT (SELECT id FROM accounts ORDER BY random() + i * 0 LIMIT 1),"
	" (ARRAY['public', 'unlisted', 'private', 'members', 'direct'])[1 + i % 5]"
	" FROM generate_series(1, 200) i;"
	"INSERT INTO follows (account_id, target_account_id) SELECT a.id, b.id FROM accounts a,"
	" accounts b WHERE a.id <> b.id AND random() < 0.3;"
	"INSERT INTO blocks (account_id, target_account_id) SELECT a.id, b.id FROM accounts a,"
	" accounts b WHERE a.id <> b.id AND random() < 0.05;"
	"INSERT INTO mentions (status_id, account_id) SELECT s.id, a.id FROM statuses s,"
	" accounts a WHERE random() < 0.1;";

static void
exec_script(const char *sql)
{
	struct err e;
	err_clear(&e);
	ck_assert_msg(db_exec_script(&e, sql) == 0, "%s", e.detail);
}

static long
count(const char *sql)
{
	struct arena *a = arena_new();
	struct err e;
	err_clear(&e);
	PGresult *r = db_query(a, &e, sql, 0, NULL);
	ck_assert_msg(r != NULL, "%s: %s", sql, e.detail);
	long n = atol(db_value(r, 0, 0));
	arena_free(a);
	return n;
}

static void
visibility_db_create(struct testdb *t, const char *tag)
{
	testdb_create(t, tag);
	char dir[1024];
	const char *src = getenv("PARASOL_SRCDIR");
	snprintf(dir, sizeof dir, "%s/migrations", src ? src : ".");
	struct err e;
	err_clear(&e);
	ck_assert_msg(migrate_run(dir, &e) > 0, "migrations: %s", e.detail);
	exec_script(reference);
}

START_TEST(test_same_answers_as_the_rule)
{
	struct testdb t;
	visibility_db_create(&t, "rule");
	for (int seed = 0; seed < 5; seed++) {
		char setseed[64];
		snprintf(setseed, sizeof setseed, "SELECT setseed(0.%d)", seed + 1);
		exec_script(setseed);
		exec_script("TRUNCATE accounts, domain_policies CASCADE");
		exec_script(data);
		long members = count(
			"SELECT count(*) FROM accounts w CROSS JOIN statuses s WHERE"
			" ref_visible(s.account_id, s.visibility, s.id, w.id) IS DISTINCT FROM"
			" " VISIBLE_TO("s", "w.id"));
		ck_assert_msg(members == 0, "seed %d: %ld (viewer, post) pairs differ", seed,
			      members);
		long visitors = count(
			"SELECT count(*) FROM statuses s WHERE"
			" ref_visible(s.account_id, s.visibility, s.id, NULL) IS DISTINCT FROM"
			" " VISIBLE_TO("s", "NULL::bigint"));
		ck_assert_msg(visitors == 0, "seed %d: %ld posts differ for visitors", seed,
			      visitors);
		long limited = count("SELECT count(*) FROM accounts a WHERE ref_limited(a.id)"
				     " IS DISTINCT FROM " ACCOUNT_LIMITED("a.id"));
		ck_assert_msg(limited == 0, "seed %d: ACCOUNT_LIMITED differs for %ld", seed,
			      limited);
		/* not vacuous: each visibility is seen by some viewers and hidden from others,
		 * and each special case happens */
		static const char *const vis[] = {"public", "unlisted", "private", "members",
						  "direct"};
		for (size_t i = 0; i < sizeof vis / sizeof vis[0]; i++) {
			char sql[512];
			snprintf(sql, sizeof sql,
				 "SELECT count(DISTINCT ref_visible(s.account_id, s.visibility, s.id,"
				 " w.id)) FROM accounts w CROSS JOIN statuses s"
				 " WHERE s.visibility = '%s'",
				 vis[i]);
			ck_assert_msg(count(sql) == 2, "seed %d: %s posts all alike", seed, vis[i]);
		}
		ck_assert(count("SELECT count(*) FROM accounts WHERE suspended_at IS NOT NULL") > 0);
		ck_assert(count("SELECT count(*) FROM accounts a WHERE ref_limited(a.id)") > 0);
		ck_assert(count("SELECT count(*) FROM blocks") > 0);
	}
	testdb_drop(&t);
}
END_TEST

static Suite *
visibility_suite(void)
{
	Suite *s = suite_create("visibility");
	TCase *tc = tcase_create("rule");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_same_answers_as_the_rule);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	if (getenv("PARASOL_TEST_PGHOST") == NULL || *getenv("PARASOL_TEST_PGHOST") == '\0') {
		printf("1..0 # SKIP no PostgreSQL\n");
		return 0;
	}
	testdb_init("v");
	SRunner *sr = srunner_create(visibility_suite());
	srunner_run_all(sr, CK_ENV);
	int failures = srunner_ntests_failed(sr);
	srunner_free(sr);
	db_thread_close();
	testdb_drop_leftovers();
	return failures ? 1 : 0;
}
