/* peers.h - SQL for the peers list, the contact attempts of unknown domains, and the follows
 * that tie members to a domain's accounts. Domains reach here already normalised
 * (core/federation.c): lower-case host[:port]. */
#ifndef PARASOL_DB_PEERS_H
#define PARASOL_DB_PEERS_H

#include <stdbool.h>

struct arena;
struct err;

/* A row of peers; strings owned by the arena, times "YYYY-MM-DD HH:MM" UTC. */
struct peer {
	const char *domain;
	const char *note;
	const char *added_at;
	const char *unreachable_since; /* NULL when reachable */
};

/* A row of federation_attempts: all there is to it (no content, no address). */
struct fed_attempt {
	const char *domain;
	long long attempts;
	const char *last_seen; /* "YYYY-MM-DD HH:MM" UTC */
};

/* Every listed domain, in no particular order, into *out (arena). The count, or -1 + err. */
int db_peer_domains(struct arena *a, const char ***out, struct err *err);

/* Inserts a peer unless it is listed already. 1 inserted, 0 already listed, -1 + err. */
int db_peer_insert(struct arena *a, const char *domain, const char *note, struct err *err);

/* Deletes a peer. Rows deleted (0 or 1), or -1 + err. */
int db_peer_delete(struct arena *a, const char *domain, struct err *err);

/* Peers ordered by domain, those after `after` (NULL: from the first), at most limit; *out is
 * arena-owned. The count, or -1 + err. */
int db_peer_list(struct arena *a, const char *after, int limit, struct peer **out, struct err *err);

/* Deletes the follows and follow requests between local accounts and accounts of domain, in
 * both directions; with subdomains (a domain without a port), also those of its host on any
 * port and of every subdomain of it, as a block covers them (core/federation.h). Rows
 * deleted, or -1 + err. */
long db_peer_sever_follows(struct arena *a, const char *domain, bool subdomains,
			   struct err *err);

/* Counts one contact attempt from domain (attempts + 1, last_seen now) unless the domain is a
 * listed peer; when that added a new row, drops the rows seen least recently beyond max_rows.
 * 0, or -1 + err. */
int db_attempt_record(struct arena *a, const char *domain, int max_rows, struct err *err);

/* Forgets domain's attempts. 0, or -1 + err. */
int db_attempt_delete(struct arena *a, const char *domain, struct err *err);

/* The attempts seen most recently first, at most limit; *out is arena-owned. The count, or
 * -1 + err. */
int db_attempt_list(struct arena *a, int limit, struct fed_attempt **out, struct err *err);

#endif
