/* group.h - group commit of inbox jobs: the activities that arrive while one batch is being
 * committed are stored together in the next, in one statement and one commit.
 *
 * Why: a peer's POST is answered 202 only once its activity is durable, so each one waits for
 * a WAL flush. Stored one per request, every POST pays a statement, a commit and a flush of
 * its own, and at most one POST per handler thread is in flight. Here the handler hands its
 * activity over and frees its thread (http/server.h, req_defer); one thread with its own
 * connection stores whatever is waiting in one INSERT and answers each request when the
 * commit that holds it is done, so concurrent POSTs share a flush however many threads
 * there are.
 *
 * What is promised to each submitter, exactly once, on the group's thread: done() with the
 * job's id (> 0) once the commit that holds it is durable as PostgreSQL is configured
 * (synchronous_commit), 0 when unless_seen names an activity already received (nothing
 * stored), or -1 with the error. A batch that fails for want of the database (ERR_UNAVAILABLE:
 * the connection is gone or can't be made) fails every member: none of them was stored. A
 * batch that fails otherwise is stored again one member at a time, so one member that can't
 * be stored (a row PostgreSQL refuses) costs only its own sender an error. */
#ifndef PARASOL_JOBS_GROUP_H
#define PARASOL_JOBS_GROUP_H

#include <stdbool.h>
#include <stdint.h>

struct arena;
struct err;

/* At most this many activities, and about this many bytes of payload, go into one batch;
 * more wait for the next. */
#define GROUP_MAX_ITEMS 256
#define GROUP_MAX_BYTES (1024 * 1024)

/* One inbox job to store. The submitter fills payload_json (a JSON object, valid: jansson's
 * output), unless_seen (an activity id, or NULL to store it whatever was received before)
 * and done; everything stays the submitter's and must live until done() has been called. */
struct group_item {
	const char *payload_json;
	const char *unless_seen;
	/* Called once, on the group's thread: id > 0 stored, 0 seen before, -1 with err. */
	void (*done)(struct group_item *item, int64_t id, const struct err *err);
	struct group_item *next; /* the group's */
};

/* Starts the group's thread (its own database connection, made on first use). 0, or -1 when
 * the thread can't be started. Call once, before submitting. */
int group_start(void);

/* Queues item for the next batch. false, and nothing done, when the group is not running or
 * is stopping: the caller stores the job itself (job_enqueue_unseen). Thread-safe. */
bool group_submit(struct group_item *item);

/* Refuses new items, stores every item already queued (each gets its done()), and joins the
 * thread. Idempotent; a no-op when not started. */
void group_stop(void);

/* Stores a batch of n items now on the calling thread's connection, in one statement (with
 * the fallback described above) and calls each item's done(). Used by the group's thread;
 * public for callers that hold a batch of their own. */
void group_store(struct group_item *const *items, int n);

#endif
