/* stream.c - see stream.h. The listener's callback only queues (db/notify.h: it must not
 * block); the feed thread takes the queue, and ticks when it has been idle a tick long. */
#include "core/stream.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/follow.h"
#include "core/notification.h"
#include "core/timeline.h"
#include "db/db.h"
#include "db/notify.h"
#include "util/err.h"
#include "util/id.h"
#include "util/log.h"

static struct {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct stream_event *queue; /* a ring of STREAM_QUEUE_MAX */
	size_t head, count;
	size_t dropped;
	bool stopping;
	bool running;
	pthread_t thread;
	struct db_listener *listener;
	int tick_seconds;
	stream_event_fn fn;
	void *ud;
} feed = {.lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER};

int
stream_event_parse(const char *payload, struct stream_event *out)
{
	/* up to five words, each copied out: KIND ID ACCOUNT [VISIBILITY LOCAL] */
	char words[5][24];
	int n = 0;
	memset(out, 0, sizeof *out);
	for (const char *p = payload; p != NULL && *p != '\0';) {
		size_t len = strcspn(p, " ");
		if (n == 5 || len == 0 || len >= sizeof words[0])
			return -1;
		memcpy(words[n], p, len);
		words[n++][len] = '\0';
		p += len;
		if (*p == ' ' && *++p == '\0')
			return -1; /* a trailing space */
	}
	if (n < 3 || strlen(words[0]) != 1 || id_parse(words[1], &out->id) != 0 ||
	    id_parse(words[2], &out->account_id) != 0 || out->id <= 0 || out->account_id <= 0)
		return -1;
	switch (words[0][0]) {
	case 'n':
		out->kind = STREAM_EV_NOTIFICATION;
		return n == 3 ? 0 : -1;
	case 's':
		out->kind = STREAM_EV_STATUS;
		break;
	case 'e':
		out->kind = STREAM_EV_EDIT;
		break;
	case 'd':
		out->kind = STREAM_EV_DELETE;
		break;
	default:
		return -1;
	}
	if (n != 5 || visibility_parse(words[3], &out->visibility) != 0 ||
	    (strcmp(words[4], "0") != 0 && strcmp(words[4], "1") != 0))
		return -1;
	out->local = words[4][0] == '1';
	return 0;
}

static void
on_listen(enum db_listen_event event, const char *payload, int backend_pid, void *ud)
{
	(void)backend_pid;
	(void)ud;
	if (event != DB_LISTEN_NOTIFY)
		return;
	struct stream_event ev;
	if (stream_event_parse(payload, &ev) != 0) {
		log_msg(LOG_WARN, "stream: a notification not understood");
		return;
	}
	pthread_mutex_lock(&feed.lock);
	if (feed.count < STREAM_QUEUE_MAX) {
		feed.queue[(feed.head + feed.count) % STREAM_QUEUE_MAX] = ev;
		feed.count++;
		pthread_cond_signal(&feed.wake);
	} else {
		feed.dropped++;
	}
	pthread_mutex_unlock(&feed.lock);
}

static void
deadline_in(struct timespec *ts, int seconds)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += seconds;
}

static void *
feed_main(void *arg)
{
	(void)arg;
	struct timespec tick;
	deadline_in(&tick, feed.tick_seconds);
	pthread_mutex_lock(&feed.lock);
	while (!feed.stopping) {
		if (feed.dropped > 0) {
			log_msg(LOG_WARN, "stream: %zu events dropped (the queue was full)",
				feed.dropped);
			feed.dropped = 0;
		}
		struct stream_event ev;
		if (feed.count > 0) {
			ev = feed.queue[feed.head];
			feed.head = (feed.head + 1) % STREAM_QUEUE_MAX;
			feed.count--;
		} else if (pthread_cond_timedwait(&feed.wake, &feed.lock, &tick) == 0) {
			continue;
		} else {
			ev = (struct stream_event){.kind = STREAM_EV_TICK};
		}
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		bool due = now.tv_sec > tick.tv_sec ||
			   (now.tv_sec == tick.tv_sec && now.tv_nsec >= tick.tv_nsec);
		pthread_mutex_unlock(&feed.lock);
		feed.fn(&ev, feed.ud);
		if (due &&
		    ev.kind != STREAM_EV_TICK) { /* busy: the heartbeat is due all the same */
			struct stream_event t = {.kind = STREAM_EV_TICK};
			feed.fn(&t, feed.ud);
		}
		if (due || ev.kind == STREAM_EV_TICK)
			deadline_in(&tick, feed.tick_seconds);
		pthread_mutex_lock(&feed.lock);
	}
	pthread_mutex_unlock(&feed.lock);
	db_thread_close();
	return NULL;
}

int
stream_feed_start(const char *conninfo, int tick_seconds, stream_event_fn fn, void *ud,
		  struct err *err)
{
	if ((feed.queue = calloc(STREAM_QUEUE_MAX, sizeof *feed.queue)) == NULL)
		return err_set(err, ERR_INTERNAL, NULL, "out of memory");
	feed.fn = fn;
	feed.ud = ud;
	feed.tick_seconds = tick_seconds > 0 ? tick_seconds : 1;
	feed.head = feed.count = feed.dropped = 0;
	feed.stopping = false;
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&feed.wake, &ca);
	pthread_condattr_destroy(&ca);
	if ((feed.listener = db_listener_start(conninfo, STREAM_CHANNEL, on_listen, NULL, err)) ==
	    NULL) {
		free(feed.queue);
		feed.queue = NULL;
		return -1;
	}
	/* the thread blocks every signal, like the listener's */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int rc = pthread_create(&feed.thread, NULL, feed_main, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		db_listener_stop(feed.listener);
		feed.listener = NULL;
		free(feed.queue);
		feed.queue = NULL;
		return err_set(err, ERR_INTERNAL, NULL, "the stream thread did not start");
	}
	feed.running = true;
	return 0;
}

void
stream_feed_stop(void)
{
	if (!feed.running)
		return;
	db_listener_stop(feed.listener); /* no more events */
	feed.listener = NULL;
	pthread_mutex_lock(&feed.lock);
	feed.stopping = true;
	pthread_cond_signal(&feed.wake);
	pthread_mutex_unlock(&feed.lock);
	pthread_join(feed.thread, NULL);
	free(feed.queue);
	feed.queue = NULL;
	feed.running = false;
}

int
stream_status_in(struct arena *a, int64_t viewer_id, enum stream_timeline tl, const char *tag,
		 int64_t id, struct status **out, struct err *err)
{
	/* the page just above id - 1, one item long: id itself when that timeline holds it */
	struct timeline_query q = {.min_id = id - 1, .limit = 1};
	struct timeline_page p;
	int rc = tl == STREAM_TL_HOME	 ? timeline_home(a, viewer_id, &q, &p, err)
		 : tl == STREAM_TL_LOCAL ? timeline_local(a, viewer_id, &q, &p, err)
					 : timeline_tag(a, viewer_id, tag ? tag : "", &q, &p, err);
	if (rc != 0)
		return -1;
	if (p.n < 1 || p.items[0].key != id)
		return 0;
	*out = &p.items[0];
	return 1;
}

int
stream_notification(struct arena *a, int64_t account_id, int64_t id, struct notification_row **out,
		    struct err *err)
{
	struct notification_page p;
	if (notification_list(a, account_id, id + 1, 0, 1, &p, err) != 0)
		return -1;
	if (p.n < 1 || p.items[0].id != id)
		return 0;
	*out = &p.items[0];
	return 1;
}

int
stream_follows(struct arena *a, int64_t viewer_id, int64_t account_id, struct err *err)
{
	struct relationship r;
	if (relationship_get(a, viewer_id, account_id, &r, err) != 0)
		return -1;
	return r.following ? 1 : 0;
}
