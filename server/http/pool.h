/* pool.h - the handler threads: a first-in, first-out queue of requests and the threads that
 * run them.
 *
 * libmicrohttpd's own threads read and write sockets; a request whose handler blocks (on
 * PostgreSQL, on a peer) is handed to this pool, so that it never holds up the other
 * connections of the thread that read it, and so that any free handler thread takes the
 * oldest waiting request, whichever connection it came on (http/server.c). The pool knows
 * nothing of HTTP: an item is an opaque pointer. */
#ifndef PARASOL_POOL_H
#define PARASOL_POOL_H

#include <stdbool.h>

struct pool;

/* What a handler thread does with one item (called on that thread, without any lock). */
typedef void (*pool_run_fn)(void *item, void *ctx);
/* Called under the pool's lock just before an item is queued, when it is accepted (so that
 * what the item needs before a thread may run it, e.g. suspending its connection, happens
 * before any thread can see it). NULL for none. */
typedef void (*pool_admit_fn)(void *item, void *ctx);

/* Starts threads (at least 1) running run(item, ctx) on submitted items. NULL when a thread
 * or memory can't be had (the threads already started are stopped). */
struct pool *pool_start(unsigned threads, pool_run_fn run, pool_admit_fn admit, void *ctx);

/* Queues item (admit first). false, and nothing done, once pool_stop has begun: the caller
 * answers the item itself. Thread-safe. */
bool pool_submit(struct pool *p, void *item);

/* Refuses new items, lets the threads run every item already queued, joins them and frees
 * the pool. NULL is a no-op. */
void pool_stop(struct pool *p);

/* How many items wait for a thread now (logs, tests). */
unsigned pool_waiting(struct pool *p);

#endif
