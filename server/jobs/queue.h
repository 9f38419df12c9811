/* queue.h - the durable job queue: work that must survive a restart (inbound activities to
 * apply, deliveries to send) is a row in PostgreSQL's jobs table until a worker finishes it.
 *
 * Any number of workers, in any number of processes on any number of machines, claim jobs
 * with FOR UPDATE SKIP LOCKED. A claim is a lease: the job stays in the table, hidden until
 * the lease runs out or the claimer's database connection is gone, so a worker killed mid-job
 * loses nothing (the job runs again within about a second of its death); handlers must
 * therefore be idempotent, and a delivery may reach its peer twice (with the same activity
 * id, which receivers de-duplicate). jobs/worker.c runs the claim / handle / done-or-retry
 * loop; this file is the queue itself. */
#ifndef PARASOL_JOBS_QUEUE_H
#define PARASOL_JOBS_QUEUE_H

#include <jansson.h>
#include <stdint.h>

struct arena;
struct err;

/* Job kinds, as the CHECK on jobs.kind lists them. */
enum job_kind {
	JOB_INBOX,   /* an inbound activity, verified and allowed, to apply */
	JOB_DELIVER, /* an outbound activity to POST to one (shared) inbox */
	JOB_MEDIA_FETCH, /* a remote image to fetch and re-encode (core/remote_media.h) */
	JOB_MOVE,	 /* a member moved away: the followers here follow the new account
			    (core/move.h) */
	JOB_IMPORT,	 /* a member's CSV of follows, blocks or mutes to apply (core/import.h) */
	JOB__MAX
};

/* A set of kinds for job_claim: JOB_KIND_BIT(JOB_INBOX) | ...; 0 means every kind. */
#define JOB_KIND_BIT(k) (1u << (k))
#define JOB_KINDS_ANY 0u

/* Retry policy: a failing job runs again after 30 s, 60 s, 120 s ... (doubling, at most 6 h,
 * plus up to 10% jitter) and is given up once it is more than two days old or has run
 * JOB_MAX_ATTEMPTS times. Two days of attempts take about 17 runs, so the age decides. */
#define JOB_BACKOFF_FIRST_S 30
#define JOB_BACKOFF_MAX_S (6 * 3600)
#define JOB_GIVE_UP_AGE_S (2 * 24 * 3600)
#define JOB_MAX_ATTEMPTS 20
#define JOB_ERROR_MAX_CHARS 500 /* last_error is cut to this many characters */

/* The kind's name as stored ("inbox", "deliver"); "?" for a value out of range. */
const char *job_kind_name(enum job_kind kind);

/* Parses a stored name. 0, or -1 for a name this binary doesn't know. */
int job_kind_parse(const char *name, enum job_kind *out);

/* Stores a job due in delay_s seconds (0 = now) and wakes this process's idle workers.
 * payload is serialised as it is (the caller keeps ownership); keep secrets out of it unless
 * the job needs them. Inside the caller's transaction (db_begin) the job appears when the
 * transaction commits. Returns the job id, or -1 with err. */
int64_t job_enqueue(struct arena *a, enum job_kind kind, const json_t *payload, int delay_s,
		    struct err *err);

/* job_enqueue of a job due now, unless the activity whose id is unless_seen was received
 * already (activities_seen; one statement, no race with a worker recording it between a
 * check and the insert). The job id, 0 when the activity was seen (nothing stored), or -1
 * with err. */
int64_t job_enqueue_unseen(struct arena *a, enum job_kind kind, const json_t *payload,
			   const char *unless_seen, struct err *err);

/* A claimed job. payload is owned by the arena (released when it is freed). */
struct job {
	int64_t id;
	enum job_kind kind;
	json_t *payload;
	int attempts; /* runs so far, this one included */
	const char *locked_inbox; /* a delivery: the inbox whose host's lock this holds */
};

/* A delivery that lost its host's lock to another claimer waits this long (db/jobs.h). */
#define JOB_HOST_BUSY_DELAY_S 1

/* Claims the oldest due job of one of the kinds in the set (JOB_KINDS_ANY: every kind this
 * binary knows; kinds it doesn't know are left for binaries that do), hiding it for lease_s
 * seconds. Returns 1 with *out filled, 0 when nothing is due, -1 with err. A payload that is
 * not JSON jansson reads (it never should be) yields payload NULL; the caller drops the job.
 * A delivery comes with the lock of its inbox's host held on the calling thread's connection
 * (db/jobs.h), so that no other worker delivers to that host meanwhile; a delivery whose host
 * another worker holds is given back (due again in JOB_HOST_BUSY_DELAY_S) and another job
 * claimed instead. Call job_release once the job is finished, retried or dropped. */
int job_claim(struct arena *a, unsigned kinds, struct job *out, int lease_s, struct err *err);

/* Releases what job_claim took for job besides the row (a delivery's host lock). Errors are
 * not reported: a lock that can't be released goes with the connection. */
void job_release(struct arena *a, struct job *job);

/* Makes the jobs whose worker died (its process was killed mid-job, so its database
 * connection is gone) due now instead of when their lease ends. Workers call it about once a
 * second. The count released, or -1 with err. */
long job_release_orphans(struct arena *a, struct err *err);

/* The job is finished: deletes it. 0 or -1. */
int job_done(struct arena *a, int64_t id, struct err *err);

/* The job failed and may succeed later. attempts is job.attempts; error a short reason for
 * the operator (never a request body, a payload or an address), stored in last_error cut to
 * JOB_ERROR_MAX_CHARS characters. Returns 0 when the job was rescheduled (see the policy
 * above), 1 when it was given up and deleted (the caller may then, say, mark a peer
 * unreachable), -1 with err. */
int job_retry(struct arena *a, int64_t id, int attempts, const char *error, struct err *err);

/* The delay before the next run after the given number of failed runs, without jitter:
 * min(30 s * 2^(attempts-1), 6 h); attempts below 1 count as 1. */
int job_backoff_s(int attempts);

/* Sets the first retry delay (the `retry_first_delay` configuration key; default
 * JOB_BACKOFF_FIRST_S). Call at start-up, before workers run. */
void job_set_backoff_first(int seconds);

#endif
