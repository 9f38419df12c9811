/* worker.h - the threads that run jobs: claim one (jobs/queue.h), call the handler registered
 * for its kind, then delete it or schedule a retry.
 *
 * The layers that own a kind register its handler at start-up (ap/ registers "inbox" and
 * "deliver"); jobs/ knows nothing about what jobs do. A worker claims only the kinds that have
 * a handler, so a job whose kind has none (in this process) is never touched: it waits, with
 * its attempts unchanged, for a worker that has one. Nothing is dropped for lack of a handler.
 *
 * Waiting for work: an idle thread sleeps until job_enqueue in the same process wakes it, or
 * WORKER_POLL_MS passes, then claims again. Separate `parasol worker` processes and jobs made
 * inside a transaction or with a delay are found by that poll, so a job waits at most about a
 * second; no LISTEN connection is held. */
#ifndef PARASOL_JOBS_WORKER_H
#define PARASOL_JOBS_WORKER_H

#include <jansson.h>
#include <stdbool.h>

#include "jobs/queue.h"
#include "util/err.h"

struct arena;

#define WORKER_MAX_THREADS 32
#define WORKER_POLL_MS 1000
/* How long a claimed job stays hidden from other workers. Handlers must finish well within
 * it (outbound HTTP has its own, much shorter timeouts); a worker that dies mid-job leaves
 * the job to run again once it expires. */
#define WORKER_LEASE_S 300

/* Sets how long an idle worker sleeps before it claims again (WORKER_POLL_MS unless set; ms <=
 * 0 restores it) and wakes every sleeper. For tests, which make the poll long to show that a
 * job was run because its enqueue woke the worker, not because the poll came round. */
void worker_set_poll_ms(int ms);

/* For tests, which wait on these instead of sleeping: how many times a worker thread of this
 * process has gone to sleep waiting for work (not counting a wait that ended before it began:
 * woken already, or stopping); a wait until that count reaches n; and a wait until n threads
 * are asleep at once on an interval of at least ms. */
unsigned long worker_sleeps(void);
void worker_await_sleeps(unsigned long n);
void worker_await_asleep(int n, int ms);

/* Applies one job's payload (owned by the job; a, fresh for the job, holds anything else).
 * Returns 0 when done, or -1 with err: ERR_UNAVAILABLE, ERR_INTERNAL, ERR_RATE_LIMITED (or no
 * code) mean "try again later" (see job_retry's backoff); any other code means the job can
 * never succeed and is dropped. err->detail goes to the log and to jobs.last_error: a short
 * reason, never the payload, a body or an address. Handlers must be idempotent: a job runs
 * again if its worker died before deleting it. */
typedef int (*job_handler)(struct arena *a, const json_t *payload, struct err *err);

/* Called once when a job of the kind is given up (too old or too many attempts), with its
 * payload and the last failure, e.g. to mark a peer unreachable. Its own failures are its
 * business: it returns nothing. */
typedef void (*job_give_up_handler)(struct arena *a, const json_t *payload, const struct err *last);

/* The id of the job whose handler the calling thread is running, 0 outside a handler. A
 * handler tells by it a run of its own job again (after a crash or a failure) from another
 * job: ap/receive.c marks an activity seen under its job, so that the same job applies it
 * again and a replay queued as another job does not. */
int64_t worker_current_job(void);

/* Sets (or with NULL, clears) the handler for a kind. Call at start-up, before
 * worker_pool_start; safe to call from any thread. */
void worker_register(enum job_kind kind, job_handler fn);

/* Sets (or clears) the give-up hook for a kind. Optional. */
void worker_register_give_up(enum job_kind kind, job_give_up_handler fn);

/* Whether a handler failure with this code is retried (true) or drops the job (false). */
bool worker_retryable(enum err_code code);

/* Claims and runs at most one job of a kind that has a handler, on the calling thread's
 * database connection. Returns 1 when a job was run (whatever its outcome, which is logged
 * and recorded in the queue), 0 when none was due, -1 with err when the queue could not be
 * reached. The loop each pool thread runs; tests call it directly. */
int worker_run_one(struct err *err);

/* Periodic work the worker threads also do: fn runs about every `seconds` (one thread at a
 * time, whichever is free), its failures logged. Set before worker_pool_start; NULL: none. */
typedef int (*worker_periodic_fn)(struct arena *a, struct err *err);
void worker_set_periodic(worker_periodic_fn fn, int seconds);

/* Adds fn to the periodic work (up to WORKER_MAX_PERIODIC): it runs right after the one
 * worker_set_periodic set, at the same interval (with its own arena). Call before
 * worker_pool_start. -1 when the list is full. */
#define WORKER_MAX_PERIODIC 4
int worker_add_periodic(worker_periodic_fn fn);

struct worker_pool;

/* Starts threads (0..WORKER_MAX_THREADS; 0 gives a pool that runs nothing) that run jobs
 * until worker_pool_stop. Each uses its own database connection (db_init must have been
 * called) and blocks SIGINT and SIGTERM, which the main thread waits for. Returns the pool
 * (free it with worker_pool_stop) or NULL with err. */
struct worker_pool *worker_pool_start(int threads, struct err *err);

/* Asks every thread to stop, wakes the idle ones and joins them (a job in progress finishes
 * first), then frees the pool. NULL is a no-op. */
void worker_pool_stop(struct worker_pool *pool);

/* Wakes every idle worker thread of this process (job_enqueue calls it). */
void worker_wake(void);

#endif
