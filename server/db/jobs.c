/* jobs.c - the job queue's SQL. */
#include "jobs.h"

#include <stdio.h>
#include <stdlib.h>

#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"

int
db_job_insert(struct arena *a, const char *kind, const char *payload_json, int delay_s, int64_t *id,
	      struct err *err)
{
	char delay[16];
	snprintf(delay, sizeof delay, "%d", delay_s);
	const char *p[] = {kind, payload_json, delay};
	PGresult *r =
	    db_query_queue(a, err,
			   "INSERT INTO jobs (kind, payload, run_at)"
			   " VALUES ($1, $2::jsonb, now() + make_interval(secs => $3::int))"
			   " RETURNING id",
			   3, p);
	if (r == NULL)
		return -1;
	*id = db_int64(r, 0, 0);
	return 0;
}

int
db_job_insert_unseen(struct arena *a, const char *kind, const char *payload_json,
		     const char *unless_seen, int64_t *id, struct err *err)
{
	const char *p[] = {kind, payload_json, unless_seen};
	PGresult *r =
	    db_query_queue(a, err,
			   "INSERT INTO jobs (kind, payload) SELECT $1, $2::jsonb"
			   " WHERE NOT EXISTS (SELECT 1 FROM activities_seen WHERE uri = $3)"
			   " RETURNING id",
			   3, p);
	if (r == NULL)
		return -1;
	*id = PQntuples(r) > 0 ? db_int64(r, 0, 0) : 0;
	return 0;
}

int
db_job_insert_batch(struct arena *a, const char *kind, const char *items_json, int n, int64_t *ids,
		    struct err *err)
{
	const char *p[] = {kind, items_json};
	/* fresh is read twice, so it is computed once: each row's id is drawn once */
	PGresult *r =
	    db_query_queue(a, err,
			   "WITH fresh AS (SELECT e.o, parasol_id() AS id, e.v -> 'p' AS payload"
			   "  FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS e(v, o)"
			   "  WHERE NOT EXISTS (SELECT 1 FROM activities_seen s"
			   "   WHERE s.uri = e.v ->> 'u')),"
			   " stored AS (INSERT INTO jobs (id, kind, payload)"
			   "  SELECT id, $1, payload FROM fresh)"
			   " SELECT o, id FROM fresh",
			   2, p);
	if (r == NULL)
		return -1;
	for (int i = 0; i < n; i++)
		ids[i] = 0;
	for (int row = 0; row < PQntuples(r); row++) {
		int64_t o = db_int64(r, row, 0);
		if (o >= 1 && o <= n)
			ids[o - 1] = db_int64(r, row, 1);
	}
	return 0;
}

int
db_job_claim(struct arena *a, const char *kinds_array, int lease_s, struct db_job *out,
	     struct err *err)
{
	char lease[16];
	snprintf(lease, sizeof lease, "%d", lease_s);
	const char *p[] = {kinds_array, lease};
	/* One statement: the inner SELECT locks the row (skipping rows other claimers hold),
	 * the UPDATE hides it behind the lease and names this connection's backend as the
	 * holder. If this worker dies, db_job_release_orphans makes the job due again as soon
	 * as its backend is gone (at the latest the lease runs out): nothing is lost. A
	 * delivery waits while an older one to the same inbox is queued, retried or running,
	 * so that one inbox gets its activities in order (migration 0016), and while another
	 * one to the same host is running, so that a peer that hangs holds one worker and the
	 * others deliver to everyone else (migration 0024). Two claims racing may both miss
	 * each other's lease: the host's lock (db_job_lock_host) settles that. While the admin's
	 * lockdown is on (core/lockdown.h), no delivery is claimed: they wait, untried and with
	 * their attempts untouched, until it is off. */
	PGresult *r =
	    db_query_queue(a, err,
			   "UPDATE jobs SET run_at = now() + make_interval(secs => $2::int),"
			   " attempts = attempts + 1, leased_by = pg_backend_pid()"
			   " WHERE id = (SELECT j.id FROM jobs j"
			   "  WHERE j.run_at <= now() AND j.kind = ANY($1::text[])"
			   "  AND (j.kind <> 'deliver' OR NOT EXISTS (SELECT 1 FROM instance_settings"
			   "   WHERE key = 'lockdown' AND value = 'true'))"
			   "  AND (j.kind <> 'deliver' OR NOT EXISTS (SELECT 1 FROM jobs o"
			   "   WHERE o.kind = 'deliver' AND (o.payload ->> 'inbox') ="
			   "   (j.payload ->> 'inbox') AND o.id < j.id)"
			   "   AND NOT EXISTS (SELECT 1 FROM jobs r WHERE r.kind = 'deliver'"
			   "   AND r.leased_by IS NOT NULL AND r.run_at > now()"
			   "   AND parasol_inbox_host(r.payload ->> 'inbox') ="
			   "   parasol_inbox_host(j.payload ->> 'inbox')))"
			   "  ORDER BY j.run_at, j.id FOR UPDATE OF j SKIP LOCKED LIMIT 1)"
			   " RETURNING id, kind, payload::text, attempts",
			   2, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 0)
		return 0;
	out->id = db_int64(r, 0, 0);
	out->kind = db_value(r, 0, 1);
	out->payload_json = db_value(r, 0, 2);
	out->attempts = (int)db_int64(r, 0, 3);
	return 1;
}

/* The advisory locks' first key: the locks of delivery hosts ('p','a','r','a'). */
#define HOST_LOCK_SPACE "1885434465"

int
db_job_lock_host(struct arena *a, const char *inbox, struct err *err)
{
	const char *p[] = {inbox};
	PGresult *r = db_query_queue(a, err,
				     "SELECT pg_try_advisory_lock(" HOST_LOCK_SPACE ","
				     " hashtext(coalesce(parasol_inbox_host($1), '')))",
				     1, p);
	return r == NULL ? -1 : db_bool(r, 0, 0);
}

int
db_job_unlock_host(struct arena *a, const char *inbox, struct err *err)
{
	const char *p[] = {inbox};
	return db_query_queue(a, err,
			      "SELECT pg_advisory_unlock(" HOST_LOCK_SPACE ","
			      " hashtext(coalesce(parasol_inbox_host($1), '')))",
			      1, p)
		   ? 0
		   : -1;
}

int
db_job_unclaim(struct arena *a, int64_t id, int delay_s, struct err *err)
{
	char buf[ID_STRLEN], delay[16];
	snprintf(delay, sizeof delay, "%d", delay_s);
	const char *p[] = {id_format(id, buf), delay};
	return db_query_queue(a, err,
			      "UPDATE jobs SET leased_by = NULL, attempts = attempts - 1,"
			      " run_at = now() + make_interval(secs => $2::int)"
			      " WHERE id = $1 AND leased_by = pg_backend_pid()",
			      2, p)
		   ? 0
		   : -1;
}

int
db_job_delete(struct arena *a, int64_t id, struct err *err)
{
	char buf[ID_STRLEN];
	const char *p[] = {id_format(id, buf)};
	return db_query_queue(a, err, "DELETE FROM jobs WHERE id = $1", 1, p) ? 0 : -1;
}

int
db_job_give_up(struct arena *a, int64_t id, int attempts, int max_attempts, int max_age_s,
	       struct err *err)
{
	char buf[ID_STRLEN], att[16], max[16], age[16];
	snprintf(att, sizeof att, "%d", attempts);
	snprintf(max, sizeof max, "%d", max_attempts);
	snprintf(age, sizeof age, "%d", max_age_s);
	const char *p[] = {id_format(id, buf), att, max, age};
	PGresult *r = db_query_queue(a, err,
				     "DELETE FROM jobs WHERE id = $1 AND ($2::int >= $3::int"
				     " OR created_at < now() - make_interval(secs => $4::int))"
				     " RETURNING id",
				     4, p);
	if (r == NULL)
		return -1;
	return PQntuples(r) > 0;
}

int
db_job_reschedule(struct arena *a, int64_t id, int delay_s, const char *last_error, struct err *err)
{
	char buf[ID_STRLEN], delay[16];
	snprintf(delay, sizeof delay, "%d", delay_s);
	const char *p[] = {id_format(id, buf), delay, last_error};
	/* The jitter spreads retries of jobs that failed together (a peer that was down). */
	return db_query_queue(a, err,
			      "UPDATE jobs SET last_error = $3, leased_by = NULL, run_at = now()"
			      " + make_interval(secs => $2::int * (1 + random() * 0.1))"
			      " WHERE id = $1",
			      3, p)
		   ? 0
		   : -1;
}

long
db_job_release_orphans(struct arena *a, struct err *err)
{
	/* pg_stat_activity lists every backend of the cluster (its pid is shown to any role). A
	 * pid reused by another backend keeps the job hidden until its lease ends: safe. */
	PGresult *r = db_query_queue(a, err,
				     "UPDATE jobs SET run_at = now(), leased_by = NULL"
				     " WHERE leased_by IS NOT NULL AND run_at > now()"
				     " AND leased_by NOT IN (SELECT pid FROM pg_stat_activity"
				     "  WHERE pid IS NOT NULL)",
				     0, NULL);
	return r == NULL ? -1 : atol(PQcmdTuples(r));
}
