/* cache.c - the page cache: a chained hash table and a least-recently-used list under one
 * mutex, with reference-counted entries, and the keys being rendered (flights) that other
 * requests wait for on one condition variable. */
#include "cache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

#include "http/request.h"
#include "util/hash.h"

struct node {
	struct page_cache_entry pub; /* first: a lookup hands out &node->pub */
	atomic_int refs;	     /* one for the table while linked, one per lookup */
	char *key;
	uint64_t hash;
	uint64_t generation;
	bool refreshing; /* past its ttl, one caller is rendering it anew (under the lock) */
	bool unfit;	 /* no answer: the key's answers may not be kept (page_cache_abandon) */
	size_t bytes;
	struct node *chain;	  /* next in the bucket */
	struct node *prev, *next; /* LRU list, most recent first */
};

/* A key somebody renders after page_cache_get_once missed. */
struct flight {
	uint64_t id; /* from page_cache.flight_ids: what a waiter waits for */
	char *key;
	uint64_t hash;
	uint64_t generation;
	struct flight *next;
};

struct page_cache {
	pthread_mutex_t lock;
	pthread_cond_t landed; /* a flight ended (broadcast; waiters look for their own) */
	struct flight *flights;
	uint64_t flight_ids;
	size_t waiting;
	struct node **buckets;
	size_t nbuckets; /* a power of two */
	struct node *newest, *oldest;
	size_t entries, bytes;
	size_t max_entries, max_bytes;
	int64_t ttl_ms;
};

static void
node_free(struct node *n)
{
	for (size_t i = 0; i < n->pub.nheaders; i++) {
		free(n->pub.headers[i].name);
		free(n->pub.headers[i].value);
	}
	free(n->pub.headers);
	free(n->pub.content_type);
	free(n->pub.body);
	free(n->pub.deps);
	free(n->pub.token);
	free(n->key);
	free(n);
}

void
page_cache_release(const struct page_cache_entry *e)
{
	if (e == NULL)
		return;
	struct node *n = (struct node *)e;
	if (atomic_fetch_sub(&n->refs, 1) == 1)
		node_free(n);
}

struct page_cache *
page_cache_new(size_t max_entries, size_t max_bytes, int64_t ttl_ms)
{
	struct page_cache *c = calloc(1, sizeof *c);
	if (c == NULL)
		return NULL;
	c->nbuckets = 16;
	while (c->nbuckets < max_entries && c->nbuckets < ((size_t)1 << 24))
		c->nbuckets <<= 1;
	if ((c->buckets = calloc(c->nbuckets, sizeof *c->buckets)) == NULL) {
		free(c);
		return NULL;
	}
	pthread_mutex_init(&c->lock, NULL);
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&c->landed, &attr);
	pthread_condattr_destroy(&attr);
	c->max_entries = max_entries;
	c->max_bytes = max_bytes;
	c->ttl_ms = ttl_ms;
	return c;
}

void
page_cache_free(struct page_cache *c)
{
	if (c == NULL)
		return;
	for (struct node *n = c->newest, *next; n != NULL; n = next) {
		next = n->next;
		page_cache_release(&n->pub);
	}
	while (c->flights != NULL) {
		struct flight *next = c->flights->next;
		free(c->flights->key);
		free(c->flights);
		c->flights = next;
	}
	pthread_cond_destroy(&c->landed);
	pthread_mutex_destroy(&c->lock);
	free(c->buckets);
	free(c);
}

/* Takes n out of the table and the list (the table's reference is the caller's to drop,
 * after the lock is released). Called with the lock held. */
static void
unlink_node(struct page_cache *c, struct node *n)
{
	struct node **pp = &c->buckets[n->hash & (c->nbuckets - 1)];
	while (*pp != n)
		pp = &(*pp)->chain;
	*pp = n->chain;
	if (n->prev)
		n->prev->next = n->next;
	else
		c->newest = n->next;
	if (n->next)
		n->next->prev = n->prev;
	else
		c->oldest = n->prev;
	n->chain = n->prev = n->next = NULL;
	c->entries--;
	c->bytes -= n->bytes;
}

static struct node *
find(struct page_cache *c, const char *key, uint64_t hash)
{
	for (struct node *n = c->buckets[hash & (c->nbuckets - 1)]; n != NULL; n = n->chain)
		if (n->hash == hash && strcmp(n->key, key) == 0)
			return n;
	return NULL;
}

/* The live entry under key (with a reference for the caller), or NULL. A stale one is
 * unlinked and left in *stale for the caller to release after the lock; *unfit tells that
 * NULL came from a live page_cache_abandon marker. Called with the lock held. */
static struct node *
lookup(struct page_cache *c, const char *key, uint64_t hash, uint64_t generation,
       int64_t now_ms, struct node **stale, bool *unfit)
{
	*unfit = false;
	struct node *n = find(c, key, hash);
	if (n == NULL)
		return NULL;
	/* stored after the caller read its clock: while it waited for the rendering */
	int64_t age = now_ms > n->pub.stored_ms ? now_ms - n->pub.stored_ms : 0;
	if (n->generation != generation || age >= (n->unfit ? 1 : 2) * c->ttl_ms) {
		unlink_node(c, n);
		*stale = n;
		return NULL;
	}
	if (n->unfit) {
		*unfit = true;
		return NULL;
	}
	if (age >= c->ttl_ms && !n->refreshing) {
		/* Past its ttl: this caller renders the page anew (and puts it), while the
		 * others keep getting this copy until then, or until a second ttl has passed
		 * (a render that failed), so that an entry's end doesn't send every waiting
		 * connection to render the same page at once. A write still ends it at once. */
		n->refreshing = true;
		return NULL;
	}
	if (n != c->newest) { /* to the front of the LRU list */
		n->prev->next = n->next;
		if (n->next)
			n->next->prev = n->prev;
		else
			c->oldest = n->prev;
		n->prev = NULL;
		n->next = c->newest;
		c->newest->prev = n;
		c->newest = n;
	}
	atomic_fetch_add(&n->refs, 1);
	return n;
}

const struct page_cache_entry *
page_cache_get(struct page_cache *c, const char *key, uint64_t generation, int64_t now_ms)
{
	uint64_t hash = hash_str(key);
	struct node *stale = NULL;
	bool unfit;
	pthread_mutex_lock(&c->lock);
	struct node *hit = lookup(c, key, hash, generation, now_ms, &stale, &unfit);
	pthread_mutex_unlock(&c->lock);
	page_cache_release(stale ? &stale->pub : NULL);
	return hit ? &hit->pub : NULL;
}

static bool
flying(const struct page_cache *c, uint64_t id)
{
	for (const struct flight *f = c->flights; f != NULL; f = f->next)
		if (f->id == id)
			return true;
	return false;
}

static struct flight *
find_flight(struct page_cache *c, const char *key, uint64_t hash, uint64_t generation)
{
	for (struct flight *f = c->flights; f != NULL; f = f->next)
		if (f->hash == hash && f->generation == generation && strcmp(f->key, key) == 0)
			return f;
	return NULL;
}

/* Ends the flight of key and generation, if any, and wakes the waiters. Called with the
 * lock held. */
static void
land(struct page_cache *c, const char *key, uint64_t hash, uint64_t generation)
{
	for (struct flight **pp = &c->flights; *pp != NULL; pp = &(*pp)->next) {
		struct flight *f = *pp;
		if (f->hash == hash && f->generation == generation && strcmp(f->key, key) == 0) {
			*pp = f->next;
			free(f->key);
			free(f);
			pthread_cond_broadcast(&c->landed);
			return;
		}
	}
}

/* Waits until flight id has landed or until ttl_ms have passed (lock held). */
static void
await_landing(struct page_cache *c, uint64_t id)
{
	struct timespec until;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += c->ttl_ms / 1000;
	until.tv_nsec += (c->ttl_ms % 1000) * 1000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	c->waiting++;
	while (flying(c, id) && pthread_cond_timedwait(&c->landed, &c->lock, &until) == 0)
		;
	c->waiting--;
}

const struct page_cache_entry *
page_cache_get_once(struct page_cache *c, const char *key, uint64_t generation, int64_t now_ms,
		    bool *render)
{
	*render = false;
	uint64_t hash = hash_str(key);
	struct node *stale = NULL, *hit = NULL;
	bool unfit, waited = false;
	pthread_mutex_lock(&c->lock);
	for (;;) {
		struct node *old = NULL;
		hit = lookup(c, key, hash, generation, now_ms, &old, &unfit);
		if (old != NULL) {
			/* a second stale copy (one stored while this caller waited) */
			page_cache_release(stale ? &stale->pub : NULL);
			stale = old;
		}
		if (hit != NULL || unfit || waited)
			break;
		struct flight *f = find_flight(c, key, hash, generation);
		if (f == NULL) {
			/* the first to miss renders; refreshing (an old copy serves the others)
			 * needs no flight, and a failed allocation only means no waiting */
			struct node *n = find(c, key, hash);
			if ((n == NULL || !n->refreshing) && (f = calloc(1, sizeof *f)) != NULL &&
			    (f->key = strdup(key)) != NULL) {
				f->id = ++c->flight_ids;
				f->hash = hash;
				f->generation = generation;
				f->next = c->flights;
				c->flights = f;
				*render = true;
			} else if (f != NULL) {
				free(f);
			}
			break;
		}
		await_landing(c, f->id);
		waited = true;
	}
	pthread_mutex_unlock(&c->lock);
	page_cache_release(stale ? &stale->pub : NULL);
	return hit ? &hit->pub : NULL;
}

static char *
dup_or_null(const char *s, bool *failed)
{
	if (s == NULL)
		return NULL;
	char *d = strdup(s);
	if (d == NULL)
		*failed = true;
	return d;
}

/* A node holding a copy of resp, with one reference (the table's); NULL on failure. */
static struct node *
node_copy(const char *key, const struct resp *resp)
{
	struct node *n = calloc(1, sizeof *n);
	if (n == NULL)
		return NULL;
	atomic_init(&n->refs, 1);
	bool failed = false;
	n->key = dup_or_null(key, &failed);
	n->pub.status = resp->status;
	n->pub.content_type = dup_or_null(resp->content_type, &failed);
	n->pub.headers = calloc(resp->nheaders ? resp->nheaders : 1, sizeof *n->pub.headers);
	n->pub.body = malloc(resp->len ? resp->len : 1);
	if (n->pub.headers == NULL || n->pub.body == NULL)
		failed = true;
	n->bytes = sizeof *n + strlen(key) + resp->len;
	for (size_t i = 0; !failed && i < resp->nheaders; i++) {
		n->pub.headers[i].name = dup_or_null(resp->headers[i].name, &failed);
		n->pub.headers[i].value = dup_or_null(resp->headers[i].value, &failed);
		n->pub.nheaders = i + 1;
		n->bytes += strlen(resp->headers[i].name) + strlen(resp->headers[i].value) + 2;
	}
	if (failed) {
		node_free(n);
		return NULL;
	}
	memcpy(n->pub.body, resp->body, resp->len);
	n->pub.len = resp->len;
	return n;
}

/* Links n under its key in place of what was there, ends the key's flight, and evicts the
 * least recently used entries until both bounds hold. The replaced and evicted nodes are
 * released after the lock. */
static void
link_node(struct page_cache *c, struct node *n)
{
	struct node *victims = NULL;
	pthread_mutex_lock(&c->lock);
	struct node *old = find(c, n->key, n->hash);
	if (old != NULL) {
		unlink_node(c, old);
		old->chain = victims;
		victims = old;
	}
	struct node **bucket = &c->buckets[n->hash & (c->nbuckets - 1)];
	n->chain = *bucket;
	*bucket = n;
	n->next = c->newest;
	if (c->newest)
		c->newest->prev = n;
	c->newest = n;
	if (c->oldest == NULL)
		c->oldest = n;
	c->entries++;
	c->bytes += n->bytes;
	while (c->oldest != n && (c->entries > c->max_entries || c->bytes > c->max_bytes)) {
		struct node *v = c->oldest;
		unlink_node(c, v);
		v->chain = victims;
		victims = v;
	}
	land(c, n->key, n->hash, n->generation);
	pthread_mutex_unlock(&c->lock);
	while (victims != NULL) {
		struct node *next = victims->chain;
		page_cache_release(&victims->pub);
		victims = next;
	}
}

bool
page_cache_put(struct page_cache *c, const char *key, uint64_t generation, int64_t now_ms,
	       const struct resp *resp)
{
	bool too_big = resp->len > c->max_bytes / 8 || c->max_entries == 0;
	struct node *n = too_big ? NULL : node_copy(key, resp);
	if (n == NULL) {
		page_cache_abandon(c, key, generation, now_ms, too_big);
		return false;
	}
	n->hash = hash_str(key);
	n->generation = generation;
	n->pub.stored_ms = now_ms;
	link_node(c, n);
	return true;
}

bool
page_cache_put_member(struct page_cache *c, const char *key, int64_t now_ms,
		      const struct resp *resp, const char *deps, const char *token, int64_t until)
{
	if (resp->len > c->max_bytes / 8 || c->max_entries == 0)
		return false;
	struct node *n = node_copy(key, resp);
	if (n == NULL)
		return false;
	if ((n->pub.deps = strdup(deps)) == NULL || (n->pub.token = strdup(token)) == NULL) {
		node_free(n);
		return false;
	}
	n->bytes += strlen(deps) + strlen(token);
	n->pub.until = until;
	n->hash = hash_str(key);
	n->pub.stored_ms = now_ms;
	link_node(c, n);
	return true;
}

const struct page_cache_entry *
page_cache_peek(struct page_cache *c, const char *key, int64_t now_ms)
{
	uint64_t hash = hash_str(key);
	struct node *stale = NULL, *hit = NULL;
	pthread_mutex_lock(&c->lock);
	struct node *n = find(c, key, hash);
	if (n != NULL && n->pub.token != NULL && now_ms - n->pub.stored_ms < c->ttl_ms) {
		atomic_fetch_add(&n->refs, 1);
		hit = n;
	} else if (n != NULL) {
		unlink_node(c, n);
		stale = n;
	}
	pthread_mutex_unlock(&c->lock);
	page_cache_release(stale ? &stale->pub : NULL);
	return hit ? &hit->pub : NULL;
}

bool
page_cache_member_render(struct page_cache *c, const char *key, bool wait)
{
	uint64_t hash = hash_str(key);
	bool render = true;
	pthread_mutex_lock(&c->lock);
	struct flight *f = find_flight(c, key, hash, 0);
	if (f != NULL && wait) {
		await_landing(c, f->id);
		render = false;
	} else if (f == NULL && wait && (f = calloc(1, sizeof *f)) != NULL) {
		/* a failed allocation only means nobody waits for this rendering */
		if ((f->key = strdup(key)) != NULL) {
			f->id = ++c->flight_ids;
			f->hash = hash;
			f->next = c->flights;
			c->flights = f;
		} else {
			free(f);
		}
	}
	pthread_mutex_unlock(&c->lock);
	return render;
}

void
page_cache_drop(struct page_cache *c, const char *key)
{
	uint64_t hash = hash_str(key);
	pthread_mutex_lock(&c->lock);
	struct node *n = find(c, key, hash);
	if (n != NULL)
		unlink_node(c, n);
	pthread_mutex_unlock(&c->lock);
	page_cache_release(n ? &n->pub : NULL);
}

size_t
page_cache_drop_prefix(struct page_cache *c, const char *prefix)
{
	size_t len = strlen(prefix), dropped = 0;
	struct node *victims = NULL;
	pthread_mutex_lock(&c->lock);
	for (struct node *n = c->newest, *next; n != NULL; n = next) {
		next = n->next;
		if (strncmp(n->key, prefix, len) == 0) {
			unlink_node(c, n);
			n->chain = victims;
			victims = n;
			dropped++;
		}
	}
	pthread_mutex_unlock(&c->lock);
	while (victims != NULL) {
		struct node *next = victims->chain;
		page_cache_release(&victims->pub);
		victims = next;
	}
	return dropped;
}

void
page_cache_abandon(struct page_cache *c, const char *key, uint64_t generation, int64_t now_ms,
		   bool unfit)
{
	uint64_t hash = hash_str(key);
	if (unfit) {
		/* An old copy still serving (a refresh that failed) stays, and so does a live
		 * marker: then there is nothing to remember anew. */
		pthread_mutex_lock(&c->lock);
		struct node *old = find(c, key, hash);
		unfit = old == NULL || old->generation != generation ||
			(old->unfit && now_ms - old->pub.stored_ms >= c->ttl_ms);
		pthread_mutex_unlock(&c->lock);
	}
	struct node *n = NULL;
	if (unfit && c->max_entries > 0 && (n = calloc(1, sizeof *n)) != NULL) {
		atomic_init(&n->refs, 1);
		n->key = strdup(key);
		n->pub.headers = calloc(1, sizeof *n->pub.headers);
		n->pub.body = malloc(1);
		if (n->key == NULL || n->pub.headers == NULL || n->pub.body == NULL) {
			node_free(n);
			n = NULL;
		}
	}
	if (n == NULL) { /* nothing to remember: only the waiters to wake */
		pthread_mutex_lock(&c->lock);
		land(c, key, hash, generation);
		pthread_mutex_unlock(&c->lock);
		return;
	}
	n->unfit = true;
	n->hash = hash;
	n->generation = generation;
	n->pub.stored_ms = now_ms;
	n->bytes = sizeof *n + strlen(key);
	link_node(c, n);
}

size_t
page_cache_waiting(struct page_cache *c)
{
	pthread_mutex_lock(&c->lock);
	size_t n = c->waiting;
	pthread_mutex_unlock(&c->lock);
	return n;
}

void
page_cache_stats(struct page_cache *c, size_t *entries, size_t *bytes)
{
	pthread_mutex_lock(&c->lock);
	*entries = c->entries;
	*bytes = c->bytes;
	pthread_mutex_unlock(&c->lock);
}

char
page_cache_accept_kind(const char *accept)
{
	if (accept == NULL)
		return 'h';
	/* ap_wants_activity */
	bool activity = strstr(accept, "application/activity+json") != NULL ||
			strstr(accept, "application/ld+json") != NULL;
	/* req_wants_json */
	bool json = (strstr(accept, "application/json") != NULL ||
		     strstr(accept, "activity+json") != NULL ||
		     strstr(accept, "application/ld+json") != NULL) &&
		    strstr(accept, "text/html") == NULL;
	return activity ? (json ? 'A' : 'a') : (json ? 'j' : 'h');
}
