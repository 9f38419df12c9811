/* keyfetch.c - a table of keys (their fetch state and when they last failed or were
 * refetched), a queue of keys to fetch, and the threads that fetch them. One mutex guards
 * it all; fetches run outside it. */
#include "ap/keyfetch.h"

#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/log.h"
#include "util/hash.h"

enum state { IDLE, QUEUED, RUNNING };

struct entry {
	char *key_id; /* malloc'd; NULL: a free slot */
	uint64_t hash;
	uint64_t domain_hash; /* of the key URL's host[:port] */
	enum state state;
	bool refresh;	     /* what the queued fetch is for */
	bool last_ok;	     /* how the last fetch ended */
	bool failed;	     /* failed_at is set */
	bool refreshed;	     /* refreshed_at is set */
	int64_t failed_at;   /* when the last fetch failed (ms) */
	int64_t refreshed_at; /* when the last refetch was asked for (ms) */
	uint64_t completions; /* fetches of this key finished */
	int waiters;
};

static struct {
	struct keyfetch_options o;
	pthread_mutex_t lock;
	pthread_cond_t work; /* a key was queued, or stop */
	pthread_cond_t done; /* a fetch finished, or stop */
	struct entry *entries;
	int *queue; /* ring of entry indices */
	int head, count;
	int waiters;
	bool running, stopping;
	pthread_t *threads;
	int nthreads;
} kf = {.lock = PTHREAD_MUTEX_INITIALIZER};

static int64_t
monotonic_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t
now_ms(void)
{
	return kf.o.clock != NULL ? kf.o.clock() : monotonic_ms();
}

/* The hash of key_id's authority (host[:port] as written: other spellings of one host
 * count apart, which gives a peer with several spellings a few more fetches, no more). */
static uint64_t
domain_hash_of(const char *key_id)
{
	const char *p = strstr(key_id, "//");
	p = p != NULL ? p + 2 : key_id;
	return hash_bytes(p, strcspn(p, "/?#"));
}

/* Whether e's windows (negative cache, refetch) are over at now. */
static bool
quiet(const struct entry *e, int64_t now)
{
	return (!e->failed || now - e->failed_at >= kf.o.interval_ms) &&
	       (!e->refreshed || now - e->refreshed_at >= kf.o.interval_ms);
}

/* The entry of key_id, made when there is none (in a free slot, or one whose key is idle
 * and quiet); NULL when the table is full of keys still remembered. Under kf.lock. */
static struct entry *
entry_for(const char *key_id, int64_t now)
{
	uint64_t h = hash_str(key_id);
	struct entry *spare = NULL, *failed = NULL;
	for (int i = 0; i < kf.o.slots; i++) {
		struct entry *e = &kf.entries[i];
		if (e->key_id == NULL) {
			if (spare == NULL || spare->key_id != NULL)
				spare = e;
			continue;
		}
		if (e->hash == h && strcmp(e->key_id, key_id) == 0)
			return e;
		if (spare == NULL && e->state == IDLE && e->waiters == 0 && quiet(e, now))
			spare = e;
		/* the key that failed first, in case nothing else is free */
		if (e->state == IDLE && e->waiters == 0 && e->failed && !e->refreshed &&
		    (failed == NULL || e->failed_at < failed->failed_at))
			failed = e;
	}
	if (spare == NULL)
		spare = failed;
	if (spare == NULL)
		return NULL;
	char *copy = strdup(key_id);
	if (copy == NULL)
		return NULL;
	free(spare->key_id);
	*spare = (struct entry){.key_id = copy, .hash = h, .domain_hash = domain_hash_of(copy)};
	return spare;
}

/* Whether e's domain has per_domain fetches queued or running. Under kf.lock. */
static bool
busy_domain(const struct entry *e)
{
	int n = 0;
	for (int i = 0; i < kf.o.slots && n < kf.o.per_domain; i++) {
		const struct entry *x = &kf.entries[i];
		if (x->key_id != NULL && x->state != IDLE && x->domain_hash == e->domain_hash)
			n++;
	}
	return n >= kf.o.per_domain;
}

/* Whether a fetch of domain_hash's keys is running. Under kf.lock. */
static bool
domain_running(uint64_t domain_hash)
{
	for (int i = 0; i < kf.o.slots; i++) {
		const struct entry *x = &kf.entries[i];
		if (x->key_id != NULL && x->state == RUNNING && x->domain_hash == domain_hash)
			return true;
	}
	return false;
}

/* Whether a request waits for a key of domain_hash's. Under kf.lock. */
static bool
domain_waiting(uint64_t domain_hash)
{
	for (int i = 0; i < kf.o.slots; i++) {
		const struct entry *x = &kf.entries[i];
		if (x->key_id != NULL && x->waiters > 0 && x->domain_hash == domain_hash)
			return true;
	}
	return false;
}

/* Takes the oldest queued key whose domain has no fetch running off the queue: its entry,
 * or NULL when there is none. One domain's keys are fetched one at a time, so a peer whose
 * key server hangs holds one thread and the others fetch other peers' keys. Under kf.lock. */
static struct entry *
dequeue_runnable(void)
{
	for (int k = 0; k < kf.count; k++) {
		int at = (kf.head + k) % kf.o.slots;
		struct entry *e = &kf.entries[kf.queue[at]];
		if (domain_running(e->domain_hash))
			continue;
		for (int j = k; j > 0; j--) /* close the gap: the ones before move up one */
			kf.queue[(kf.head + j) % kf.o.slots] =
			    kf.queue[(kf.head + j - 1) % kf.o.slots];
		kf.head = (kf.head + 1) % kf.o.slots;
		kf.count--;
		return e;
	}
	return NULL;
}

/* The fetching threads: take a key, fetch it, record how it went, wake its waiters. */
static void *
fetcher_main(void *arg)
{
	(void)arg;
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	pthread_mutex_lock(&kf.lock);
	for (;;) {
		struct entry *e = NULL;
		while (!kf.stopping && (e = dequeue_runnable()) == NULL)
			pthread_cond_wait(&kf.work, &kf.lock);
		if (kf.stopping)
			break;
		e->state = RUNNING;
		char *key_id = strdup(e->key_id);
		bool refresh = e->refresh;
		pthread_mutex_unlock(&kf.lock);
		int rc = key_id != NULL ? kf.o.fetch(key_id, refresh) : -1;
		free(key_id);
		pthread_mutex_lock(&kf.lock);
		e->state = IDLE;
		e->last_ok = rc == 0;
		e->failed = rc != 0;
		if (rc != 0)
			e->failed_at = now_ms();
		e->completions++;
		pthread_cond_broadcast(&kf.done);
		pthread_cond_broadcast(&kf.work); /* its domain's next key may run now */
	}
	pthread_mutex_unlock(&kf.lock);
	return NULL;
}

int
keyfetch_start(const struct keyfetch_options *o)
{
	struct keyfetch_options d = KEYFETCH_OPTIONS_INIT;
	pthread_mutex_lock(&kf.lock);
	if (kf.running) {
		pthread_mutex_unlock(&kf.lock);
		return 0;
	}
	kf.o = *o;
	if (kf.o.threads <= 0)
		kf.o.threads = d.threads;
	if (kf.o.wait_ms < 0)
		kf.o.wait_ms = 0;
	if (kf.o.max_waiters < 0)
		kf.o.max_waiters = 0;
	if (kf.o.interval_ms <= 0)
		kf.o.interval_ms = d.interval_ms;
	if (kf.o.slots <= 0)
		kf.o.slots = d.slots;
	if (kf.o.per_domain <= 0)
		kf.o.per_domain = d.per_domain;
	kf.entries = calloc((size_t)kf.o.slots, sizeof *kf.entries);
	kf.queue = calloc((size_t)kf.o.slots, sizeof *kf.queue);
	kf.threads = calloc((size_t)kf.o.threads, sizeof *kf.threads);
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&kf.work, NULL);
	pthread_cond_init(&kf.done, &attr);
	pthread_condattr_destroy(&attr);
	kf.head = kf.count = kf.waiters = kf.nthreads = 0;
	kf.stopping = false;
	kf.running = kf.entries != NULL && kf.queue != NULL && kf.threads != NULL;
	pthread_mutex_unlock(&kf.lock);
	for (int i = 0; kf.running && i < kf.o.threads; i++) {
		if (pthread_create(&kf.threads[i], NULL, fetcher_main, NULL) != 0)
			break;
		kf.nthreads++;
	}
	if (!kf.running || kf.nthreads == 0) {
		log_msg(LOG_CRIT, "keyfetch: could not start the key-fetching threads");
		keyfetch_stop();
		return -1;
	}
	return 0;
}

void
keyfetch_stop(void)
{
	pthread_mutex_lock(&kf.lock);
	kf.stopping = true;
	pthread_cond_broadcast(&kf.work);
	pthread_cond_broadcast(&kf.done);
	pthread_mutex_unlock(&kf.lock);
	for (int i = 0; i < kf.nthreads; i++)
		pthread_join(kf.threads[i], NULL);
	pthread_mutex_lock(&kf.lock);
	while (kf.waiters > 0) { /* requests woken above leave without touching their entry */
		pthread_mutex_unlock(&kf.lock);
		sched_yield();
		pthread_mutex_lock(&kf.lock);
	}
	for (int i = 0; kf.entries != NULL && i < kf.o.slots; i++)
		free(kf.entries[i].key_id);
	free(kf.entries);
	free(kf.queue);
	free(kf.threads);
	kf.entries = NULL;
	kf.queue = NULL;
	kf.threads = NULL;
	kf.nthreads = 0;
	if (kf.running) {
		pthread_cond_destroy(&kf.work);
		pthread_cond_destroy(&kf.done);
	}
	kf.running = false;
	pthread_mutex_unlock(&kf.lock);
}

enum keyfetch_result
keyfetch_request(const char *key_id, bool refresh)
{
	pthread_mutex_lock(&kf.lock);
	if (!kf.running || kf.stopping) {
		pthread_mutex_unlock(&kf.lock);
		if (kf.o.fetch == NULL)
			return KEYFETCH_REFUSED;
		return kf.o.fetch(key_id, refresh) == 0 ? KEYFETCH_READY : KEYFETCH_REFUSED;
	}
	int64_t now = now_ms();
	struct entry *e = entry_for(key_id, now);
	if (e == NULL) {
		pthread_mutex_unlock(&kf.lock);
		log_msg(LOG_WARN, "keyfetch: too many keys remembered; a request was refused");
		return KEYFETCH_REFUSED;
	}
	if (e->state == IDLE) {
		if (e->failed && now - e->failed_at < kf.o.interval_ms) {
			pthread_mutex_unlock(&kf.lock); /* the negative cache */
			return KEYFETCH_REFUSED;
		}
		if (refresh && e->refreshed && now - e->refreshed_at < kf.o.interval_ms) {
			pthread_mutex_unlock(&kf.lock); /* refetched lately */
			return KEYFETCH_REFUSED;
		}
		if (busy_domain(e)) {
			pthread_mutex_unlock(&kf.lock); /* its domain has enough fetches going */
			return KEYFETCH_PENDING;
		}
		if (refresh) {
			e->refreshed = true;
			e->refreshed_at = now;
		}
		e->state = QUEUED;
		e->refresh = refresh;
		kf.queue[(kf.head + kf.count) % kf.o.slots] = (int)(e - kf.entries);
		kf.count++;
		pthread_cond_signal(&kf.work);
	}
	/* Queued or running (perhaps for another request): wait for that fetch, briefly, unless
	 * enough requests wait, or one waits for a key of the same domain already (a slow peer
	 * takes one waiting place, not every one). */
	if (kf.waiters >= kf.o.max_waiters || kf.o.wait_ms == 0 ||
	    (e->waiters == 0 && domain_waiting(e->domain_hash))) {
		pthread_mutex_unlock(&kf.lock);
		return KEYFETCH_PENDING;
	}
	uint64_t target = e->completions + 1;
	struct timespec until;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += kf.o.wait_ms / 1000;
	until.tv_nsec += (long)(kf.o.wait_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	kf.waiters++;
	e->waiters++;
	while (e->completions < target && !kf.stopping)
		if (pthread_cond_timedwait(&kf.done, &kf.lock, &until) != 0)
			break;
	enum keyfetch_result r = e->completions < target ? KEYFETCH_PENDING
			       : e->last_ok		 ? KEYFETCH_READY
							 : KEYFETCH_REFUSED;
	e->waiters--;
	kf.waiters--;
	pthread_mutex_unlock(&kf.lock);
	return r;
}
