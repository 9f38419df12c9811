/* backoff.c - an open-addressing table of (key hash, failures, last failure, next allowed),
 * like ratelimit.c's. Keys are keyed hashes, so nobody can aim a key at another's slot. */
#include "backoff.h"
#include "util/hash.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define PROBES 8

struct slot {
	uint64_t hash; /* 0: empty */
	int failures;
	int64_t last;  /* ms of the last failure */
	int64_t until; /* ms before which no attempt is heard */
};

struct backoff {
	pthread_mutex_t lock;
	struct slot *slots;
	size_t n;
	struct backoff_rule rule;
	struct rl_clock clock;
};

struct backoff *
backoff_new(size_t slots, const struct backoff_rule *rule, const struct rl_clock *clock)
{
	struct backoff *b = calloc(1, sizeof *b);
	if (b == NULL || slots == 0 || (b->slots = calloc(slots, sizeof *b->slots)) == NULL) {
		free(b);
		return NULL;
	}
	pthread_mutex_init(&b->lock, NULL);
	b->n = slots;
	b->rule = *rule;
	b->clock = clock ? *clock : (struct rl_clock){ratelimit_monotonic, NULL};
	return b;
}

void
backoff_free(struct backoff *b)
{
	if (b == NULL)
		return;
	pthread_mutex_destroy(&b->lock);
	free(b->slots);
	free(b);
}

static uint64_t
key_hash(const char *key)
{
	uint64_t h = hash_str(key);
	return h ? h : 1; /* 0 marks an empty slot */
}

static bool
forgotten(const struct backoff *b, const struct slot *s, int64_t now)
{
	return s->hash == 0 || (now - s->last >= b->rule.forget_ms && now >= s->until);
}

/* key's slot, or NULL when it has none (create: false) or a free or forgotten one, else the
 * least recently failed probed slot, emptied for it (create: true). */
static struct slot *
find(struct backoff *b, uint64_t h, int64_t now, bool create)
{
	struct slot *victim = NULL;
	for (size_t i = 0; i < PROBES && i < b->n; i++) {
		struct slot *s = &b->slots[(h + i) % b->n];
		if (s->hash == h) {
			if (forgotten(b, s, now))
				memset(s, 0, sizeof *s), s->hash = h;
			return s;
		}
		if (forgotten(b, s, now)) {
			if (victim == NULL || !forgotten(b, victim, now))
				victim = s;
		} else if (victim == NULL || (!forgotten(b, victim, now) && s->last < victim->last)) {
			victim = s;
		}
	}
	if (!create)
		return NULL;
	memset(victim, 0, sizeof *victim);
	victim->hash = h;
	return victim;
}

int64_t
backoff_wait_ms(struct backoff *b, const char *key)
{
	int64_t now = b->clock.now_ms(b->clock.ctx), wait = 0;
	pthread_mutex_lock(&b->lock);
	struct slot *s = find(b, key_hash(key), now, false);
	if (s != NULL && s->until > now)
		wait = s->until - now;
	pthread_mutex_unlock(&b->lock);
	return wait;
}

int64_t
backoff_failure(struct backoff *b, const char *key)
{
	int64_t now = b->clock.now_ms(b->clock.ctx), wait = 0;
	pthread_mutex_lock(&b->lock);
	struct slot *s = find(b, key_hash(key), now, true);
	if (s->failures < 1000000)
		s->failures++;
	s->last = now;
	int over = s->failures - b->rule.free_failures;
	if (over > 0) {
		wait = b->rule.base_ms;
		for (int i = 1; i < over && wait < b->rule.max_ms; i++)
			wait *= 2;
		if (wait > b->rule.max_ms)
			wait = b->rule.max_ms;
		s->until = now + wait;
	}
	pthread_mutex_unlock(&b->lock);
	return wait;
}

void
backoff_reset(struct backoff *b, const char *key)
{
	uint64_t h = key_hash(key);
	pthread_mutex_lock(&b->lock);
	for (size_t i = 0; i < PROBES && i < b->n; i++) {
		struct slot *s = &b->slots[(h + i) % b->n];
		if (s->hash == h)
			memset(s, 0, sizeof *s);
	}
	pthread_mutex_unlock(&b->lock);
}
