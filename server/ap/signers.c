/* signers.c - remote signers' accounts and keys kept in memory (see signers.h). */
#include "ap/signers.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "core/cache.h"
#include "db/model.h"
#include "db/remote.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/hash.h"

struct signer {
	struct arena *arena; /* holds everything below; NULL for an empty slot */
	const char *key_id;
	const char *pem;
	struct account acct;
	uint64_t gen; /* the CACHE_REMOTE generation it was loaded at */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct signer slots[SIGNERS_MAX];

/* A deep copy of src into dst, its strings in a. */
static void
account_copy(struct arena *a, struct account *dst, const struct account *src)
{
	*dst = *src;
	dst->username = arena_strdup(a, src->username);
	dst->display_name = arena_strdup(a, src->display_name);
	dst->bio = arena_strdup(a, src->bio);
	for (int i = 0; i < src->nfields && i < ACCOUNT_MAX_FIELDS; i++) {
		dst->fields[i].name = arena_strdup(a, src->fields[i].name);
		dst->fields[i].value = arena_strdup(a, src->fields[i].value);
	}
	dst->language = arena_strdup(a, src->language);
	dst->created_at = arena_strdup(a, src->created_at);
	dst->domain = arena_strdup(a, src->domain);
	dst->uri = arena_strdup(a, src->uri);
	dst->url = arena_strdup(a, src->url);
	dst->suspended_until = arena_strdup(a, src->suspended_until);
}

static void
slot_clear(struct signer *s)
{
	arena_free(s->arena);
	memset(s, 0, sizeof *s);
}

struct account *
signers_get(struct arena *a, const char *key_id, const char **public_pem, struct err *err)
{
	struct signer *s = &slots[hash_str(key_id) % SIGNERS_MAX];
	uint64_t gen = cache_generation(CACHE_REMOTE); /* before reading: see core/cache.h */
	struct account *acct = NULL;
	pthread_mutex_lock(&lock);
	if (s->arena != NULL && s->gen == gen && cache_live() && strcmp(s->key_id, key_id) == 0) {
		acct = arena_alloc(a, sizeof *acct);
		account_copy(a, acct, &s->acct);
		if (public_pem != NULL)
			*public_pem = arena_strdup(a, s->pem);
	}
	pthread_mutex_unlock(&lock);
	if (acct != NULL)
		return acct;
	const char *pem = NULL;
	acct = db_remote_by_key_id(a, key_id, &pem, err);
	if (acct == NULL)
		return NULL;
	if (public_pem != NULL)
		*public_pem = pem;
	if (pem == NULL || !cache_may_keep())
		return acct;
	struct arena *own = arena_new();
	struct signer fresh = {.arena = own, .key_id = arena_strdup(own, key_id),
			       .pem = arena_strdup(own, pem), .gen = gen};
	account_copy(own, &fresh.acct, acct);
	cache_at_stop(signers_forget);
	pthread_mutex_lock(&lock);
	struct signer old = *s;
	*s = fresh;
	pthread_mutex_unlock(&lock);
	arena_free(old.arena);
	return acct;
}

void
signers_forget(void)
{
	pthread_mutex_lock(&lock);
	for (int i = 0; i < SIGNERS_MAX; i++)
		slot_clear(&slots[i]);
	pthread_mutex_unlock(&lock);
}
