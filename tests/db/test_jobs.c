/* test_jobs.c - the durable job queue (jobs/queue.c, db/jobs.c) and its workers
 * (jobs/worker.c) against a real PostgreSQL.
 *
 * Needs PARASOL_TEST_PGHOST (and _PGPORT, _PGUSER: a superuser with trust auth) and
 * PARASOL_SRCDIR; without PARASOL_TEST_PGHOST it reports a skipped plan. Each test makes its own
 * database, parasol_j_<pid>_<tag>, applies the real migrations and drops it; main() drops any a
 * failed test left behind. Check forks a child per test, so handler state in globals starts
 * fresh in every test. */
#include "testdb.h"
#include "db/db.h"
#include "db/migrate.h"
#include "jobs/group.h"
#include "jobs/queue.h"
#include "jobs/worker.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"

#include <check.h>
#include <inttypes.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Handler state: reset by jobs_db_create, so tests also pass without Check's fork. */
#define CONCURRENT_JOBS 200
#define CONCURRENT_THREADS 4
static atomic_int handled[CONCURRENT_JOBS];
static atomic_int calls;
static atomic_int give_ups;
static atomic_int seen[CONCURRENT_JOBS];
static enum err_code fail_with = ERR_NONE;
static atomic_int slow_started, slow_finished;

static void
reset_state(void)
{
	for (int i = 0; i < CONCURRENT_JOBS; i++) {
		atomic_store(&handled[i], 0);
		atomic_store(&seen[i], 0);
	}
	atomic_store(&calls, 0);
	atomic_store(&give_ups, 0);
	atomic_store(&slow_started, 0);
	atomic_store(&slow_finished, 0);
	fail_with = ERR_NONE;
	for (int k = 0; k < JOB__MAX; k++) {
		worker_register((enum job_kind)k, NULL);
		worker_register_give_up((enum job_kind)k, NULL);
	}
}

/* --- databases ---------------------------------------------------------------------------- */

/* Creates a database for this test with every migration applied, and points db_init at it. */
static void
jobs_db_create(struct testdb *t, const char *tag)
{
	reset_state();
	testdb_create(t, tag);
	char dir[1024];
	const char *src = getenv("PARASOL_SRCDIR");
	snprintf(dir, sizeof dir, "%s/migrations", src ? src : ".");
	struct err e;
	err_clear(&e);
	ck_assert_msg(migrate_run(dir, &e) > 0, "migrations: %s", e.detail);
}

/* --- helpers ------------------------------------------------------------------------------ */

/* Runs sql with one id parameter ($1) and returns the first value as a double (-1 for NULL,
 * -2 for no row); fails the test on error. */
static double
query_num(const char *sql, int64_t id)
{
	struct arena *a = arena_new();
	struct err e;
	char buf[ID_STRLEN];
	const char *p[] = {id_format(id, buf)};
	PGresult *r = db_query(a, &e, sql, strstr(sql, "$1") ? 1 : 0, p);
	ck_assert_msg(r != NULL, "%s: %s", sql, e.detail);
	double n = -2;
	if (PQntuples(r) > 0) {
		const char *v = db_value(r, 0, 0);
		n = v != NULL ? strtod(v, NULL) : -1;
	}
	arena_free(a);
	return n;
}

static char *
query_str(const char *sql, int64_t id)
{
	struct arena *a = arena_new();
	struct err e;
	char buf[ID_STRLEN];
	const char *p[] = {id_format(id, buf)};
	PGresult *r = db_query(a, &e, sql, 1, p);
	ck_assert_msg(r != NULL, "%s: %s", sql, e.detail);
	const char *v = PQntuples(r) ? db_value(r, 0, 0) : NULL;
	char *copy = strdup(v != NULL ? v : "(null)");
	arena_free(a);
	return copy;
}

static void
exec_id(const char *sql, int64_t id)
{
	query_num(sql, id);
}

static long
jobs_count(void)
{
	return (long)query_num("SELECT count(*) FROM jobs", 0);
}

/* Seconds from now until the job is due. */
static double
due_in(int64_t id)
{
	return query_num("SELECT extract(epoch FROM run_at - now()) FROM jobs WHERE id = $1", id);
}

static int
attempts_of(int64_t id)
{
	return (int)query_num("SELECT attempts FROM jobs WHERE id = $1", id);
}

static int64_t
enqueue_n(enum job_kind kind, int n, int delay_s)
{
	struct arena *a = arena_new();
	struct err e;
	err_clear(&e);
	json_t *p = json_pack("{s:i, s:s}", "n", n, "note", "caf\xc3\xa9 \xe4\xbd\xa0\xe5\xa5\xbd");
	int64_t id = job_enqueue(a, kind, p, delay_s, &e);
	json_decref(p);
	ck_assert_msg(id > 0, "enqueue: %s", e.detail);
	arena_free(a);
	return id;
}

static double
now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Claims on a thread of its own (its own connection, as another worker would). */
struct claimer {
	unsigned kinds;
	int lease_s;
	int rc;
	struct job job;
	struct err err;
};

static void *
claim_thread(void *arg)
{
	struct claimer *c = arg;
	struct arena *a = arena_new();
	err_clear(&c->err);
	c->rc = job_claim(a, c->kinds, &c->job, c->lease_s, &c->err);
	c->job.payload = NULL; /* owned by the arena freed below */
	arena_free(a);
	db_thread_close();
	return NULL;
}

static int
claim_elsewhere(int lease_s, int64_t *id, int *attempts)
{
	struct claimer c = {.kinds = JOB_KINDS_ANY, .lease_s = lease_s};
	pthread_t th;
	ck_assert_int_eq(pthread_create(&th, NULL, claim_thread, &c), 0);
	ck_assert_int_eq(pthread_join(th, NULL), 0);
	ck_assert_msg(c.rc >= 0, "claim: %s", c.err.detail);
	if (c.rc == 1) {
		*id = c.job.id;
		*attempts = c.job.attempts;
	}
	return c.rc;
}

/* --- the queue ---------------------------------------------------------------------------- */

START_TEST(test_kind_names)
{
	enum job_kind k;
	ck_assert_str_eq(job_kind_name(JOB_INBOX), "inbox");
	ck_assert_str_eq(job_kind_name(JOB_DELIVER), "deliver");
	ck_assert_str_eq(job_kind_name(JOB__MAX), "?");
	ck_assert_int_eq(job_kind_parse("deliver", &k), 0);
	ck_assert_int_eq(k, JOB_DELIVER);
	ck_assert_int_eq(job_kind_parse("inbox", &k), 0);
	ck_assert_int_eq(k, JOB_INBOX);
	ck_assert_int_eq(job_kind_parse("Inbox", &k), -1);
	ck_assert_int_eq(job_kind_parse("expire", &k), -1);
	ck_assert_int_eq(job_kind_parse(NULL, &k), -1);
	ck_assert_int_eq(job_backoff_s(0), 30);
	ck_assert_int_eq(job_backoff_s(1), 30);
	ck_assert_int_eq(job_backoff_s(2), 60);
	ck_assert_int_eq(job_backoff_s(5), 480);
	ck_assert_int_eq(job_backoff_s(10), 15360);
	ck_assert_int_eq(job_backoff_s(11), 6 * 3600);
	ck_assert_int_eq(job_backoff_s(1000), 6 * 3600);
	/* At least two days of attempts fit under the attempt cap. */
	long total = 0;
	for (int i = 1; i < JOB_MAX_ATTEMPTS; i++)
		total += job_backoff_s(i);
	ck_assert_int_gt(total, JOB_GIVE_UP_AGE_S);
	ck_assert(worker_retryable(ERR_UNAVAILABLE));
	ck_assert(worker_retryable(ERR_INTERNAL));
	ck_assert(!worker_retryable(ERR_INVALID));
	ck_assert(!worker_retryable(ERR_FORBIDDEN));
	ck_assert(!worker_retryable(ERR_NOT_FOUND));
}
END_TEST

START_TEST(test_enqueue_claim_done)
{
	struct testdb t;
	jobs_db_create(&t, "basic");
	struct arena *a = arena_new();
	struct err e;
	err_clear(&e);

	int64_t first = enqueue_n(JOB_INBOX, 1, 0);
	int64_t second = enqueue_n(JOB_INBOX, 2, 0);
	ck_assert_int_gt(second, first);
	ck_assert_int_eq(jobs_count(), 2);

	struct job job;
	ck_assert_int_eq(job_claim(a, JOB_KINDS_ANY, &job, 60, &e), 1);
	ck_assert(job.id == first); /* oldest first */
	ck_assert_int_eq(job.kind, JOB_INBOX);
	ck_assert_int_eq(job.attempts, 1);
	ck_assert_ptr_nonnull(job.payload);
	ck_assert_int_eq(json_integer_value(json_object_get(job.payload, "n")), 1);
	ck_assert_str_eq(json_string_value(json_object_get(job.payload, "note")),
			 "caf\xc3\xa9 \xe4\xbd\xa0\xe5\xa5\xbd");
	ck_assert_double_ge(due_in(first), 55);
	ck_assert_int_eq(job_done(a, first, &e), 0);
	ck_assert_double_eq(query_num("SELECT count(*) FROM jobs WHERE id = $1", first), 0);
	ck_assert_int_eq(job_done(a, first, &e), 0); /* gone already: not an error */

	ck_assert_int_eq(job_claim(a, JOB_KINDS_ANY, &job, 60, &e), 1);
	ck_assert(job.id == second);
	ck_assert_int_eq(job_claim(a, JOB_KINDS_ANY, &job, 60, &e), 0); /* leased */
	ck_assert_int_eq(job_done(a, second, &e), 0);
	ck_assert_int_eq(jobs_count(), 0);
	ck_assert_int_eq(job_claim(a, JOB_KINDS_ANY, &job, 60, &e), 0);

	/* Kinds filter the claim; a delayed job is not due. */
	int64_t deliver = enqueue_n(JOB_DELIVER, 3, 0);
	int64_t later = enqueue_n(JOB_INBOX, 4, 3600);
	ck_assert_double_ge(due_in(later), 3590);
	ck_assert_int_eq(job_claim(a, JOB_KIND_BIT(JOB_INBOX), &job, 60, &e), 0);
	ck_assert_int_eq(
	    job_claim(a, JOB_KIND_BIT(JOB_INBOX) | JOB_KIND_BIT(JOB_DELIVER), &job, 60, &e), 1);
	ck_assert(job.id == deliver);
	ck_assert_int_eq(job.kind, JOB_DELIVER);

	/* Bad arguments fail without storing anything. */
	err_clear(&e);
	ck_assert(job_enqueue(a, JOB_INBOX, NULL, 0, &e) == -1);
	ck_assert_int_eq(e.code, ERR_INTERNAL);
	json_t *p = json_object();
	ck_assert(job_enqueue(a, JOB__MAX, p, 0, &e) == -1);
	ck_assert(job_enqueue(a, JOB_INBOX, p, -1, &e) == -1);
	/* A bare string payload is fine. */
	json_t *s = json_string("https://peer.example/activities/1");
	ck_assert(job_enqueue(a, JOB_INBOX, s, 0, &e) > 0);
	json_decref(s);
	json_decref(p);
	ck_assert_int_eq(jobs_count(), 3);
	ck_assert_int_eq(job_claim(a, JOB_KIND_BIT(JOB_INBOX), &job, 60, &e), 1);
	ck_assert_str_eq(json_string_value(job.payload), "https://peer.example/activities/1");
	arena_free(a);
	testdb_drop(&t);
}
END_TEST

static int64_t
enqueue_delivery(struct arena *a, const char *inbox, int n)
{
	struct err e;
	err_clear(&e);
	json_t *p = json_pack("{s:s, s:i}", "inbox", inbox, "n", n);
	int64_t id = job_enqueue(a, JOB_DELIVER, p, 0, &e);
	json_decref(p);
	ck_assert_msg(id > 0, "enqueue: %s", e.detail);
	return id;
}

/* Deliveries to one inbox are claimed one at a time, oldest first, even with the older one
 * running or waiting for a retry; other inboxes are not held up. */
START_TEST(test_deliveries_to_one_inbox_in_order)
{
	struct testdb t;
	jobs_db_create(&t, "order");
	struct arena *a = arena_new();
	struct err e;
	err_clear(&e);
	int64_t like = enqueue_delivery(a, "https://peer.example/inbox", 1);
	int64_t undo = enqueue_delivery(a, "https://peer.example/inbox", 2);
	int64_t other = enqueue_delivery(a, "https://other.example/inbox", 3);
	struct job job;
	ck_assert_int_eq(job_claim(a, JOB_KINDS_ANY, &job, 60, &e), 1);
	ck_assert(job.id == like);
	/* the Like is out (running): its Undo waits, the other inbox's delivery goes */
	ck_assert_int_eq(job_claim(a, JOB_KINDS_ANY, &job, 60, &e), 1);
	ck_assert(job.id == other);
	ck_assert_int_eq(job_claim(a, JOB_KINDS_ANY, &job, 60, &e), 0);
	/* the Like failed and waits for its retry: the Undo still waits behind it */
	ck_assert_int_eq(job_retry(a, like, 1, "peer down", &e), 0);
	ck_assert_int_eq(job_claim(a, JOB_KINDS_ANY, &job, 60, &e), 0);
	query_num("UPDATE jobs SET run_at = now() WHERE id = $1 RETURNING 1", like);
	ck_assert_int_eq(job_claim(a, JOB_KINDS_ANY, &job, 60, &e), 1);
	ck_assert(job.id == like);
	ck_assert_int_eq(job_done(a, like, &e), 0);
	ck_assert_int_eq(job_claim(a, JOB_KINDS_ANY, &job, 60, &e), 1);
	ck_assert(job.id == undo);
	arena_free(a);
	testdb_drop(&t);
}
END_TEST

/* Two claims racing may each miss the other's lease: the host's lock (a session advisory lock
 * of the claimer's connection) still lets only one of them deliver to the host. The race is
 * played by hiding the first claim's lease, as the second claim's snapshot would. */
START_TEST(test_host_lock_settles_a_race)
{
	struct testdb t;
	jobs_db_create(&t, "hostlock");
	struct arena *a = arena_new();
	struct err e;
	err_clear(&e);
	int64_t first = enqueue_delivery(a, "https://peer.example/users/a/inbox", 1);
	int64_t second = enqueue_delivery(a, "https://PEER.example/users/b/inbox", 2);
	int64_t other = enqueue_delivery(a, "https://other.example/inbox", 3);
	struct job job;
	ck_assert_int_eq(job_claim(a, JOB_KINDS_ANY, &job, 60, &e), 1);
	ck_assert(job.id == first && job.locked_inbox != NULL);
	exec_id("UPDATE jobs SET leased_by = NULL WHERE id = $1 RETURNING 1", first);
	/* another worker: peer.example's second delivery looks free, but its host is locked */
	int64_t id = 0;
	int attempts = 0;
	ck_assert_int_eq(claim_elsewhere(60, &id, &attempts), 1);
	ck_assert_msg(id == other, "claimed %" PRId64 ", not the other host's delivery", id);
	ck_assert_int_eq(query_num("SELECT count(*) FROM jobs WHERE id = $1 AND leased_by IS NULL",
				   second), 1);
	ck_assert_int_eq(attempts_of(second), 0);
	double due = due_in(second);
	ck_assert_msg(due > 0 && due <= JOB_HOST_BUSY_DELAY_S, "given back due in %.2f s", due);
	/* once the first delivery is over, the host is free */
	job_release(a, &job);
	ck_assert(job.locked_inbox == NULL);
	exec_id("UPDATE jobs SET run_at = now() WHERE id = $1 RETURNING 1", second);
	ck_assert_int_eq(claim_elsewhere(60, &id, &attempts), 1);
	ck_assert(id == second);
	ck_assert_int_eq(attempts, 1);
	arena_free(a);
	testdb_drop(&t);
}
END_TEST

/* Queues 500 deliveries to as many inboxes, then claims one inside a transaction (rolled
 * back) and checks that it read fewer than 100 rows of jobs, as PostgreSQL counts them. */
static void
claim_among_500(struct arena *a)
{
	struct err e;
	err_clear(&e);
	query_num("INSERT INTO jobs (kind, payload) SELECT 'deliver', jsonb_build_object('inbox',"
		  " 'https://fan' || g || '.example/inbox', 'n', g) FROM generate_series(1, 500) g",
		  0);
	const char *read_sql = "SELECT coalesce(sum(seq_tup_read + coalesce(idx_tup_fetch, 0)), 0)"
			       " FROM pg_stat_xact_user_tables WHERE relname = 'jobs'";
	ck_assert_int_eq(db_begin(&e), 0);
	double before = query_num(read_sql, 0);
	struct job job;
	ck_assert_int_eq(job_claim(a, JOB_KINDS_ANY, &job, 60, &e), 1);
	double rows = query_num(read_sql, 0) - before;
	db_rollback();
	job_release(a, &job);
	ck_assert_msg(rows < 100, "one claim read %.0f rows of jobs with 500 queued", rows);
}

/* A claim reads about as many rows as it takes, however many deliveries wait and however
 * stale the statistics: it walks the due jobs in order and stops at the first it may run,
 * and looks for an older delivery to the same inbox by that inbox's index (migration 0036;
 * before it, a claim with 500 deliveries queued and statistics taken on an empty table read
 * about 250,000 rows). The rows are counted by PostgreSQL for this transaction. */
START_TEST(test_claim_reads_little)
{
	struct testdb t;
	jobs_db_create(&t, "claimwork");
	struct arena *a = arena_new();
	query_num("ANALYZE jobs", 0); /* statistics of an empty table, as after a quiet night */
	claim_among_500(a);
	arena_free(a);
	testdb_drop(&t);
}
END_TEST

/* The same when this connection first claimed while the queue was empty (a worker that
 * starts on a quiet night, then a member with 500 follower inboxes posts): a plan made for
 * an empty table and kept for the connection scans every job for each job it looks at (the
 * fan-out bench took 300 ms a claim, 40 s for 500 deliveries), so the queue's statements are
 * planned each time they run (db_query_queue). */
START_TEST(test_claim_planned_on_empty_queue)
{
	struct testdb t;
	jobs_db_create(&t, "claimempty");
	struct arena *a = arena_new();
	struct err e;
	err_clear(&e);
	/* an empty file with statistics that say so, as autovacuum leaves a drained queue */
	query_num("TRUNCATE jobs", 0);
	query_num("ANALYZE jobs", 0);
	struct job job;
	ck_assert_int_eq(job_claim(a, JOB_KINDS_ANY, &job, 60, &e), 0);
	claim_among_500(a);
	arena_free(a);
	testdb_drop(&t);
}
END_TEST

START_TEST(test_lease_hides_then_expires)
{
	struct testdb t;
	jobs_db_create(&t, "lease");
	int64_t id = enqueue_n(JOB_DELIVER, 1, 0), got = 0;
	int attempts = 0;
	ck_assert_int_eq(claim_elsewhere(1, &got, &attempts), 1);
	ck_assert(got == id);
	ck_assert_int_eq(attempts, 1);
	/* A second claimer sees nothing while the lease runs... */
	ck_assert_int_eq(claim_elsewhere(1, &got, &attempts), 0);
	/* The lease is the job's run_at set ahead: its end is brought forward here instead of
	 * waited for. */
	query_num("UPDATE jobs SET run_at = now() WHERE id = $1 RETURNING 1", id);
	/* ...and gets the job once it ran out: the first claimer never finished it. */
	got = 0;
	ck_assert_int_eq(claim_elsewhere(60, &got, &attempts), 1);
	ck_assert(got == id);
	ck_assert_int_eq(attempts, 2);
	ck_assert_int_eq(jobs_count(), 1);
	testdb_drop(&t);
}
END_TEST

START_TEST(test_killed_worker_loses_nothing)
{
	struct testdb t;
	jobs_db_create(&t, "killed");
	int64_t id = enqueue_n(JOB_DELIVER, 7, 0);
	db_thread_close(); /* the child must not share this connection */
	pid_t child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		/* A worker that claims the job and dies before finishing it. */
		struct arena *a = arena_new();
		struct err e;
		struct job job;
		int rc = job_claim(a, JOB_KINDS_ANY, &job, 2, &e);
		_exit(rc == 1 && job.id == id ? 0 : 1);
	}
	int status = 0;
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child claim failed");
	int64_t got = 0;
	int attempts = 0;
	ck_assert_int_eq(claim_elsewhere(60, &got, &attempts), 0);
	ck_assert_int_eq(jobs_count(), 1);
	query_num("UPDATE jobs SET run_at = now() WHERE id = $1 RETURNING 1", id); /* lease over */
	ck_assert_int_eq(claim_elsewhere(60, &got, &attempts), 1);
	ck_assert(got == id);
	ck_assert_int_eq(attempts, 2);
	testdb_drop(&t);
}
END_TEST

START_TEST(test_dead_claimer_released)
{
	struct testdb t;
	jobs_db_create(&t, "orphans");
	int64_t id = enqueue_n(JOB_DELIVER, 8, 0), got = 0;
	int attempts = 0;
	/* A claim held by a live connection (this thread's) is left alone... */
	struct arena *a = arena_new();
	struct err e;
	err_clear(&e);
	struct job job;
	ck_assert_int_eq(job_claim(a, JOB_KINDS_ANY, &job, 300, &e), 1);
	ck_assert(job.id == id);
	ck_assert_int_eq(job_release_orphans(a, &e), 0);
	ck_assert_int_eq(claim_elsewhere(60, &got, &attempts), 0);
	/* ...and once that connection is gone (its worker died), the job is due at once, long
	 * before its 300 s lease ends. The backend leaves pg_stat_activity shortly after the
	 * connection closes: poll for it. */
	arena_free(a);
	db_thread_close();
	a = arena_new();
	long released = 0;
	for (int i = 0; i < 100 && released == 0; i++) {
		released = job_release_orphans(a, &e);
		ck_assert_msg(released >= 0, "release: %s", e.detail);
		if (released == 0)
			usleep(50 * 1000);
	}
	ck_assert_int_eq(released, 1);
	ck_assert_int_eq(claim_elsewhere(60, &got, &attempts), 1);
	ck_assert(got == id);
	ck_assert_int_eq(attempts, 2);
	arena_free(a);
	testdb_drop(&t);
}
END_TEST

struct drainer {
	int done;
	struct err err;
	int failed;
};

static void *
drain_thread(void *arg)
{
	struct drainer *d = arg;
	for (;;) {
		struct arena *a = arena_new();
		struct job job;
		err_clear(&d->err);
		int rc = job_claim(a, JOB_KINDS_ANY, &job, 60, &d->err);
		if (rc == 1) {
			json_int_t n = json_integer_value(json_object_get(job.payload, "n"));
			if (n >= 0 && n < CONCURRENT_JOBS)
				atomic_fetch_add(&handled[n], 1);
			if (job_done(a, job.id, &d->err) != 0)
				rc = -1;
			else
				d->done++;
		}
		arena_free(a);
		if (rc < 0)
			d->failed = 1;
		if (rc != 1)
			break;
	}
	db_thread_close();
	return NULL;
}

START_TEST(test_concurrent_claims_once_each)
{
	struct testdb t;
	jobs_db_create(&t, "concurrent");
	for (int i = 0; i < CONCURRENT_JOBS; i++)
		enqueue_n(i % 2 ? JOB_INBOX : JOB_DELIVER, i, 0);
	db_thread_close();
	struct drainer d[CONCURRENT_THREADS];
	pthread_t th[CONCURRENT_THREADS];
	memset(d, 0, sizeof d);
	for (int i = 0; i < CONCURRENT_THREADS; i++)
		ck_assert_int_eq(pthread_create(&th[i], NULL, drain_thread, &d[i]), 0);
	for (int i = 0; i < CONCURRENT_THREADS; i++)
		ck_assert_int_eq(pthread_join(th[i], NULL), 0);
	int total = 0;
	for (int i = 0; i < CONCURRENT_THREADS; i++) {
		ck_assert_msg(!d[i].failed, "thread %d: %s", i, d[i].err.detail);
		total += d[i].done;
	}
	ck_assert_int_eq(total, CONCURRENT_JOBS);
	for (int i = 0; i < CONCURRENT_JOBS; i++)
		ck_assert_msg(atomic_load(&handled[i]) == 1, "job %d handled %d times", i,
			      atomic_load(&handled[i]));
	ck_assert_int_eq(jobs_count(), 0);
	/* Both claimers took a share (SKIP LOCKED let them pass each other). */
	int busy = 0;
	for (int i = 0; i < CONCURRENT_THREADS; i++)
		busy += d[i].done > 0;
	ck_assert_int_ge(busy, 2);
	testdb_drop(&t);
}
END_TEST

START_TEST(test_retry_backoff)
{
	struct testdb t;
	jobs_db_create(&t, "retry");
	struct arena *a = arena_new();
	struct err e;
	err_clear(&e);
	int64_t id = enqueue_n(JOB_DELIVER, 1, 0);
	struct job job;
	ck_assert_int_eq(job_claim(a, JOB_KINDS_ANY, &job, 60, &e), 1);

	/* 600 characters, two bytes each, and a newline: cut to 500 characters, one line. */
	char error[1300] = "line one\nline two ";
	while (strlen(error) < 1200)
		strcat(error, "\xc3\xa9");
	ck_assert_int_eq(job_retry(a, id, 1, error, &e), 0);
	double d = due_in(id);
	ck_assert_msg(d > 28 && d <= 33.5, "first retry due in %.1f s", d);
	ck_assert_double_eq(query_num("SELECT char_length(last_error) FROM jobs WHERE id = $1", id),
			    JOB_ERROR_MAX_CHARS);
	char *stored = query_str("SELECT last_error FROM jobs WHERE id = $1", id);
	ck_assert_msg(strncmp(stored, "line one line two \xc3\xa9", 20) == 0, "%s", stored);
	free(stored);
	ck_assert_int_eq(attempts_of(id), 1); /* retry doesn't count: the claim did */

	ck_assert_int_eq(job_retry(a, id, 5, "timeout", &e), 0);
	d = due_in(id);
	ck_assert_msg(d > 478 && d <= 528.5, "fifth retry due in %.1f s", d);
	ck_assert_int_eq(job_retry(a, id, 15, "timeout", &e), 0);
	d = due_in(id);
	ck_assert_msg(d > 21598 && d <= 23760.5, "15th retry due in %.1f s", d);

	/* Bytes that are not UTF-8 are stored as '?', not refused by PostgreSQL. */
	ck_assert_int_eq(job_retry(a, id, 2, "bad \xff\xfe byte", &e), 0);
	stored = query_str("SELECT last_error FROM jobs WHERE id = $1", id);
	ck_assert_str_eq(stored, "bad ?? byte");
	free(stored);
	ck_assert_int_eq(job_retry(a, id, 2, NULL, &e), 0);
	stored = query_str("SELECT last_error FROM jobs WHERE id = $1", id);
	ck_assert_str_eq(stored, "failed");
	free(stored);
	/* The jitter spreads jobs that failed together (up to 10% of 6 h: 36 minutes). */
	for (int i = 0; i < 5; i++) {
		int64_t other = enqueue_n(JOB_DELIVER, 10 + i, 0);
		ck_assert_int_eq(job_retry(a, other, 11, "timeout", &e), 0);
	}
	ck_assert_double_ge(query_num("SELECT count(DISTINCT floor(extract(epoch FROM run_at)))"
				      " FROM jobs WHERE last_error = 'timeout'",
				      0),
			    3);
	arena_free(a);
	testdb_drop(&t);
}
END_TEST

START_TEST(test_give_up)
{
	struct testdb t;
	jobs_db_create(&t, "giveup");
	struct arena *a = arena_new();
	struct err e;
	err_clear(&e);
	/* More than two days old: given up and deleted. */
	int64_t old = enqueue_n(JOB_DELIVER, 1, 0);
	exec_id("UPDATE jobs SET created_at = now() - interval '2 days 1 minute' WHERE id = $1",
		old);
	ck_assert_int_eq(job_retry(a, old, 3, "connection refused", &e), 1);
	ck_assert_double_eq(query_num("SELECT count(*) FROM jobs WHERE id = $1", old), 0);
	/* A day and a half old: retried. */
	int64_t young = enqueue_n(JOB_DELIVER, 2, 0);
	exec_id("UPDATE jobs SET created_at = now() - interval '36 hours' WHERE id = $1", young);
	ck_assert_int_eq(job_retry(a, young, 3, "connection refused", &e), 0);
	ck_assert_double_eq(query_num("SELECT count(*) FROM jobs WHERE id = $1", young), 1);
	/* Too many attempts: given up whatever its age. */
	ck_assert_int_eq(job_retry(a, young, JOB_MAX_ATTEMPTS, "connection refused", &e), 1);
	ck_assert_int_eq(jobs_count(), 0);
	arena_free(a);
	testdb_drop(&t);
}
END_TEST

/* --- workers ------------------------------------------------------------------------------ */

static int
count_handler(struct arena *a, const json_t *payload, struct err *err)
{
	(void)a;
	(void)err;
	json_int_t n = json_integer_value(json_object_get(payload, "n"));
	if (n >= 0 && n < CONCURRENT_JOBS)
		atomic_fetch_add(&seen[n], 1);
	atomic_fetch_add(&calls, 1);
	return 0;
}

static int
failing_handler(struct arena *a, const json_t *payload, struct err *err)
{
	(void)a;
	(void)payload;
	atomic_fetch_add(&calls, 1);
	return err_set(err, fail_with, NULL, "peer.example answered %d", 503);
}

static int
silent_handler(struct arena *a, const json_t *payload, struct err *err)
{
	(void)a;
	(void)payload;
	(void)err;
	return -1;
}

static void
count_give_up(struct arena *a, const json_t *payload, const struct err *last)
{
	(void)a;
	ck_assert_int_eq(json_integer_value(json_object_get(payload, "n")), 9);
	ck_assert_int_eq(last->code, fail_with == ERR_NONE ? ERR_INTERNAL : fail_with);
	atomic_fetch_add(&give_ups, 1);
}

/* Waits up to ms for the queue to empty; returns whether it did. */
static int
wait_empty(int ms)
{
	for (int waited = 0; waited < ms; waited += 20) {
		if (jobs_count() == 0)
			return 1;
		usleep(20 * 1000);
	}
	return jobs_count() == 0;
}

START_TEST(test_pool_runs_jobs)
{
	struct testdb t;
	jobs_db_create(&t, "pool");
	worker_register(JOB_INBOX, count_handler);
	worker_register(JOB_DELIVER, count_handler);
	for (int i = 0; i < 60; i++)
		enqueue_n(i % 3 ? JOB_INBOX : JOB_DELIVER, i, 0);
	struct err e;
	err_clear(&e);
	/* The poll an hour long from the start: a job runs within the waits below only because
	 * its enqueue woke a worker (or a worker was still claiming). */
	worker_set_poll_ms(3600 * 1000);
	struct worker_pool *pool = worker_pool_start(3, &e);
	ck_assert_msg(pool != NULL, "%s", e.detail);
	ck_assert_msg(wait_empty(10000), "%ld jobs left", jobs_count());
	for (int i = 0; i < 60; i++)
		ck_assert_msg(atomic_load(&seen[i]) == 1, "job %d ran %d times", i,
			      atomic_load(&seen[i]));
	/* An idle pool wakes when this process enqueues. */
	enqueue_n(JOB_INBOX, 100, 0);
	ck_assert_msg(wait_empty(60000), "the enqueue woke no worker");
	ck_assert_int_eq(atomic_load(&seen[100]), 1);
	/* A delayed job is found by the poll (short again). */
	worker_set_poll_ms(100);
	int64_t id = enqueue_n(JOB_INBOX, 101, 1);
	(void)id;
	ck_assert(wait_empty(60000));
	ck_assert_int_eq(atomic_load(&seen[101]), 1);
	worker_set_poll_ms(0);
	worker_pool_stop(pool);
	ck_assert_int_eq(atomic_load(&calls), 62);
	/* A pool of none, and bad sizes. */
	pool = worker_pool_start(0, &e);
	ck_assert_ptr_nonnull(pool);
	worker_pool_stop(pool);
	worker_pool_stop(NULL);
	ck_assert_ptr_null(worker_pool_start(33, &e));
	ck_assert_int_eq(e.code, ERR_INVALID);
	ck_assert_ptr_null(worker_pool_start(-1, &e));
	testdb_drop(&t);
}
END_TEST

static int
slow_handler(struct arena *a, const json_t *payload, struct err *err)
{
	(void)a;
	(void)payload;
	(void)err;
	atomic_store(&slow_started, 1);
	usleep(700 * 1000);
	atomic_store(&slow_finished, 1);
	return 0;
}

START_TEST(test_pool_stop_finishes_job)
{
	struct testdb t;
	jobs_db_create(&t, "stop");
	worker_register(JOB_DELIVER, slow_handler);
	enqueue_n(JOB_DELIVER, 1, 0);
	struct err e;
	struct worker_pool *pool = worker_pool_start(2, &e);
	ck_assert_ptr_nonnull(pool);
	for (int i = 0; i < 500 && !atomic_load(&slow_started); i++)
		usleep(10 * 1000);
	ck_assert(atomic_load(&slow_started));
	worker_pool_stop(pool); /* while the job runs */
	ck_assert(atomic_load(&slow_finished));
	ck_assert_int_eq(jobs_count(), 0); /* finished and deleted, not left leased */
	testdb_drop(&t);
}
END_TEST

START_TEST(test_permanent_failure_drops)
{
	struct testdb t;
	jobs_db_create(&t, "invalid");
	static const enum err_code permanent[] = {ERR_INVALID, ERR_FORBIDDEN, ERR_NOT_FOUND};
	worker_register(JOB_INBOX, failing_handler);
	struct err e;
	err_clear(&e);
	for (size_t i = 0; i < sizeof permanent / sizeof permanent[0]; i++) {
		fail_with = permanent[i];
		int64_t id = enqueue_n(JOB_INBOX, (int)i, 0);
		ck_assert_int_eq(worker_run_one(&e), 1);
		ck_assert_double_eq(query_num("SELECT count(*) FROM jobs WHERE id = $1", id), 0);
	}
	ck_assert_int_eq(atomic_load(&calls), 3);
	ck_assert_int_eq(worker_run_one(&e), 0);
	testdb_drop(&t);
}
END_TEST

START_TEST(test_transient_failure_retries)
{
	struct testdb t;
	jobs_db_create(&t, "unavailable");
	fail_with = ERR_UNAVAILABLE;
	worker_register(JOB_DELIVER, failing_handler);
	struct err e;
	err_clear(&e);
	int64_t id = enqueue_n(JOB_DELIVER, 1, 0);
	ck_assert_int_eq(worker_run_one(&e), 1);
	ck_assert_int_eq(attempts_of(id), 1);
	double d = due_in(id);
	ck_assert_msg(d > 28 && d <= 33.5, "due in %.1f s", d);
	char *stored = query_str("SELECT last_error FROM jobs WHERE id = $1", id);
	ck_assert_str_eq(stored, "unavailable: peer.example answered 503");
	free(stored);
	ck_assert_int_eq(worker_run_one(&e), 0); /* not due yet */
	exec_id("UPDATE jobs SET run_at = now() WHERE id = $1", id);
	ck_assert_int_eq(worker_run_one(&e), 1);
	ck_assert_int_eq(attempts_of(id), 2);
	d = due_in(id);
	ck_assert_msg(d > 58 && d <= 66.5, "due in %.1f s", d);
	ck_assert_int_eq(atomic_load(&calls), 2);

	/* ERR_INTERNAL and a handler that forgot to set a code are retried too. */
	fail_with = ERR_INTERNAL;
	exec_id("UPDATE jobs SET run_at = now() WHERE id = $1", id);
	ck_assert_int_eq(worker_run_one(&e), 1);
	ck_assert_int_eq(attempts_of(id), 3);

	/* Past two days the last failure gives it up, and the give-up hook hears of it. */
	fail_with = ERR_UNAVAILABLE;
	worker_register_give_up(JOB_DELIVER, count_give_up);
	int64_t old = enqueue_n(JOB_DELIVER, 9, 0);
	exec_id("UPDATE jobs SET created_at = now() - interval '3 days' WHERE id = $1", old);
	exec_id("UPDATE jobs SET run_at = now() + interval '1 hour' WHERE id <> $1", old);
	ck_assert_int_eq(worker_run_one(&e), 1);
	ck_assert_double_eq(query_num("SELECT count(*) FROM jobs WHERE id = $1", old), 0);
	ck_assert_int_eq(atomic_load(&give_ups), 1);
	testdb_drop(&t);
}
END_TEST

START_TEST(test_unhandled_kind_waits)
{
	struct testdb t;
	jobs_db_create(&t, "unknown");
	struct err e;
	err_clear(&e);
	int64_t deliver = enqueue_n(JOB_DELIVER, 1, 0);
	/* No handler at all: nothing is claimed. */
	ck_assert_int_eq(worker_run_one(&e), 0);
	/* A handler for inbox only: the deliver job is left alone, attempts unchanged. */
	worker_register(JOB_INBOX, count_handler);
	ck_assert_int_eq(worker_run_one(&e), 0);
	ck_assert_int_eq(attempts_of(deliver), 0);
	ck_assert_double_le(due_in(deliver), 0);
	ck_assert_double_eq(query_num("SELECT count(*) FROM jobs WHERE id = $1"
				      " AND last_error IS NULL",
				      deliver),
			    1);
	int64_t inbox = enqueue_n(JOB_INBOX, 2, 0);
	ck_assert_int_eq(worker_run_one(&e), 1);
	ck_assert_double_eq(query_num("SELECT count(*) FROM jobs WHERE id = $1", inbox), 0);
	ck_assert_int_eq(worker_run_one(&e), 0);
	/* Once a worker knows the kind, the job runs. */
	worker_register(JOB_DELIVER, count_handler);
	ck_assert_int_eq(worker_run_one(&e), 1);
	ck_assert_int_eq(jobs_count(), 0);
	ck_assert_int_eq(atomic_load(&calls), 2);
	worker_register(JOB_INBOX, NULL);
	worker_register(JOB_DELIVER, NULL);
	enqueue_n(JOB_INBOX, 3, 0);
	ck_assert_int_eq(worker_run_one(&e), 0);
	testdb_drop(&t);
}
END_TEST

START_TEST(test_never_finishing_job_given_up)
{
	struct testdb t;
	jobs_db_create(&t, "poison");
	fail_with = ERR_NONE;
	worker_register(JOB_DELIVER, failing_handler);
	worker_register_give_up(JOB_DELIVER, count_give_up);
	struct err e;
	err_clear(&e);
	/* Claimed JOB_MAX_ATTEMPTS times by workers that died: the next claim drops it
	 * without running it again. */
	int64_t id = enqueue_n(JOB_DELIVER, 9, 0);
	char sql[128];
	snprintf(sql, sizeof sql, "UPDATE jobs SET attempts = %d WHERE id = $1", JOB_MAX_ATTEMPTS);
	exec_id(sql, id);
	ck_assert_int_eq(worker_run_one(&e), 1);
	ck_assert_int_eq(jobs_count(), 0);
	ck_assert_int_eq(atomic_load(&calls), 0);
	ck_assert_int_eq(atomic_load(&give_ups), 1);
	/* A handler returning -1 without filling err is retried, not dropped. */
	worker_register(JOB_DELIVER, silent_handler);
	id = enqueue_n(JOB_DELIVER, 10, 0);
	ck_assert_int_eq(worker_run_one(&e), 1);
	ck_assert_int_eq(attempts_of(id), 1);
	char *stored = query_str("SELECT last_error FROM jobs WHERE id = $1", id);
	ck_assert_str_eq(stored, "none: no detail");
	free(stored);
	testdb_drop(&t);
}
END_TEST

START_TEST(test_queue_unreachable)
{
	struct testdb t;
	jobs_db_create(&t, "down");
	worker_register(JOB_INBOX, count_handler);
	testdb_drop(&t);
	/* The database is gone: clear ERR_UNAVAILABLE, nothing run, no crash. */
	struct err e;
	err_clear(&e);
	ck_assert_int_eq(worker_run_one(&e), -1);
	ck_assert_int_eq(e.code, ERR_UNAVAILABLE);
	struct arena *a = arena_new();
	json_t *p = json_object();
	err_clear(&e);
	ck_assert(job_enqueue(a, JOB_INBOX, p, 0, &e) == -1);
	ck_assert_int_eq(e.code, ERR_UNAVAILABLE);
	json_decref(p);
	arena_free(a);
	/* A pool keeps polling (and logs once) and still stops without waiting for its poll,
	 * made an hour long here: a stop that waited for it would take that hour. Both threads
	 * going to sleep three times each means polls came round (nothing wakes them here). */
	worker_set_poll_ms(200);
	unsigned long sleeps = worker_sleeps();
	struct worker_pool *pool = worker_pool_start(2, &e);
	ck_assert_ptr_nonnull(pool);
	worker_await_sleeps(sleeps + 6);
	worker_set_poll_ms(3600 * 1000);
	worker_await_asleep(2, 3600 * 1000); /* both threads asleep on the long poll */
	double start = now_s();
	worker_pool_stop(pool);
	worker_set_poll_ms(0);
	ck_assert_msg(now_s() - start < 600, "stop took %.3f s", now_s() - start);
	ck_assert_int_eq(atomic_load(&calls), 0);
	db_thread_close();
}
END_TEST

/* The group commit (jobs/group.c): items stored together, each told its own outcome. */
struct told {
	struct group_item item;
	int64_t id;
	enum err_code code;
	int calls;
};

static void
tell(struct group_item *item, int64_t id, const struct err *err)
{
	struct told *t = (struct told *)item;
	t->id = id;
	t->code = err != NULL ? err->code : ERR_NONE;
	t->calls++;
}

START_TEST(test_group_commit)
{
	struct testdb t;
	jobs_db_create(&t, "group");
	exec_id("INSERT INTO activities_seen (uri) VALUES ('https://peer.example/a/seen')", 0);
	enum { N = 5 };
	static const char *const uris[N] = {"https://peer.example/a/1", "https://peer.example/a/seen",
					    NULL, "https://peer.example/a/\"quoted\"",
					    "https://peer.example/a/5"};
	struct told items[N];
	struct group_item *batch[N];
	char payloads[N][64];
	for (int i = 0; i < N; i++) {
		snprintf(payloads[i], sizeof payloads[i], "{\"n\": %d, \"note\": \"caf\\u00e9\"}", i);
		items[i] = (struct told){.item = {.payload_json = payloads[i],
						  .unless_seen = uris[i],
						  .done = tell}};
		batch[i] = &items[i].item;
	}
	/* one statement: the seen one is not stored, the others are, each with its own id */
	group_store(batch, N);
	for (int i = 0; i < N; i++) {
		ck_assert_int_eq(items[i].calls, 1);
		ck_assert_int_eq(items[i].code, ERR_NONE);
		if (i == 1) {
			ck_assert(items[i].id == 0);
			continue;
		}
		ck_assert(items[i].id > 0);
		ck_assert_double_eq(query_num("SELECT (payload ->> 'n')::int FROM jobs WHERE id = $1"
					      " AND kind = 'inbox'",
					      items[i].id),
				    i);
	}
	ck_assert_int_eq(jobs_count(), N - 1);

	/* a refused member fails alone: the batch is stored again one by one */
	exec_id("CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
		"IF (NEW.payload ->> 'n')::int = 2 THEN RAISE EXCEPTION 'no'; END IF; "
		"RETURN NEW; END $$",
		0);
	exec_id("CREATE TRIGGER refuse BEFORE INSERT ON jobs FOR EACH ROW EXECUTE FUNCTION refuse()",
		0);
	for (int i = 0; i < N; i++)
		items[i] = (struct told){.item = {.payload_json = payloads[i], .done = tell}};
	group_store(batch, N);
	for (int i = 0; i < N; i++) {
		ck_assert_int_eq(items[i].calls, 1);
		ck_assert_int_eq(items[i].code, i == 2 ? ERR_INTERNAL : ERR_NONE);
		ck_assert(i == 2 ? items[i].id == -1 : items[i].id > 0);
	}
	ck_assert_int_eq(jobs_count(), 2 * N - 2);
	exec_id("DROP TRIGGER refuse ON jobs", 0);

	/* the thread: every item queued before the stop is stored and told; none after */
	ck_assert_int_eq(group_start(), 0);
	for (int i = 0; i < N; i++) {
		items[i] = (struct told){.item = {.payload_json = payloads[i], .done = tell}};
		ck_assert(group_submit(&items[i].item));
	}
	group_stop();
	for (int i = 0; i < N; i++) {
		ck_assert_int_eq(items[i].calls, 1);
		ck_assert(items[i].id > 0);
	}
	ck_assert_int_eq(jobs_count(), 3 * N - 2);
	struct told late = {.item = {.payload_json = payloads[0], .done = tell}};
	ck_assert(!group_submit(&late.item));
	ck_assert_int_eq(late.calls, 0);
	db_thread_close();
	testdb_drop(&t);
}
END_TEST

static Suite *
jobs_suite(void)
{
	Suite *s = suite_create("jobs");
	TCase *q = tcase_create("queue");
	tcase_set_timeout(q, 60);
	tcase_add_test(q, test_kind_names);
	tcase_add_test(q, test_enqueue_claim_done);
	tcase_add_test(q, test_deliveries_to_one_inbox_in_order);
	tcase_add_test(q, test_host_lock_settles_a_race);
	tcase_add_test(q, test_claim_reads_little);
	tcase_add_test(q, test_claim_planned_on_empty_queue);
	tcase_add_test(q, test_lease_hides_then_expires);
	tcase_add_test(q, test_killed_worker_loses_nothing);
	tcase_add_test(q, test_dead_claimer_released);
	tcase_add_test(q, test_concurrent_claims_once_each);
	tcase_add_test(q, test_retry_backoff);
	tcase_add_test(q, test_give_up);
	tcase_add_test(q, test_group_commit);
	suite_add_tcase(s, q);

	TCase *w = tcase_create("worker");
	tcase_set_timeout(w, 60);
	tcase_add_test(w, test_pool_runs_jobs);
	tcase_add_test(w, test_pool_stop_finishes_job);
	tcase_add_test(w, test_permanent_failure_drops);
	tcase_add_test(w, test_transient_failure_retries);
	tcase_add_test(w, test_unhandled_kind_waits);
	tcase_add_test(w, test_never_finishing_job_given_up);
	tcase_add_test(w, test_queue_unreachable);
	suite_add_tcase(s, w);
	return s;
}

int
main(void)
{
	if (getenv("PARASOL_TEST_PGHOST") == NULL || *getenv("PARASOL_TEST_PGHOST") == '\0') {
		printf("1..0 # SKIP no PostgreSQL\n");
		return 0;
	}
	testdb_init("j");
	SRunner *sr = srunner_create(jobs_suite());
	srunner_run_all(sr, CK_ENV);
	int failures = srunner_ntests_failed(sr);
	srunner_free(sr);
	db_thread_close();
	testdb_drop_leftovers();
	return failures ? 1 : 0;
}
