/* queue.c - job kinds, payload (de)serialisation and the retry policy over db/jobs.c. */
#include "queue.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "db/jobs.h"
#include "jobs/worker.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/utf8.h"

static const char *const kind_names[JOB__MAX] = {
    [JOB_INBOX] = "inbox",
    [JOB_DELIVER] = "deliver",
    [JOB_MEDIA_FETCH] = "media_fetch",
    [JOB_MOVE] = "move",
    [JOB_IMPORT] = "import",
};

const char *
job_kind_name(enum job_kind kind)
{
	return (unsigned)kind < JOB__MAX ? kind_names[kind] : "?";
}

int
job_kind_parse(const char *name, enum job_kind *out)
{
	for (int k = 0; k < JOB__MAX; k++)
		if (name != NULL && strcmp(name, kind_names[k]) == 0) {
			*out = (enum job_kind)k;
			return 0;
		}
	return -1;
}

/* Both enqueues: unless_seen NULL for a plain job. */
static int64_t
enqueue(struct arena *a, enum job_kind kind, const json_t *payload, int delay_s,
	const char *unless_seen, struct err *err)
{
	if ((unsigned)kind >= JOB__MAX || payload == NULL || delay_s < 0)
		return err_set(err, ERR_INTERNAL, NULL, "job_enqueue: bad arguments");
	/* JSON_ENCODE_ANY: a payload may be a bare string (an activity's id, say). */
	char *text = json_dumps(payload, JSON_COMPACT | JSON_ENCODE_ANY);
	if (text == NULL)
		return err_set(err, ERR_INTERNAL, NULL, "cannot serialise a %s job",
			       kind_names[kind]);
	int64_t id;
	int rc = unless_seen != NULL
		     ? db_job_insert_unseen(a, kind_names[kind], text, unless_seen, &id, err)
		     : db_job_insert(a, kind_names[kind], text, delay_s, &id, err);
	free(text);
	if (rc != 0)
		return -1;
	if (delay_s == 0 && id != 0)
		worker_wake();
	return id;
}

int64_t
job_enqueue(struct arena *a, enum job_kind kind, const json_t *payload, int delay_s,
	    struct err *err)
{
	return enqueue(a, kind, payload, delay_s, NULL, err);
}

int64_t
job_enqueue_unseen(struct arena *a, enum job_kind kind, const json_t *payload,
		   const char *unless_seen, struct err *err)
{
	if (unless_seen == NULL)
		return err_set(err, ERR_INTERNAL, NULL, "job_enqueue_unseen: no activity id");
	return enqueue(a, kind, payload, 0, unless_seen, err);
}

static void
json_release(void *j)
{
	json_decref(j);
}

/* "{inbox,deliver}": the kinds of the set as a PostgreSQL text[] literal. */
static const char *
kinds_array(struct arena *a, unsigned kinds)
{
	char *lit = arena_alloc(a, 2 + JOB__MAX * 16);
	strcpy(lit, "{");
	bool first = true;
	for (int k = 0; k < JOB__MAX; k++) {
		if (kinds != JOB_KINDS_ANY && !(kinds & JOB_KIND_BIT(k)))
			continue;
		if (!first)
			strcat(lit, ",");
		strcat(lit, kind_names[k]);
		first = false;
	}
	strcat(lit, "}");
	return lit;
}

/* Claims one job (job_claim without the host lock). */
static int
claim_row(struct arena *a, const char *kinds, struct job *out, int lease_s, struct err *err)
{
	struct db_job row;
	int rc = db_job_claim(a, kinds, lease_s < 1 ? 1 : lease_s, &row, err);
	if (rc <= 0)
		return rc;
	memset(out, 0, sizeof *out);
	out->id = row.id;
	out->attempts = row.attempts;
	if (job_kind_parse(row.kind, &out->kind) != 0) /* the SQL filters by kind: never */
		return err_set(err, ERR_INTERNAL, NULL, "claimed a job of unknown kind");
	json_error_t jerr;
	out->payload = json_loads(row.payload_json, JSON_DECODE_ANY, &jerr);
	if (out->payload != NULL)
		arena_defer(a, json_release, out->payload);
	return 1;
}

/* Claims lost to a busy host before job_claim reports nothing due: a lost race is rare (the
 * claim skips hosts with a lease it can see), so a few rounds always find the rest. */
#define HOST_BUSY_ROUNDS 4

int
job_claim(struct arena *a, unsigned kinds, struct job *out, int lease_s, struct err *err)
{
	const char *set = kinds_array(a, kinds);
	for (int round = 0; round < HOST_BUSY_ROUNDS; round++) {
		int rc = claim_row(a, set, out, lease_s, err);
		if (rc <= 0 || out->kind != JOB_DELIVER)
			return rc;
		const char *inbox = json_string_value(json_object_get(out->payload, "inbox"));
		if (inbox == NULL)
			return 1; /* the handler drops it */
		int locked = db_job_lock_host(a, inbox, err);
		if (locked == 1) {
			out->locked_inbox = inbox;
			return 1;
		}
		struct err ignored;
		if (db_job_unclaim(a, out->id, JOB_HOST_BUSY_DELAY_S, &ignored) != 0 || locked < 0)
			return locked < 0 ? -1 : 0; /* the lease hides it until it runs out */
	}
	return 0;
}

void
job_release(struct arena *a, struct job *job)
{
	if (job->locked_inbox == NULL)
		return;
	struct err ignored;
	db_job_unlock_host(a, job->locked_inbox, &ignored);
	job->locked_inbox = NULL;
}

long
job_release_orphans(struct arena *a, struct err *err)
{
	return db_job_release_orphans(a, err);
}

int
job_done(struct arena *a, int64_t id, struct err *err)
{
	return db_job_delete(a, id, err);
}

static int backoff_first = JOB_BACKOFF_FIRST_S;

void
job_set_backoff_first(int seconds)
{
	backoff_first = seconds >= 1 ? seconds : JOB_BACKOFF_FIRST_S;
}

int
job_backoff_s(int attempts)
{
	if (attempts < 1)
		attempts = 1;
	long delay = backoff_first;
	for (int i = 1; i < attempts && delay < JOB_BACKOFF_MAX_S; i++)
		delay *= 2;
	return delay < JOB_BACKOFF_MAX_S ? (int)delay : JOB_BACKOFF_MAX_S;
}

/* The reason as it is stored: one line, valid UTF-8 (bytes that aren't become '?'), at most
 * JOB_ERROR_MAX_CHARS characters. */
static char *
short_reason(struct arena *a, const char *error)
{
	if (error == NULL || *error == '\0')
		error = "failed";
	size_t len = strlen(error);
	bool valid = utf8_valid(error, len);
	char *out = arena_alloc(a, len + 1);
	size_t n = 0, chars = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)error[i];
		bool lead = !valid || (c & 0xC0) != 0x80;
		if (lead && chars++ == JOB_ERROR_MAX_CHARS)
			break;
		if (c < 0x20 || c == 0x7F)
			c = ' ';
		else if (!valid && c >= 0x80)
			c = '?';
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return out;
}

int
job_retry(struct arena *a, int64_t id, int attempts, const char *error, struct err *err)
{
	int gone = db_job_give_up(a, id, attempts, JOB_MAX_ATTEMPTS, JOB_GIVE_UP_AGE_S, err);
	if (gone != 0)
		return gone;
	if (db_job_reschedule(a, id, job_backoff_s(attempts), short_reason(a, error), err) != 0)
		return -1;
	return 0;
}
