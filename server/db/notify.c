/* notify.c - NOTIFY on the thread's connection; the LISTEN thread with its own connection.
 *
 * The listener never blocks outside poll(): it connects with PQconnectStartParams and
 * PQconnectPoll, sends LISTEN with PQsendQuery, and waits on PQsocket together with a pipe
 * that db_listener_stop writes to, so stopping is immediate whatever it was doing. */
#include "db/notify.h"

#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db/db.h"
#include "util/err.h"
#include "util/log.h"

#define CONNECT_TIMEOUT_MS 10000 /* one connection attempt, LISTEN included */
#define BACKOFF_FIRST_MS 100
#define BACKOFF_MAX_MS 5000
#define FIRST_ATTEMPT_WAIT_S 5 /* how long db_listener_start waits for the first attempt */

int
db_notify(struct arena *a, const char *channel, const char *payload, struct err *err)
{
	const char *p[] = {channel, payload};
	return db_query(a, err, "SELECT pg_notify($1, $2)", 2, p) == NULL ? -1 : 0;
}

int
db_transaction_wrote(struct arena *a, struct err *err)
{
	PGresult *r =
	    db_query(a, err, "SELECT pg_current_xact_id_if_assigned() IS NOT NULL", 0, NULL);
	return r == NULL ? -1 : db_bool(r, 0, 0);
}

struct db_listener {
	char *conninfo;
	char *channel;
	db_listen_fn fn;
	void *ud;
	int stop_pipe[2]; /* [1] is written once to stop; [0] then stays readable */
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cond;
	bool first_done; /* under mu: the first connection attempt is over */
};

static int64_t
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits until fd (ignored when < 0) is ready for events, the stop pipe is written, or
 * timeout_ms passes (< 0: no limit). 1 ready, 0 timed out, -1 asked to stop. */
static int
wait_fd(struct db_listener *l, int fd, short events, int timeout_ms)
{
	struct pollfd p[2] = {{.fd = l->stop_pipe[0], .events = POLLIN},
			      {.fd = fd, .events = events}};
	for (;;) {
		int n = poll(p, fd >= 0 ? 2 : 1, timeout_ms);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1; /* can't wait: treat as a stop rather than spin */
		if (p[0].revents != 0)
			return -1;
		return n == 0 ? 0 : 1;
	}
}

static void
first_attempt_over(struct db_listener *l)
{
	pthread_mutex_lock(&l->mu);
	l->first_done = true;
	pthread_cond_broadcast(&l->cond);
	pthread_mutex_unlock(&l->mu);
}

static void
quiet_notice(void *arg, const char *message)
{
	(void)arg;
	log_msg(LOG_DEBUG, "postgresql (listener): %.200s", message);
}

/* Connects and runs LISTEN. Returns the connection, or NULL with *stop set when asked to stop
 * and *why naming the failure otherwise (libpq's message: a socket path or host, never a
 * client's address). */
static PGconn *
listen_connect(struct db_listener *l, bool *stop, char *why, size_t why_len)
{
	/* The keepalives notice a peer that vanished without closing (TCP only); the
	 * configured conninfo comes last so that what it says wins. */
	const char *keys[] = {"keepalives",	  "keepalives_idle", "keepalives_interval",
			      "keepalives_count", "dbname",	     NULL};
	const char *values[] = {"1", "30", "10", "3", l->conninfo, NULL};
	int64_t deadline = now_ms() + CONNECT_TIMEOUT_MS;
	*stop = false;
	snprintf(why, why_len, "%s", "out of memory");
	PGconn *c = PQconnectStartParams(keys, values, 1);
	if (c == NULL)
		return NULL;
	PostgresPollingStatusType st =
	    PQstatus(c) == CONNECTION_BAD ? PGRES_POLLING_FAILED : PGRES_POLLING_WRITING;
	while (st != PGRES_POLLING_OK) {
		if (st == PGRES_POLLING_FAILED)
			goto fail;
		int64_t left = deadline - now_ms();
		int r = left <= 0
			    ? 0
			    : wait_fd(l, PQsocket(c),
				      st == PGRES_POLLING_READING ? POLLIN : POLLOUT, (int)left);
		if (r < 0) {
			*stop = true;
			goto fail;
		}
		if (r == 0) {
			snprintf(why, why_len, "%s", "timed out connecting");
			goto fail_quiet;
		}
		st = PQconnectPoll(c);
	}
	PQsetNoticeProcessor(c, quiet_notice, NULL);
	char *ident = PQescapeIdentifier(c, l->channel, strlen(l->channel));
	if (ident == NULL)
		goto fail;
	char sql[128];
	snprintf(sql, sizeof sql, "LISTEN %s", ident);
	PQfreemem(ident);
	if (!PQsendQuery(c, sql))
		goto fail;
	while (PQisBusy(c)) {
		int64_t left = deadline - now_ms();
		int r = left <= 0 ? 0 : wait_fd(l, PQsocket(c), POLLIN, (int)left);
		if (r < 0) {
			*stop = true;
			goto fail;
		}
		if (r == 0) {
			snprintf(why, why_len, "%s", "timed out waiting for LISTEN");
			goto fail_quiet;
		}
		if (!PQconsumeInput(c))
			goto fail;
	}
	bool ok = true;
	PGresult *res;
	while ((res = PQgetResult(c)) != NULL) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK)
			ok = false;
		PQclear(res);
	}
	if (!ok)
		goto fail;
	return c;
fail:
	snprintf(why, why_len, "%s", PQerrorMessage(c));
fail_quiet:
	PQfinish(c);
	return NULL;
}

/* Hands over every notification that arrived. false when the connection is gone. */
static bool
drain(struct db_listener *l, PGconn *c)
{
	if (!PQconsumeInput(c))
		return false;
	PGnotify *n;
	while ((n = PQnotifies(c)) != NULL) {
		l->fn(DB_LISTEN_NOTIFY, n->extra, n->be_pid, l->ud);
		PQfreemem(n);
	}
	return PQstatus(c) == CONNECTION_OK;
}

static void *
listener_main(void *arg)
{
	struct db_listener *l = arg;
	int backoff = BACKOFF_FIRST_MS;
	bool was_up = false, complained = false;
	for (;;) {
		bool stop;
		char why[256];
		PGconn *c = listen_connect(l, &stop, why, sizeof why);
		if (c == NULL) {
			first_attempt_over(l);
			if (stop)
				break;
			if (!complained)
				log_msg(LOG_WARN,
					"cannot listen for changes, retrying (PostgreSQL: %s)",
					why);
			complained = true;
			if (wait_fd(l, -1, 0, backoff) < 0)
				break;
			backoff = backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : backoff * 2;
			continue;
		}
		backoff = BACKOFF_FIRST_MS;
		complained = false;
		log_msg(was_up ? LOG_INFO : LOG_DEBUG, "listening for changes on '%s'%s",
			l->channel, was_up ? " again" : "");
		was_up = true;
		l->fn(DB_LISTEN_UP, NULL, 0, l->ud);
		first_attempt_over(l);
		int r;
		while ((r = wait_fd(l, PQsocket(c), POLLIN, -1)) > 0 && drain(l, c))
			;
		if (r < 0) {
			PQfinish(c);
			break;
		}
		log_msg(LOG_WARN, "lost the connection that listens for changes, reconnecting");
		PQfinish(c);
		l->fn(DB_LISTEN_DOWN, NULL, 0, l->ud);
	}
	return NULL;
}

/* Frees l and what it holds; its thread, if it ran, has ended. */
static void
listener_free(struct db_listener *l)
{
	if (l->stop_pipe[0] >= 0) {
		close(l->stop_pipe[0]);
		close(l->stop_pipe[1]);
	}
	pthread_mutex_destroy(&l->mu);
	pthread_cond_destroy(&l->cond);
	free(l->conninfo);
	free(l->channel);
	free(l);
}

struct db_listener *
db_listener_start(const char *conninfo, const char *channel, db_listen_fn fn, void *ud,
		  struct err *err)
{
	struct db_listener *l = calloc(1, sizeof *l);
	if (l == NULL) {
		err_set(err, ERR_INTERNAL, NULL, "out of memory");
		return NULL;
	}
	l->conninfo = strdup(conninfo != NULL ? conninfo : "");
	l->channel = strdup(channel);
	l->fn = fn;
	l->ud = ud;
	l->stop_pipe[0] = l->stop_pipe[1] = -1;
	pthread_mutex_init(&l->mu, NULL);
	pthread_cond_init(&l->cond, NULL);
	if (l->conninfo == NULL || l->channel == NULL || pipe2(l->stop_pipe, O_CLOEXEC) != 0) {
		err_set(err, ERR_INTERNAL, NULL, "cannot make the listener's stop pipe");
		goto fail;
	}
	/* The thread inherits a mask that blocks everything: SIGINT and SIGTERM are for the
	 * thread that waits for them, whenever this is called. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int rc = pthread_create(&l->thread, NULL, listener_main, l);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		err_set(err, ERR_INTERNAL, NULL, "cannot start the listener thread: %s",
			strerror(rc));
		goto fail;
	}
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += FIRST_ATTEMPT_WAIT_S;
	pthread_mutex_lock(&l->mu);
	while (!l->first_done)
		if (pthread_cond_timedwait(&l->cond, &l->mu, &until) != 0)
			break;
	pthread_mutex_unlock(&l->mu);
	return l;
fail:
	listener_free(l);
	return NULL;
}

void
db_listener_stop(struct db_listener *l)
{
	if (l == NULL)
		return;
	ssize_t w;
	do
		w = write(l->stop_pipe[1], "x", 1);
	while (w < 0 && errno == EINTR);
	pthread_join(l->thread, NULL);
	listener_free(l);
}
