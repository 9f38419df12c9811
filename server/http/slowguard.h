/* slowguard.h - closes connections that send a request too slowly. libmicrohttpd's
 * connection_timeout only counts idle time, so a client that sends one header line every few
 * seconds, or a body one byte a second, would hold its slot (and its 64 KB of buffer) for
 * ever. Here each connection has a deadline: the head of a request must arrive within
 * header_timeout seconds of the connection opening or of the previous answer; after the head
 * the body must keep up body_min_rate bytes a second on average, with header_timeout seconds
 * of grace. A thread of its own looks at the deadlines and shuts down (shutdown(2), never
 * close(2)) the socket of a connection past its deadline; libmicrohttpd then sees the
 * connection end and closes it as usual. The time is read through a clock function so that
 * tests can drive it. */
#ifndef PARASOL_SLOWGUARD_H
#define PARASOL_SLOWGUARD_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

struct slowguard;
struct slowguard_conn;

/* Milliseconds on a monotonic clock. */
typedef int64_t (*slowguard_clock)(void);

/* Starts a guard whose thread checks the deadlines every tick_ms milliseconds (clock NULL:
 * CLOCK_MONOTONIC). NULL and err set when out of memory or the thread can't start. */
struct slowguard *slowguard_new(int header_timeout_s, long body_min_rate, int tick_ms,
				slowguard_clock clock, struct err *err);
/* Stops the thread and frees the guard; every connection must have been closed first. */
void slowguard_free(struct slowguard *g);

/* A connection on socket fd has opened: its head is due now + header_timeout. The result is
 * owned by the guard until slowguard_close; NULL when out of memory (the connection is then
 * not watched). */
struct slowguard_conn *slowguard_open(struct slowguard *g, int fd);
/* The head of a request arrived on c: from now on the body's rate counts. c may be NULL. */
void slowguard_head(struct slowguard *g, struct slowguard_conn *c);
/* n more bytes of body arrived on c. */
void slowguard_body(struct slowguard *g, struct slowguard_conn *c, size_t n);
/* The whole request arrived on c and is being answered: no deadline until slowguard_idle. */
void slowguard_answering(struct slowguard *g, struct slowguard_conn *c);
/* The answer on c was sent: the next request's head is due now + header_timeout. */
void slowguard_idle(struct slowguard *g, struct slowguard_conn *c);
/* c is closing (before its socket is closed): forgotten and freed. c may be NULL. */
void slowguard_close(struct slowguard *g, struct slowguard_conn *c);

/* Shuts down every connection past its deadline now, as the thread does each tick; returns
 * how many (for tests, which drive the clock). */
unsigned slowguard_sweep(struct slowguard *g);

/* How many connections the guard has cut since it started (for tests and the log). */
uint64_t slowguard_cut_count(struct slowguard *g);

#endif
