/* jobs.h - SQL for the durable job queue (table jobs, migrations/0004_federation.sql).
 *
 * Plain rows in and out: kinds are their names, payloads JSON text. jobs/queue.c gives them
 * types and decides backoff; nothing here knows what a job does. */
#ifndef PARASOL_DB_JOBS_H
#define PARASOL_DB_JOBS_H

#include <stdint.h>

struct arena;
struct err;

/* Inserts a job due in delay_s seconds (0 = now) and sets *id. payload_json must be valid
 * JSON (PostgreSQL checks it: ERR_INTERNAL otherwise). 0 or -1. */
int db_job_insert(struct arena *a, const char *kind, const char *payload_json, int delay_s,
		  int64_t *id, struct err *err);

/* Inserts a job due now unless activities_seen holds unless_seen (an activity's id), in one
 * statement. Sets *id to the job's id, or to 0 when the activity was seen (nothing stored).
 * 0 or -1 + err. */
int db_job_insert_unseen(struct arena *a, const char *kind, const char *payload_json,
			 const char *unless_seen, int64_t *id, struct err *err);

/* Inserts a batch of jobs of one kind in one statement (one transaction): items_json is a
 * JSON array of n objects {"p": payload, "u": activity id or null}; an item whose "u" names
 * an activity in activities_seen is not stored. Sets ids[i] to the id of item i's job, or 0
 * when it was not stored. All or nothing: 0, or -1 + err with nothing stored. */
int db_job_insert_batch(struct arena *a, const char *kind, const char *items_json, int n,
			int64_t *ids, struct err *err);

/* A claimed row; strings owned by the arena. */
struct db_job {
	int64_t id;
	const char *kind;
	const char *payload_json;
	int attempts; /* including the claim that returned it */
};

/* Claims the oldest due job whose kind is in kinds_array (a PostgreSQL text[] literal such
 * as "{inbox,deliver}") in one statement: its run_at moves lease_s seconds ahead, attempts
 * goes up by one and leased_by names this connection's backend, so no other claimer sees it
 * until the lease runs out or the backend is gone (db_job_release_orphans). Rows locked by
 * another claimer are skipped, never waited for. 1 (claimed, *out filled), 0 (nothing due)
 * or -1. */
int db_job_claim(struct arena *a, const char *kinds_array, int lease_s, struct db_job *out,
		 struct err *err);

/* Deliveries to one host run one at a time (migration 0024). db_job_claim skips a delivery
 * while another one to its host is leased, but two claims racing may both miss each other's
 * lease; so a claimer also takes a lock of its host, a session-level advisory lock of the
 * calling thread's connection (released with the connection if its worker dies), before it
 * runs the delivery. Tries the lock of inbox's host: 1 (taken; the same connection may take
 * it again), 0 (another connection holds it) or -1 + err. */
int db_job_lock_host(struct arena *a, const char *inbox, struct err *err);

/* Releases one hold of the lock of inbox's host taken by db_job_lock_host on this
 * connection. 0 or -1 + err. */
int db_job_unlock_host(struct arena *a, const char *inbox, struct err *err);

/* Gives back a job this connection claimed but won't run now: not leased, the attempt not
 * counted, due again in delay_s seconds. 0 or -1 + err. */
int db_job_unclaim(struct arena *a, int64_t id, int delay_s, struct err *err);

/* Deletes a job (done, or dropped). Deleting a job that is gone is not an error. 0 or -1. */
int db_job_delete(struct arena *a, int64_t id, struct err *err);

/* Deletes the job if it was created more than max_age_s seconds ago or attempts has reached
 * max_attempts. 1 (deleted: given up), 0 (kept) or -1. */
int db_job_give_up(struct arena *a, int64_t id, int attempts, int max_attempts, int max_age_s,
		   struct err *err);

/* Makes the job due again in delay_s seconds plus a random 0..10% and records last_error
 * (a short reason, already trimmed by the caller); it is no longer leased. 0 or -1. */
int db_job_reschedule(struct arena *a, int64_t id, int delay_s, const char *last_error,
		      struct err *err);

/* Makes every leased job whose holder's backend no longer exists (its worker was killed:
 * PostgreSQL ends the backend when the connection closes) due now. Jobs held by a live
 * backend are left alone. The jobs released, or -1 + err. */
long db_job_release_orphans(struct arena *a, struct err *err);

#endif
