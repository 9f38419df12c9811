/* keys.h - RSA key pairs for signing: one per local member, one for the instance actor. A
 * pair is made with OpenSSL (ap/httpsig.c) the first time it is needed — the actor document
 * is fetched, or the member's first delivery is signed — and kept in the database, and a copy
 * in memory (core/cache.h, part "keys"; at most 256 members' pairs). */
#ifndef PARASOL_AP_KEYS_H
#define PARASOL_AP_KEYS_H

#include <stdint.h>

struct arena;
struct err;

/* The PEM key pair of local account account_id, made now if it has none; copies owned by the
 * arena. 0 or -1 + err. */
int ap_account_keys(struct arena *a, int64_t account_id, const char **private_pem,
		    const char **public_pem, struct err *err);

/* The instance actor's PEM key pair, made now if there is none; copies owned by the arena.
 * 0 or -1 + err. */
int ap_instance_keys(struct arena *a, const char **private_pem, const char **public_pem,
		     struct err *err);

#endif
