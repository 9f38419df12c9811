/* keys.c - key pairs made on first use, and kept in memory once stored. Two requests may both
 * make one; the database keeps the first and both go on with it.
 *
 * A stored pair never changes (it is only ever set where there was none), so a copy stays
 * right for as long as the account exists, and every caller has looked the account up first.
 * Copies follow the rules of core/cache.h all the same (part "keys"): kept only while the
 * listener listens, never from inside a transaction that wrote (its pair may yet roll back),
 * dropped on NOTIFY parasol_cache, 'keys' or 'all'. */
#include "ap/keys.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ap/httpsig.h"
#include "core/cache.h"
#include "db/federation.h"
#include "util/arena.h"
#include "util/err.h"

/* Members whose pairs are kept: a direct-mapped table, so memory stays bounded (a pair is
 * about 2 KB) and a busy member's pair is found in one probe. */
#define KEYS_KEPT 256
#define INSTANCE_ID 0 /* the instance actor's entry; account ids are positive */

struct kept_pair {
	int64_t id; /* INSTANCE_ID or an account id */
	uint64_t gen;
	char *private_pem, *public_pem; /* malloc'd; NULL when the entry is empty */
};

static pthread_rwlock_t kept_lock = PTHREAD_RWLOCK_INITIALIZER;
static struct kept_pair kept[KEYS_KEPT]; /* under kept_lock */
static struct kept_pair kept_instance;	 /* under kept_lock */

static struct kept_pair *
entry_for(int64_t id)
{
	if (id == INSTANCE_ID)
		return &kept_instance;
	uint64_t h = (uint64_t)id * 0x9e3779b97f4a7c15u; /* Fibonacci hashing */
	return &kept[h >> 56 & (KEYS_KEPT - 1)];
}

/* Copies a current pair of id into the arena; whether there was one. */
static bool
kept_get(struct arena *a, int64_t id, const char **private_pem, const char **public_pem)
{
	bool found = false;
	pthread_rwlock_rdlock(&kept_lock);
	const struct kept_pair *e = entry_for(id);
	if (e->private_pem != NULL && e->id == id && e->gen == cache_generation(CACHE_KEYS) &&
	    cache_live()) {
		*private_pem = arena_strdup(a, e->private_pem);
		*public_pem = arena_strdup(a, e->public_pem);
		found = true;
	}
	pthread_rwlock_unlock(&kept_lock);
	return found;
}

static void
forget_all(void)
{
	pthread_rwlock_wrlock(&kept_lock);
	for (int i = 0; i <= KEYS_KEPT; i++) {
		struct kept_pair *e = i < KEYS_KEPT ? &kept[i] : &kept_instance;
		free(e->private_pem);
		free(e->public_pem);
		e->private_pem = e->public_pem = NULL;
	}
	pthread_rwlock_unlock(&kept_lock);
}

/* Keeps id's stored pair, read at generation gen, when core/cache.h allows it. */
static void
kept_put(int64_t id, uint64_t gen, const char *private_pem, const char *public_pem)
{
	if (private_pem == NULL || public_pem == NULL || !cache_may_keep())
		return;
	char *priv = strdup(private_pem), *pub = strdup(public_pem);
	if (priv == NULL || pub == NULL) {
		free(priv);
		free(pub);
		return;
	}
	cache_at_stop(forget_all);
	pthread_rwlock_wrlock(&kept_lock);
	struct kept_pair *e = entry_for(id);
	char *old_priv = e->private_pem, *old_pub = e->public_pem;
	*e = (struct kept_pair){.id = id, .gen = gen, .private_pem = priv, .public_pem = pub};
	pthread_rwlock_unlock(&kept_lock);
	free(old_priv);
	free(old_pub);
}

int
ap_account_keys(struct arena *a, int64_t account_id, const char **private_pem,
		const char **public_pem, struct err *err)
{
	if (kept_get(a, account_id, private_pem, public_pem))
		return 0;
	uint64_t gen = cache_generation(CACHE_KEYS); /* before reading: see core/cache.h */
	if (db_account_keys(a, account_id, private_pem, public_pem, err) != 0)
		return -1;
	if (*private_pem != NULL && *public_pem != NULL) {
		kept_put(account_id, gen, *private_pem, *public_pem);
		return 0;
	}
	char *priv, *pub;
	if (httpsig_keypair_generate(a, &priv, &pub, err) != 0)
		return -1;
	if (db_account_keys_set(a, account_id, priv, pub, private_pem, public_pem, err) != 0)
		return -1;
	if (*private_pem == NULL || *public_pem == NULL)
		return err_set(err, ERR_NOT_FOUND, NULL, "no keys for a remote or missing account");
	kept_put(account_id, gen, *private_pem, *public_pem);
	return 0;
}

int
ap_instance_keys(struct arena *a, const char **private_pem, const char **public_pem,
		 struct err *err)
{
	if (kept_get(a, INSTANCE_ID, private_pem, public_pem))
		return 0;
	uint64_t gen = cache_generation(CACHE_KEYS);
	if (db_instance_keys(a, private_pem, public_pem, err) != 0)
		return -1;
	if (*private_pem == NULL) {
		char *priv, *pub;
		if (httpsig_keypair_generate(a, &priv, &pub, err) != 0 ||
		    db_instance_keys_set(a, priv, pub, private_pem, public_pem, err) != 0)
			return -1;
	}
	kept_put(INSTANCE_ID, gen, *private_pem, *public_pem);
	return 0;
}
