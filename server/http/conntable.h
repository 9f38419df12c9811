/* conntable.h - every open connection, the idle ones oldest first, so that a full server
 * makes room for a new client by closing the connection that has been idle longest instead
 * of leaving the newcomer in the kernel's queue until some idle timeout.
 *
 * A connection is idle from the moment it opens, or its previous answer was sent, until the
 * head of its next request arrives (conntable_busy), provided no byte of that next request
 * has arrived yet: before choosing a victim the table asks the kernel how many bytes the
 * socket has received (TCP_INFO's tcpi_bytes_received) and compares with the count at the
 * start of the idle time; a connection that received some is receiving a request and is
 * not idle (http/slowguard.h deals with one that is too slow about it). A victim's socket is
 * shut down (shutdown(2), never close(2)): libmicrohttpd, which owns it, sees it end and
 * closes it on its own thread, and reports it closed (conntable_close) before it closes the
 * socket, so a socket shut down under the table's lock is always still that connection's.
 *
 * What remains of a race: a client whose next request arrives in the few microseconds
 * between the check and the shutdown sees its kept-alive connection closed without an
 * answer, as with any idle timeout; HTTP clients retry that (RFC 9112 section 9.3.1). A
 * pipelined request whose first bytes arrived with the previous one counts as idle.
 *
 * The limit counts live connections (open, less those shut down and not closed yet). */
#ifndef PARASOL_CONNTABLE_H
#define PARASOL_CONNTABLE_H

#include <stdbool.h>
#include <stdint.h>

struct conntable;
struct conntable_conn;

/* A table for at most limit live connections (limit >= 1). NULL when out of memory. */
struct conntable *conntable_new(unsigned limit);
/* Frees t; every connection must have been closed first. */
void conntable_free(struct conntable *t);

/* A connection on socket fd has opened: counted, and idle (it has sent nothing) from now,
 * newest of all. The result is owned by the table until conntable_close; NULL when out of
 * memory (the connection is then neither counted nor ever chosen). Thread-safe, like every
 * function here. */
struct conntable_conn *conntable_open(struct conntable *t, int fd);
/* The head of a request arrived on c: not idle until conntable_rest. c may be NULL. */
void conntable_busy(struct conntable *t, struct conntable_conn *c);
/* The answer on c was sent: idle again from now, newest of all. c may be NULL. */
void conntable_rest(struct conntable *t, struct conntable_conn *c);
/* c is closing (before its socket is closed): forgotten and freed. c may be NULL. */
void conntable_close(struct conntable *t, struct conntable_conn *c);

/* A new connection is about to be accepted. When the live connections are at the limit,
 * shuts down the one idle longest (see above) and returns true; also true when below the
 * limit. False when at the limit with no idle connection (a connection found receiving a
 * request is skipped: it stays open, and is looked at again only after its next answer). */
bool conntable_make_room(struct conntable *t);

/* Whether the live connections are over the limit (no idle one could be closed for some):
 * answers sent now should close their connection rather than keep it alive. */
bool conntable_over(struct conntable *t);

/* Live connections now, and connections shut down to make room since t was made. */
unsigned conntable_live(struct conntable *t);
uint64_t conntable_evicted(struct conntable *t);

#endif
