/* signers.h - the stored accounts and public keys of remote actors that sign requests, kept in
 * memory so that checking a peer's signature costs no query.
 *
 * A copy is used only while the remote-accounts part of core/cache.h is at the generation it
 * was loaded at: a trigger on accounts (migration 0021) notifies every process whenever a
 * remote account row changes or goes, whoever changed it, so a suspension, a rotated key or a
 * deleted actor is seen by the next request. When the cache listener is down nothing is kept
 * and every lookup is a query, as before. At most SIGNERS_MAX copies are kept; a newcomer
 * takes the place of whichever copy its key id hashes to. Thread-safe. */
#ifndef PARASOL_AP_SIGNERS_H
#define PARASOL_AP_SIGNERS_H

struct account;
struct arena;
struct err;

#define SIGNERS_MAX 256

/* The stored remote account whose key is key_id, and its public key (PEM) in *public_pem,
 * both copied into a (public_pem may be NULL); from memory when a current copy is kept, else from the database (then
 * kept). NULL + ERR_NOT_FOUND when no remote account has that key (never kept), NULL + err
 * on a database failure. */
struct account *signers_get(struct arena *a, const char *key_id, const char **public_pem,
			    struct err *err);

/* Drops every copy (process shutdown; tests). */
void signers_forget(void);

#endif
