/* conntable.c - the open connections (see conntable.h): a count, and the idle ones in a
 * doubly linked list under one mutex, oldest at the head. A connection joins the tail when it
 * opens or rests and leaves the list when it gets busy, is found receiving, is shut down or
 * closes; so the list stays in the order the idle times began, and each call is O(1) but for
 * conntable_make_room, which may pass over connections found receiving (each once, since it
 * takes them off the list). */
#include "http/conntable.h"

#include <errno.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "util/log.h"

enum state {
	ST_IDLE, /* in the list */
	ST_BUSY, /* a request in progress (or being received) */
	ST_CUT,	 /* shut down to make room; closing */
};

struct conntable_conn {
	struct conntable_conn *prev, *next;
	int fd;
	enum state state;
	bool known;	  /* mark was read from the kernel */
	uint64_t mark;	  /* bytes the socket had received when the idle time began */
};

struct conntable {
	pthread_mutex_t mu;
	struct conntable_conn *head, *tail; /* the idle ones, oldest first */
	unsigned limit;
	unsigned open;	 /* opened and not yet closed */
	unsigned cut;	 /* of them, shut down and not yet closed */
	uint64_t evicted;
};

/* The bytes fd has received in all, from the kernel; false when it can't say (not TCP, or a
 * kernel older than 4.1). */
static bool
bytes_received(int fd, uint64_t *n)
{
	struct tcp_info ti;
	socklen_t len = sizeof ti;
	memset(&ti, 0, sizeof ti);
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0)
		return false;
	if (len < offsetof(struct tcp_info, tcpi_bytes_received) + sizeof ti.tcpi_bytes_received)
		return false;
	*n = ti.tcpi_bytes_received;
	return true;
}

/* Appends c at the tail (mutex held). */
static void
push(struct conntable *t, struct conntable_conn *c)
{
	c->prev = t->tail;
	c->next = NULL;
	if (t->tail != NULL)
		t->tail->next = c;
	else
		t->head = c;
	t->tail = c;
}

/* Takes c off the list (mutex held; c is on it). */
static void
unlink_conn(struct conntable *t, struct conntable_conn *c)
{
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		t->head = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	else
		t->tail = c->prev;
	c->prev = c->next = NULL;
}

struct conntable *
conntable_new(unsigned limit)
{
	struct conntable *t = calloc(1, sizeof *t);
	if (t == NULL)
		return NULL;
	pthread_mutex_init(&t->mu, NULL);
	t->limit = limit > 0 ? limit : 1;
	return t;
}

void
conntable_free(struct conntable *t)
{
	if (t == NULL)
		return;
	while (t->head != NULL) { /* none, unless a connection was never reported closed */
		struct conntable_conn *c = t->head;
		t->head = c->next;
		free(c);
	}
	pthread_mutex_destroy(&t->mu);
	free(t);
}

struct conntable_conn *
conntable_open(struct conntable *t, int fd)
{
	struct conntable_conn *c = calloc(1, sizeof *c);
	if (c == NULL)
		return NULL;
	c->fd = fd;
	c->state = ST_IDLE;
	c->known = true; /* a new connection had received nothing before it began */
	c->mark = 0;
	pthread_mutex_lock(&t->mu);
	t->open++;
	push(t, c);
	pthread_mutex_unlock(&t->mu);
	return c;
}

void
conntable_busy(struct conntable *t, struct conntable_conn *c)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&t->mu);
	if (c->state == ST_IDLE)
		unlink_conn(t, c);
	if (c->state != ST_CUT)
		c->state = ST_BUSY;
	pthread_mutex_unlock(&t->mu);
}

void
conntable_rest(struct conntable *t, struct conntable_conn *c)
{
	if (c == NULL)
		return;
	/* outside the lock: a system call */
	uint64_t mark = 0;
	bool known = bytes_received(c->fd, &mark);
	pthread_mutex_lock(&t->mu);
	if (c->state == ST_BUSY) {
		c->state = ST_IDLE;
		c->known = known;
		c->mark = mark;
		push(t, c);
	}
	pthread_mutex_unlock(&t->mu);
}

void
conntable_close(struct conntable *t, struct conntable_conn *c)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&t->mu);
	if (c->state == ST_IDLE)
		unlink_conn(t, c);
	else if (c->state == ST_CUT)
		t->cut--;
	t->open--;
	pthread_mutex_unlock(&t->mu);
	free(c);
}

bool
conntable_make_room(struct conntable *t)
{
	pthread_mutex_lock(&t->mu);
	bool room = true;
	if (t->open - t->cut >= t->limit) {
		room = false;
		struct conntable_conn *c;
		while ((c = t->head) != NULL) {
			unlink_conn(t, c);
			uint64_t now;
			if (c->known && bytes_received(c->fd, &now) && now != c->mark) {
				c->state = ST_BUSY; /* a request is arriving */
				continue;
			}
			/* libmicrohttpd's thread sees end of file and closes it */
			if (shutdown(c->fd, SHUT_RDWR) != 0 && errno != ENOTCONN)
				log_msg(LOG_DEBUG, "conntable: shutdown: %s", strerror(errno));
			c->state = ST_CUT;
			t->cut++;
			t->evicted++;
			room = true;
			break;
		}
	}
	pthread_mutex_unlock(&t->mu);
	return room;
}

bool
conntable_over(struct conntable *t)
{
	pthread_mutex_lock(&t->mu);
	bool over = t->open - t->cut > t->limit;
	pthread_mutex_unlock(&t->mu);
	return over;
}

unsigned
conntable_live(struct conntable *t)
{
	pthread_mutex_lock(&t->mu);
	unsigned n = t->open - t->cut;
	pthread_mutex_unlock(&t->mu);
	return n;
}

uint64_t
conntable_evicted(struct conntable *t)
{
	pthread_mutex_lock(&t->mu);
	uint64_t n = t->evicted;
	pthread_mutex_unlock(&t->mu);
	return n;
}
