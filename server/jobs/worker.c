/* worker.c - the handler registry, running one job, and the pool of worker threads. */
#include "worker.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/db.h"
#include "util/arena.h"
#include "util/log.h"

/* --- registry ----------------------------------------------------------------------------- */

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static job_handler handlers[JOB__MAX];
static job_give_up_handler give_up_handlers[JOB__MAX];

void
worker_register(enum job_kind kind, job_handler fn)
{
	if ((unsigned)kind >= JOB__MAX)
		return;
	pthread_mutex_lock(&registry_lock);
	handlers[kind] = fn;
	pthread_mutex_unlock(&registry_lock);
}

void
worker_register_give_up(enum job_kind kind, job_give_up_handler fn)
{
	if ((unsigned)kind >= JOB__MAX)
		return;
	pthread_mutex_lock(&registry_lock);
	give_up_handlers[kind] = fn;
	pthread_mutex_unlock(&registry_lock);
}

/* The kinds that have a handler, as a job_claim set (0 when none: claim nothing). */
static unsigned
handled_kinds(void)
{
	unsigned kinds = 0;
	pthread_mutex_lock(&registry_lock);
	for (int k = 0; k < JOB__MAX; k++)
		if (handlers[k] != NULL)
			kinds |= JOB_KIND_BIT(k);
	pthread_mutex_unlock(&registry_lock);
	return kinds;
}

static void
lookup(enum job_kind kind, job_handler *fn, job_give_up_handler *give_up)
{
	pthread_mutex_lock(&registry_lock);
	*fn = handlers[kind];
	*give_up = give_up_handlers[kind];
	pthread_mutex_unlock(&registry_lock);
}

bool
worker_retryable(enum err_code code)
{
	switch (code) {
	case ERR_NONE: /* -1 without a code is a bug in the handler: don't lose the job */
	case ERR_UNAVAILABLE:
	case ERR_INTERNAL:
	case ERR_RATE_LIMITED:
		return true;
	default:
		return false;
	}
}

/* --- one job ------------------------------------------------------------------------------ */

/* "code: detail", the one-line reason for the log and last_error. */
static const char *
reason(struct arena *a, const struct err *e)
{
	const char *text = e->detail[0] ? e->detail : e->safe;
	return arena_printf(a, "%s: %s", err_code_name(e->code), text[0] ? text : "no detail");
}

static void
finish(struct arena *a, const struct job *job, const char *what)
{
	struct err e;
	err_clear(&e);
	if (job_done(a, job->id, &e) != 0)
		/* It stays leased and runs again when the lease ends; handlers are idempotent. */
		log_msg(LOG_WARN, "job %s %" PRId64 " %s but could not be deleted: %s",
			job_kind_name(job->kind), job->id, what, e.detail);
}

static void
give_up(struct arena *a, const struct job *job, job_give_up_handler hook, const struct err *last)
{
	log_msg(LOG_WARN, "job %s %" PRId64 " given up at attempt %d: %s", job_kind_name(job->kind),
		job->id, job->attempts, reason(a, last));
	if (hook != NULL && job->payload != NULL)
		hook(a, job->payload, last);
}

static _Thread_local int64_t current_job;

int64_t
worker_current_job(void)
{
	return current_job;
}

static void
run_job(struct arena *a, const struct job *job)
{
	const char *kind = job_kind_name(job->kind);
	job_handler fn;
	job_give_up_handler hook;
	lookup(job->kind, &fn, &hook);
	struct err e;
	err_clear(&e);

	if (job->payload == NULL) {
		log_msg(LOG_WARN, "job %s %" PRId64 " dropped: payload is not readable JSON", kind,
			job->id);
		finish(a, job, "was dropped");
		return;
	}
	if (job->attempts > JOB_MAX_ATTEMPTS) {
		/* Claimed this often without ever reaching job_retry: each run killed its worker
		 * or outlived the lease. Running it again would do the same. */
		err_set(&e, ERR_INTERNAL, NULL, "never finished within the lease");
		finish(a, job, "was given up");
		give_up(a, job, hook, &e);
		return;
	}
	int rc;
	if (fn == NULL) /* unregistered after the claim (tests do that): try again later */
		rc = err_set(&e, ERR_UNAVAILABLE, NULL, "no handler for this kind");
	else {
		current_job = job->id;
		rc = fn(a, job->payload, &e);
		current_job = 0;
	}
	db_rollback(); /* a handler that failed mid-transaction leaves none open */
	if (rc == 0) {
		finish(a, job, "was done");
		return;
	}
	if (!worker_retryable(e.code)) {
		log_msg(LOG_WARN, "job %s %" PRId64 " dropped after attempt %d: %s", kind, job->id,
			job->attempts, reason(a, &e));
		finish(a, job, "was dropped");
		return;
	}
	struct err qe;
	err_clear(&qe);
	int gone = job_retry(a, job->id, job->attempts, reason(a, &e), &qe);
	if (gone == 1) {
		give_up(a, job, hook, &e);
	} else if (gone == 0) {
		log_msg(LOG_WARN, "job %s %" PRId64 " attempt %d failed, next in about %d s: %s",
			kind, job->id, job->attempts, job_backoff_s(job->attempts), reason(a, &e));
	} else {
		log_msg(LOG_WARN,
			"job %s %" PRId64
			" attempt %d failed (%s) and could not be rescheduled (%s);"
			" it runs again when its lease ends",
			kind, job->id, job->attempts, reason(a, &e), qe.detail);
	}
}

int
worker_run_one(struct err *err)
{
	unsigned kinds = handled_kinds();
	if (kinds == 0)
		return 0;
	struct arena *a = arena_new();
	struct job job;
	int rc = job_claim(a, kinds, &job, WORKER_LEASE_S, err);
	if (rc == 1) {
		run_job(a, &job);
		job_release(a, &job);
	}
	arena_free(a);
	return rc;
}

/* --- waking ------------------------------------------------------------------------------- */

/* One lock and condition for the process: job_enqueue bumps the generation and broadcasts;
 * a thread that saw no work waits for a newer generation, a stop, or the poll interval. */
static pthread_mutex_t wake_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake_cond;
static pthread_once_t wake_once = PTHREAD_ONCE_INIT;
static unsigned long wake_generation;

static void
wake_init(void)
{
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&wake_cond, &attr);
	pthread_condattr_destroy(&attr);
}

void
worker_wake(void)
{
	pthread_once(&wake_once, wake_init);
	pthread_mutex_lock(&wake_lock);
	wake_generation++;
	pthread_cond_broadcast(&wake_cond);
	pthread_mutex_unlock(&wake_lock);
}

static unsigned long
current_generation(void)
{
	pthread_mutex_lock(&wake_lock);
	unsigned long g = wake_generation;
	pthread_mutex_unlock(&wake_lock);
	return g;
}

/* --- the pool ----------------------------------------------------------------------------- */

struct worker_pool {
	bool stopping; /* under wake_lock */
	int nthreads;  /* started */
	pthread_t threads[WORKER_MAX_THREADS];
};

static bool
stopping(struct worker_pool *pool)
{
	pthread_mutex_lock(&wake_lock);
	bool s = pool->stopping;
	pthread_mutex_unlock(&wake_lock);
	return s;
}

/* For tests (worker_await_sleeps, worker_await_asleep), under wake_lock: sleeps begun, and
 * the threads asleep now (a node on each one's stack); waits_cond is broadcast as one falls
 * asleep. */
struct sleeper {
	int ms;
	struct sleeper *next;
};
static unsigned long sleeps_begun;
static struct sleeper *sleepers;
static pthread_cond_t waits_cond = PTHREAD_COND_INITIALIZER;

/* Threads asleep now with an interval of at least ms (wake_lock held). */
static int
asleep_for(int ms)
{
	int n = 0;
	for (const struct sleeper *s = sleepers; s != NULL; s = s->next)
		n += s->ms >= ms;
	return n;
}

void
worker_await_asleep(int n, int ms)
{
	pthread_mutex_lock(&wake_lock);
	while (asleep_for(ms) < n)
		pthread_cond_wait(&waits_cond, &wake_lock);
	pthread_mutex_unlock(&wake_lock);
}

unsigned long
worker_sleeps(void)
{
	pthread_mutex_lock(&wake_lock);
	unsigned long n = sleeps_begun;
	pthread_mutex_unlock(&wake_lock);
	return n;
}

void
worker_await_sleeps(unsigned long n)
{
	pthread_mutex_lock(&wake_lock);
	while (sleeps_begun < n)
		pthread_cond_wait(&waits_cond, &wake_lock);
	pthread_mutex_unlock(&wake_lock);
}

/* Sleeps up to ms unless woken since generation seen, or asked to stop. */
static void
wait_for_work(struct worker_pool *pool, unsigned long seen, int ms)
{
	struct timespec until;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	struct sleeper me = {.ms = ms, .next = NULL};
	pthread_mutex_lock(&wake_lock);
	bool asleep = !pool->stopping && wake_generation == seen;
	if (asleep) {
		sleeps_begun++;
		me.next = sleepers;
		sleepers = &me;
		pthread_cond_broadcast(&waits_cond);
	}
	while (!pool->stopping && wake_generation == seen)
		if (pthread_cond_timedwait(&wake_cond, &wake_lock, &until) != 0)
			break; /* timed out */
	if (asleep) {
		struct sleeper **pp = &sleepers;
		while (*pp != &me)
			pp = &(*pp)->next;
		*pp = me.next;
	}
	pthread_mutex_unlock(&wake_lock);
}

static _Atomic int poll_ms = WORKER_POLL_MS;

void
worker_set_poll_ms(int ms)
{
	atomic_store(&poll_ms, ms > 0 ? ms : WORKER_POLL_MS);
	worker_wake(); /* sleepers take the new interval from their next wait */
}

static worker_periodic_fn periodic_fn;
static int periodic_seconds;
static time_t periodic_last; /* under periodic_lock */
static pthread_mutex_t periodic_lock = PTHREAD_MUTEX_INITIALIZER;

static worker_periodic_fn periodic_more[WORKER_MAX_PERIODIC];
static int periodic_nmore;

void
worker_set_periodic(worker_periodic_fn fn, int seconds)
{
	periodic_fn = fn;
	periodic_seconds = seconds;
}

int
worker_add_periodic(worker_periodic_fn fn)
{
	if (periodic_nmore == WORKER_MAX_PERIODIC)
		return -1;
	periodic_more[periodic_nmore++] = fn;
	return 0;
}

static void
run_periodic(worker_periodic_fn fn)
{
	struct arena *a = arena_new();
	struct err e;
	err_clear(&e);
	if (a != NULL && fn(a, &e) < 0)
		log_msg(LOG_WARN, "periodic work failed: %s", e.detail);
	arena_free(a);
}

/* Runs the periodic work when it is due and no other thread is running it. */
static void
maybe_periodic(void)
{
	if ((periodic_fn == NULL && periodic_nmore == 0) ||
	    pthread_mutex_trylock(&periodic_lock) != 0)
		return;
	time_t now = time(NULL);
	if (now - periodic_last >= periodic_seconds) {
		periodic_last = now;
		if (periodic_fn != NULL)
			run_periodic(periodic_fn);
		for (int i = 0; i < periodic_nmore; i++)
			run_periodic(periodic_more[i]);
	}
	pthread_mutex_unlock(&periodic_lock);
}

static time_t orphans_last; /* under orphans_lock */
static pthread_mutex_t orphans_lock = PTHREAD_MUTEX_INITIALIZER;

/* About once a second (one thread of the process at a time), makes the jobs of dead workers
 * due again: a process killed mid-job leaves its claims behind (jobs/queue.h). */
static void
maybe_release_orphans(void)
{
	if (pthread_mutex_trylock(&orphans_lock) != 0)
		return;
	time_t now = time(NULL);
	if (now != orphans_last) {
		orphans_last = now;
		struct arena *a = arena_new();
		struct err e;
		err_clear(&e);
		long n = a != NULL ? job_release_orphans(a, &e) : 0;
		if (n > 0)
			log_msg(LOG_INFO, "%ld job%s of a worker that died due again now", n,
				n == 1 ? "" : "s");
		arena_free(a);
	}
	pthread_mutex_unlock(&orphans_lock);
}

static void *
worker_main(void *arg)
{
	struct worker_pool *pool = arg;
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	bool queue_down = false;
	while (!stopping(pool)) {
		/* Read the generation before claiming, so a job enqueued after an empty claim
		 * wakes us even if it arrives before we wait. */
		unsigned long seen = current_generation();
		struct err e;
		err_clear(&e);
		maybe_periodic();
		maybe_release_orphans();
		int rc = worker_run_one(&e);
		if (rc == 1) {
			queue_down = false;
			continue;
		}
		if (rc < 0 && !queue_down)
			log_msg(LOG_WARN, "job queue unreachable, retrying every %d ms: %s",
				atomic_load(&poll_ms), e.detail);
		else if (rc == 0 && queue_down)
			log_msg(LOG_INFO, "job queue reachable again");
		queue_down = rc < 0;
		wait_for_work(pool, seen, atomic_load(&poll_ms));
	}
	db_thread_close();
	return NULL;
}

struct worker_pool *
worker_pool_start(int threads, struct err *err)
{
	if (threads < 0 || threads > WORKER_MAX_THREADS) {
		err_set(err, ERR_INVALID, NULL, "worker threads must be 0 to %d",
			WORKER_MAX_THREADS);
		return NULL;
	}
	pthread_once(&wake_once, wake_init);
	struct worker_pool *pool = calloc(1, sizeof *pool);
	if (pool == NULL) {
		err_set(err, ERR_INTERNAL, NULL, "out of memory");
		return NULL;
	}
	for (int i = 0; i < threads; i++) {
		int rc = pthread_create(&pool->threads[i], NULL, worker_main, pool);
		if (rc != 0) {
			err_set(err, ERR_INTERNAL, NULL, "cannot start a worker thread: %s",
				strerror(rc));
			worker_pool_stop(pool);
			return NULL;
		}
		pool->nthreads++;
	}
	if (threads > 0) {
		/* Say which kinds run here: a kind nobody handles just waits in the queue. */
		unsigned kinds = handled_kinds();
		char names[64] = "";
		for (int k = 0; k < JOB__MAX; k++)
			if (kinds & JOB_KIND_BIT(k))
				snprintf(names + strlen(names), sizeof names - strlen(names),
					 "%s%s", names[0] ? ", " : "",
					 job_kind_name((enum job_kind)k));
		log_msg(kinds ? LOG_INFO : LOG_WARN, "%d job worker thread%s started (%s)", threads,
			threads == 1 ? "" : "s",
			kinds ? names : "no job kind has a handler: jobs stay queued");
	}
	return pool;
}

void
worker_pool_stop(struct worker_pool *pool)
{
	if (pool == NULL)
		return;
	pthread_mutex_lock(&wake_lock);
	pool->stopping = true;
	pthread_cond_broadcast(&wake_cond);
	pthread_mutex_unlock(&wake_lock);
	for (int i = 0; i < pool->nthreads; i++)
		pthread_join(pool->threads[i], NULL);
	if (pool->nthreads > 0)
		log_msg(LOG_INFO, "job workers stopped");
	free(pool);
}
