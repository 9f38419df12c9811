/* cache.c - generations, the listener's callback, and snapshot slots. */
#include "core/cache.h"

#include <stdatomic.h>
#include <string.h>

#include "db/notify.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/log.h"

static const char *const part_names[CACHE__MAX] = {"settings", "peers", "keys", "remote"};

static _Atomic uint64_t generations[CACHE__MAX];
static atomic_bool live;
static struct db_listener *listener;

#define SLOTS_MAX 8
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct cache_slot *slots[SLOTS_MAX]; /* under registry_lock */
static int nslots;
static void (*stop_fns[SLOTS_MAX])(void);
static int nstop_fns;

const char *
cache_part_name(enum cache_part p)
{
	return p >= 0 && p < CACHE__MAX ? part_names[p] : "all";
}

bool
cache_live(void)
{
	return atomic_load(&live);
}

uint64_t
cache_generation(enum cache_part p)
{
	return atomic_load(&generations[p]);
}

void
cache_invalidate(enum cache_part p)
{
	atomic_fetch_add(&generations[p], 1);
}

void
cache_invalidate_all(void)
{
	for (int p = 0; p < CACHE__MAX; p++)
		cache_invalidate((enum cache_part)p);
}

int
cache_notify(struct arena *a, enum cache_part p, struct err *err)
{
	return db_notify(a, CACHE_CHANNEL, cache_part_name(p), err);
}

bool
cache_may_keep(void)
{
	if (!atomic_load(&live))
		return false;
	struct arena *a = arena_new();
	struct err err;
	err_clear(&err);
	int wrote = db_transaction_wrote(a, &err);
	arena_free(a);
	return wrote == 0;
}

/* The part a payload names: its first word. CACHE__MAX for "all" and anything unknown (a
 * newer process's part, a typo by hand): then everything is invalidated. */
static enum cache_part
parse_payload(const char *payload)
{
	size_t n = strcspn(payload != NULL ? payload : "", " ");
	for (int p = 0; p < CACHE__MAX; p++)
		if (strlen(part_names[p]) == n && strncmp(payload, part_names[p], n) == 0)
			return (enum cache_part)p;
	return CACHE__MAX;
}

static void
on_listen(enum db_listen_event event, const char *payload, int backend_pid, void *ud)
{
	(void)ud;
	switch (event) {
	case DB_LISTEN_UP:
		/* Whatever changed while nobody listened: reload everything. */
		cache_invalidate_all();
		atomic_store(&live, true);
		break;
	case DB_LISTEN_DOWN:
		atomic_store(&live, false);
		cache_invalidate_all();
		break;
	case DB_LISTEN_NOTIFY: {
		enum cache_part p = parse_payload(payload);
		if (p == CACHE__MAX)
			cache_invalidate_all();
		else
			cache_invalidate(p);
		/* tests/http/harness.py waits for this line after changing a table by hand */
		log_msg(LOG_DEBUG, "cache: %s changed (notified by backend %d)", cache_part_name(p),
			backend_pid);
		break;
	}
	}
}

int
cache_start(const char *conninfo, struct err *err)
{
	if (listener != NULL)
		return 0;
	listener = db_listener_start(conninfo, CACHE_CHANNEL, on_listen, NULL, err);
	return listener != NULL ? 0 : -1;
}

void
cache_stop(void)
{
	db_listener_stop(listener);
	listener = NULL;
	atomic_store(&live, false);
	cache_invalidate_all();
	pthread_mutex_lock(&registry_lock);
	for (int i = 0; i < nslots; i++) {
		struct cache_slot *s = slots[i];
		pthread_rwlock_wrlock(&s->lock);
		arena_free(s->arena);
		s->arena = NULL;
		s->snapshot = NULL;
		pthread_rwlock_unlock(&s->lock);
	}
	void (*fns[SLOTS_MAX])(void);
	int n = nstop_fns;
	memcpy(fns, stop_fns, sizeof fns);
	pthread_mutex_unlock(&registry_lock);
	for (int i = 0; i < n; i++) /* outside registry_lock: they take their own locks */
		fns[i]();
}

void
cache_at_stop(void (*fn)(void))
{
	pthread_mutex_lock(&registry_lock);
	bool known = false;
	for (int i = 0; i < nstop_fns; i++)
		known |= stop_fns[i] == fn;
	if (!known && nstop_fns < SLOTS_MAX)
		stop_fns[nstop_fns++] = fn;
	pthread_mutex_unlock(&registry_lock);
}

/* Calls use on the slot's snapshot when it is current; whether it did. */
static bool
use_current(struct cache_slot *s, cache_use_fn use, void *ctx, int *rc)
{
	bool current = false;
	pthread_rwlock_rdlock(&s->lock);
	if (s->snapshot != NULL && s->gen == cache_generation(s->part) && atomic_load(&live)) {
		*rc = use(s->snapshot, ctx);
		current = true;
	}
	pthread_rwlock_unlock(&s->lock);
	return current;
}

int
cache_slot_read(struct cache_slot *s, cache_use_fn use, void *ctx, struct err *err)
{
	int rc;
	if (!atomic_load(&live)) {
		/* Nobody listens for changes: read through, as if there were no cache. */
		struct arena *a = arena_new();
		void *snap = s->load(a, err);
		rc = snap != NULL ? use(snap, ctx) : -1;
		arena_free(a);
		return rc;
	}
	if (use_current(s, use, ctx, &rc))
		return rc;
	pthread_mutex_lock(&s->load_lock);
	if (use_current(s, use, ctx, &rc)) { /* another thread loaded it meanwhile */
		pthread_mutex_unlock(&s->load_lock);
		return rc;
	}
	uint64_t gen = cache_generation(s->part);
	struct arena *a = arena_new();
	void *snap = s->load(a, err);
	if (snap == NULL) { /* not kept: the next reader tries again */
		pthread_mutex_unlock(&s->load_lock);
		arena_free(a);
		return -1;
	}
	if (!cache_may_keep()) {
		pthread_mutex_unlock(&s->load_lock);
		rc = use(snap, ctx);
		arena_free(a);
		return rc;
	}
	if (!s->registered) {
		pthread_mutex_lock(&registry_lock);
		if (nslots < SLOTS_MAX) {
			slots[nslots++] = s;
			s->registered = true;
		}
		pthread_mutex_unlock(&registry_lock);
	}
	pthread_rwlock_wrlock(&s->lock);
	struct arena *old = s->arena;
	s->arena = a;
	s->snapshot = snap;
	s->gen = gen;
	rc = use(snap, ctx);
	pthread_rwlock_unlock(&s->lock);
	pthread_mutex_unlock(&s->load_lock);
	arena_free(old);
	return rc;
}
