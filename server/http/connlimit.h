/* connlimit.h - how many connections one address may hold open at once, so that a few
 * machines opening idle connections can't take every slot of the server (libmicrohttpd's
 * own connection_limit bounds the total). Addresses are kept only as keyed hashes, in
 * memory; the trusted proxies (http/client_addr.h) and 127.0.0.1 and ::1 (where a proxy on
 * this machine connects from, trusted or not yet) are exempt, since every client behind a
 * proxy shares its address. */
#ifndef PARASOL_CONNLIMIT_H
#define PARASOL_CONNLIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct proxy_trust;
struct sockaddr;

struct connlimit;

/* A table for per_address connections per address (IPv6 by /64, as client_addr.h keys),
 * tracking up to slots addresses at once; exempt may be NULL. NULL when out of memory. */
struct connlimit *connlimit_new(size_t slots, int per_address, const struct proxy_trust *exempt);
void connlimit_free(struct connlimit *cl);

/* Whether a new connection from sa may be accepted now (counts nothing). Thread-safe; since
 * the count follows only once libmicrohttpd has set the connection up (connlimit_open), each
 * HTTP thread may let one connection past the cap while another is being counted. */
bool connlimit_allowed(struct connlimit *cl, const struct sockaddr *sa);

/* Counts an accepted connection from sa; returns its key for connlimit_release (0: not
 * counted — exempt, or the table is full). */
uint64_t connlimit_open(struct connlimit *cl, const struct sockaddr *sa);

/* The connection counted under key has closed. */
void connlimit_release(struct connlimit *cl, uint64_t key);

/* Open connections counted for sa now (for tests). */
int connlimit_count(struct connlimit *cl, const struct sockaddr *sa);

#endif
