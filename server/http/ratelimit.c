/* ratelimit.c - an open-addressing table of (key hash, window start, count). Collisions of
 * 64-bit key hashes are ignored: at worst two keys share a limit. */
#include "ratelimit.h"
#include "util/hash.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct slot {
	uint64_t hash; /* 0: empty */
	int64_t start; /* ms on the limiter's clock */
	int count;
};

struct ratelimit {
	pthread_mutex_t lock;
	struct slot *slots;
	size_t n;
	int max;
	int64_t window; /* ms */
	struct rl_clock clock;
};

int64_t
ratelimit_monotonic(void *ctx)
{
	(void)ctx;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct ratelimit *
ratelimit_new(size_t slots, int max, int window_s, const struct rl_clock *clock)
{
	struct ratelimit *rl = calloc(1, sizeof *rl);
	if (rl == NULL || (rl->slots = calloc(slots, sizeof *rl->slots)) == NULL) {
		free(rl);
		return NULL;
	}
	pthread_mutex_init(&rl->lock, NULL);
	rl->n = slots;
	rl->max = max;
	rl->window = (int64_t)window_s * 1000;
	rl->clock = clock ? *clock : (struct rl_clock){ratelimit_monotonic, NULL};
	return rl;
}

void
ratelimit_free(struct ratelimit *rl)
{
	if (rl == NULL)
		return;
	pthread_mutex_destroy(&rl->lock);
	free(rl->slots);
	free(rl);
}

static uint64_t
fnv1a(const char *s)
{
	uint64_t h = hash_str(s);
	return h ? h : 1; /* 0 marks an empty slot */
}

/* The slot for key: its own, else an empty or expired one, else the oldest probed. */
static struct slot *
find(struct ratelimit *rl, uint64_t h, int64_t now)
{
	struct slot *victim = NULL;
	for (size_t i = 0; i < 8 && i < rl->n; i++) {
		struct slot *s = &rl->slots[(h + i) % rl->n];
		if (s->hash == h)
			return s;
		if (s->hash == 0 || now - s->start >= rl->window) {
			if (victim == NULL || victim->hash != 0)
				victim = s;
		} else if (victim == NULL || (victim->hash != 0 && s->start < victim->start)) {
			victim = s;
		}
	}
	victim->hash = h;
	victim->start = now;
	victim->count = 0;
	return victim;
}

/* Whether key may count one more event (and counts it when count is set); *wait gets the
 * milliseconds until it may, 0 when it may now; *left (when not NULL) the events left in the
 * window and *reset the milliseconds until it ends. */
static bool
check_left(struct ratelimit *rl, const char *key, bool count, int64_t *wait, int *left,
	   int64_t *reset)
{
	int64_t now = rl->clock.now_ms(rl->clock.ctx);
	pthread_mutex_lock(&rl->lock);
	struct slot *s = find(rl, fnv1a(key), now);
	if (now - s->start >= rl->window) {
		s->start = now;
		s->count = 0;
	}
	bool ok = s->count < rl->max;
	if (ok && count)
		s->count++;
	*wait = ok ? 0 : s->start + rl->window - now;
	if (left != NULL) {
		*left = rl->max - s->count;
		*reset = s->start + rl->window - now;
	}
	pthread_mutex_unlock(&rl->lock);
	return ok;
}

static bool
check(struct ratelimit *rl, const char *key, bool count, int64_t *wait)
{
	return check_left(rl, key, count, wait, NULL, NULL);
}

bool
ratelimit_take(struct ratelimit *rl, const char *key, int *remaining, int64_t *reset_ms)
{
	int64_t wait;
	return check_left(rl, key, true, &wait, remaining, reset_ms);
}

int
ratelimit_max(const struct ratelimit *rl)
{
	return rl->max;
}

bool
ratelimit_hit(struct ratelimit *rl, const char *key)
{
	int64_t wait;
	return check(rl, key, true, &wait);
}

bool
ratelimit_blocked(struct ratelimit *rl, const char *key)
{
	int64_t wait;
	return !check(rl, key, false, &wait);
}

int64_t
ratelimit_wait_ms(struct ratelimit *rl, const char *key)
{
	int64_t wait;
	check(rl, key, false, &wait);
	return wait;
}

void
ratelimit_forgive(struct ratelimit *rl, const char *key)
{
	uint64_t h = fnv1a(key);
	int64_t now = rl->clock.now_ms(rl->clock.ctx);
	pthread_mutex_lock(&rl->lock);
	for (size_t i = 0; i < 8 && i < rl->n; i++) {
		struct slot *s = &rl->slots[(h + i) % rl->n];
		if (s->hash == h && now - s->start < rl->window && s->count > 0)
			s->count--;
	}
	pthread_mutex_unlock(&rl->lock);
}

void
ratelimit_reset(struct ratelimit *rl, const char *key)
{
	uint64_t h = fnv1a(key);
	pthread_mutex_lock(&rl->lock);
	for (size_t i = 0; i < 8 && i < rl->n; i++) {
		struct slot *s = &rl->slots[(h + i) % rl->n];
		if (s->hash == h)
			memset(s, 0, sizeof *s);
	}
	pthread_mutex_unlock(&rl->lock);
}
