/* group.c - group commit of inbox jobs: one thread, one statement per batch. */
#include "jobs/group.h"

#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "db/jobs.h"
#include "jobs/queue.h"
#include "jobs/worker.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/log.h"
#include "util/strbuf.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static struct group_item *head, **tail = &head; /* first in, first stored */
static unsigned waiting;
static bool running, stopping;
static pthread_t thread;

/* The batch as db_job_insert_batch reads it: [{"u": id or null, "p": payload}, ...]. The
 * payloads are jansson's output, valid JSON already; the ids are encoded here. */
static const char *
batch_json(struct arena *a, struct group_item *const *items, int n)
{
	struct strbuf sb;
	strbuf_init(&sb, a);
	strbuf_putc(&sb, '[');
	for (int i = 0; i < n; i++) {
		strbuf_puts(&sb, i ? ",{\"u\":" : "{\"u\":");
		json_t *u =
		    items[i]->unless_seen ? json_string(items[i]->unless_seen) : json_null();
		char *text = u ? json_dumps(u, JSON_ENCODE_ANY) : NULL;
		strbuf_puts(&sb, text ? text : "null");
		free(text);
		json_decref(u);
		strbuf_puts(&sb, ",\"p\":");
		strbuf_puts(&sb, items[i]->payload_json);
		strbuf_putc(&sb, '}');
	}
	strbuf_putc(&sb, ']');
	return sb.data;
}

/* One statement for the n items: 0 with ids set, or -1 + err (nothing stored). */
static int
store(struct arena *a, struct group_item *const *items, int n, int64_t *ids, struct err *err)
{
	return db_job_insert_batch(a, job_kind_name(JOB_INBOX), batch_json(a, items, n), n, ids,
				   err);
}

void
group_store(struct group_item *const *items, int n)
{
	if (n <= 0)
		return;
	struct arena *a = arena_new();
	int64_t *ids = arena_alloc(a, sizeof *ids * (size_t)n);
	struct err err = {0};
	bool stored = false;
	if (store(a, items, n, ids, &err) == 0) {
		log_msg(LOG_DEBUG, "inbox: %d activities stored in one commit", n);
		for (int i = 0; i < n; i++) {
			stored = stored || ids[i] > 0;
			items[i]->done(items[i], ids[i], NULL);
		}
	} else if (err.code == ERR_UNAVAILABLE || n == 1) {
		/* the database is away: nothing was stored, and nothing could be now */
		log_msg(LOG_WARN, "inbox: a batch of %d activities could not be stored: %s", n,
			err.detail);
		for (int i = 0; i < n; i++)
			items[i]->done(items[i], -1, &err);
	} else {
		/* refused for one member or another: each alone, so that only it fails */
		log_msg(LOG_WARN,
			"inbox: a batch of %d activities failed (%s); storing them "
			"one at a time",
			n, err.detail);
		for (int i = 0; i < n; i++) {
			struct err one = {0};
			if (store(a, &items[i], 1, &ids[i], &one) != 0) {
				log_msg(LOG_WARN, "inbox: an activity could not be stored: %s",
					one.detail);
				items[i]->done(items[i], -1, &one);
				continue;
			}
			stored = stored || ids[i] > 0;
			items[i]->done(items[i], ids[i], NULL);
		}
	}
	if (stored)
		worker_wake();
	arena_free(a);
}

/* Takes what waits (at most one batch's worth, oldest first) into items; the count. Called
 * with the lock held. */
static int
take(struct group_item **items)
{
	int n = 0;
	size_t bytes = 0;
	while (head != NULL && n < GROUP_MAX_ITEMS && (n == 0 || bytes < GROUP_MAX_BYTES)) {
		struct group_item *it = head;
		head = it->next;
		bytes += strlen(it->payload_json);
		items[n++] = it;
	}
	if (head == NULL)
		tail = &head;
	waiting -= (unsigned)n;
	return n;
}

static void *
run(void *arg)
{
	(void)arg;
	struct group_item *items[GROUP_MAX_ITEMS];
	for (;;) {
		pthread_mutex_lock(&lock);
		while (head == NULL && !stopping)
			pthread_cond_wait(&wake, &lock);
		int n = take(items);
		pthread_mutex_unlock(&lock);
		if (n == 0)
			break; /* stopping, and nothing left */
		group_store(items, n);
	}
	db_thread_close();
	return NULL;
}

int
group_start(void)
{
	pthread_mutex_lock(&lock);
	if (running) {
		pthread_mutex_unlock(&lock);
		return 0;
	}
	stopping = false;
	running = pthread_create(&thread, NULL, run, NULL) == 0;
	pthread_mutex_unlock(&lock);
	return running ? 0 : -1;
}

bool
group_submit(struct group_item *item)
{
	pthread_mutex_lock(&lock);
	bool ok = running && !stopping;
	if (ok) {
		item->next = NULL;
		*tail = item;
		tail = &item->next;
		waiting++;
		log_msg(LOG_DEBUG, "inbox: %u activities wait for the next batch", waiting);
		pthread_cond_signal(&wake);
	}
	pthread_mutex_unlock(&lock);
	return ok;
}

void
group_stop(void)
{
	pthread_mutex_lock(&lock);
	if (!running || stopping) {
		pthread_mutex_unlock(&lock);
		return;
	}
	stopping = true;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
	pthread_join(thread, NULL);
	pthread_mutex_lock(&lock);
	running = stopping = false;
	pthread_mutex_unlock(&lock);
}
