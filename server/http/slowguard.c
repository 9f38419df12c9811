/* slowguard.c - deadlines for slow requests (see slowguard.h). The connections watched are a
 * doubly linked list under one mutex; the callbacks of every HTTP thread take it for a few
 * instructions, the guard's thread once a tick to walk the list. Because libmicrohttpd
 * reports a connection closed (slowguard_close, under the mutex) before it closes the socket,
 * a socket the thread shuts down under the mutex is always still the connection's own and
 * never a number the kernel has handed to someone else. */
#include "http/slowguard.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>

#include "util/log.h"

enum phase { PH_HEAD, PH_BODY, PH_ANSWERING, PH_CUT };

struct slowguard_conn {
	struct slowguard_conn *prev, *next;
	int fd;
	enum phase phase;
	int64_t since_ms; /* when the current phase started */
	uint64_t received; /* body bytes of the current request */
};

struct slowguard {
	pthread_mutex_t mu;
	pthread_cond_t wake;
	pthread_t thread;
	bool stopping;
	struct slowguard_conn *head;
	int64_t header_ms;
	long body_min_rate;
	int tick_ms;
	slowguard_clock clock;
	uint64_t cut;
};

static int64_t
monotonic_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Whether c is past its deadline at now (mutex held). */
static bool
overdue(const struct slowguard *g, const struct slowguard_conn *c, int64_t now)
{
	switch (c->phase) {
	case PH_HEAD:
		return now - c->since_ms > g->header_ms;
	case PH_BODY: {
		/* header_timeout of grace, then one second per body_min_rate bytes received */
		int64_t allowed = g->header_ms;
		if (g->body_min_rate > 0)
			allowed += (int64_t)(c->received * 1000 / (uint64_t)g->body_min_rate);
		return now - c->since_ms > allowed;
	}
	case PH_ANSWERING:
	case PH_CUT:
		return false;
	}
	return false;
}

/* Shuts down every connection past its deadline (mutex held); returns how many. */
static unsigned
sweep_locked(struct slowguard *g)
{
	int64_t now = g->clock();
	unsigned n = 0;
	for (struct slowguard_conn *c = g->head; c != NULL; c = c->next) {
		if (!overdue(g, c, now))
			continue;
		/* libmicrohttpd's thread sees end of file or an error and closes it */
		if (shutdown(c->fd, SHUT_RDWR) != 0 && errno != ENOTCONN)
			log_msg(LOG_DEBUG, "slowguard: shutdown: %s", strerror(errno));
		c->phase = PH_CUT;
		g->cut++;
		n++;
	}
	return n;
}

static void *
guard_thread(void *arg)
{
	struct slowguard *g = arg;
	pthread_mutex_lock(&g->mu);
	while (!g->stopping) {
		struct timespec until;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_nsec += (long)g->tick_ms * 1000000L;
		until.tv_sec += until.tv_nsec / 1000000000L;
		until.tv_nsec %= 1000000000L;
		pthread_cond_timedwait(&g->wake, &g->mu, &until);
		if (g->stopping)
			break;
		unsigned n = sweep_locked(g);
		if (n > 0)
			log_msg(LOG_INFO, "closed %u connection%s sending a request too slowly", n,
				n == 1 ? "" : "s");
	}
	pthread_mutex_unlock(&g->mu);
	return NULL;
}

unsigned
slowguard_sweep(struct slowguard *g)
{
	pthread_mutex_lock(&g->mu);
	unsigned n = sweep_locked(g);
	pthread_mutex_unlock(&g->mu);
	return n;
}

struct slowguard *
slowguard_new(int header_timeout_s, long body_min_rate, int tick_ms, slowguard_clock clock,
	      struct err *err)
{
	struct slowguard *g = calloc(1, sizeof *g);
	if (g == NULL) {
		err_set(err, ERR_INTERNAL, NULL, "out of memory");
		return NULL;
	}
	g->header_ms = (int64_t)header_timeout_s * 1000;
	g->body_min_rate = body_min_rate;
	g->tick_ms = tick_ms > 0 ? tick_ms : 250;
	g->clock = clock != NULL ? clock : monotonic_ms;
	pthread_mutex_init(&g->mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&g->wake, &ca);
	pthread_condattr_destroy(&ca);
	int rc = pthread_create(&g->thread, NULL, guard_thread, g);
	if (rc != 0) {
		err_set(err, ERR_INTERNAL, NULL, "cannot start the slow-request guard: %s",
			strerror(rc));
		pthread_cond_destroy(&g->wake);
		pthread_mutex_destroy(&g->mu);
		free(g);
		return NULL;
	}
	return g;
}

void
slowguard_free(struct slowguard *g)
{
	if (g == NULL)
		return;
	pthread_mutex_lock(&g->mu);
	g->stopping = true;
	pthread_cond_signal(&g->wake);
	pthread_mutex_unlock(&g->mu);
	pthread_join(g->thread, NULL);
	while (g->head != NULL) { /* none, unless a connection was never reported closed */
		struct slowguard_conn *c = g->head;
		g->head = c->next;
		free(c);
	}
	pthread_cond_destroy(&g->wake);
	pthread_mutex_destroy(&g->mu);
	free(g);
}

/* Moves c to phase p, starting now (mutex taken here). */
static void
set_phase(struct slowguard *g, struct slowguard_conn *c, enum phase p)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&g->mu);
	if (c->phase != PH_CUT) {
		c->phase = p;
		c->since_ms = g->clock();
		c->received = 0;
	}
	pthread_mutex_unlock(&g->mu);
}

struct slowguard_conn *
slowguard_open(struct slowguard *g, int fd)
{
	struct slowguard_conn *c = calloc(1, sizeof *c);
	if (c == NULL)
		return NULL;
	c->fd = fd;
	c->phase = PH_HEAD;
	pthread_mutex_lock(&g->mu);
	c->since_ms = g->clock();
	c->next = g->head;
	if (g->head != NULL)
		g->head->prev = c;
	g->head = c;
	pthread_mutex_unlock(&g->mu);
	return c;
}

void
slowguard_head(struct slowguard *g, struct slowguard_conn *c)
{
	set_phase(g, c, PH_BODY);
}

void
slowguard_body(struct slowguard *g, struct slowguard_conn *c, size_t n)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&g->mu);
	c->received += n;
	pthread_mutex_unlock(&g->mu);
}

void
slowguard_answering(struct slowguard *g, struct slowguard_conn *c)
{
	set_phase(g, c, PH_ANSWERING);
}

void
slowguard_idle(struct slowguard *g, struct slowguard_conn *c)
{
	set_phase(g, c, PH_HEAD);
}

void
slowguard_close(struct slowguard *g, struct slowguard_conn *c)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&g->mu);
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		g->head = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	pthread_mutex_unlock(&g->mu);
	free(c);
}

uint64_t
slowguard_cut_count(struct slowguard *g)
{
	pthread_mutex_lock(&g->mu);
	uint64_t n = g->cut;
	pthread_mutex_unlock(&g->mu);
	return n;
}
