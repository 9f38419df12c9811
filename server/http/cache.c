/* cache.c - the page cache: a chained hash table and a least-recently-used list under one
 * mutex, with reference-counted entries. */
#include "cache.h"

#include <pthread.h>
#include <stdatomic.h>
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
	size_t bytes;
	struct node *chain;	  /* next in the bucket */
	struct node *prev, *next; /* LRU list, most recent first */
};

struct page_cache {
	pthread_mutex_t lock;
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

const struct page_cache_entry *
page_cache_get(struct page_cache *c, const char *key, uint64_t generation, int64_t now_ms)
{
	uint64_t hash = hash_str(key);
	struct node *stale = NULL, *hit = NULL;
	pthread_mutex_lock(&c->lock);
	struct node *n = find(c, key, hash);
	int64_t age = n != NULL ? now_ms - n->pub.stored_ms : 0;
	if (n != NULL && (n->generation != generation || age >= 2 * c->ttl_ms || age < 0)) {
		unlink_node(c, n);
		stale = n;
	} else if (n != NULL && age >= c->ttl_ms && !n->refreshing) {
		/* Past its ttl: this caller renders the page anew (and puts it), while the
		 * others keep getting this copy until then, or until a second ttl has passed
		 * (a render that failed), so that an entry's end doesn't send every waiting
		 * connection to render the same page at once. A write still ends it at once. */
		n->refreshing = true;
	} else if (n != NULL) {
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
		hit = n;
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

bool
page_cache_put(struct page_cache *c, const char *key, uint64_t generation, int64_t now_ms,
	       const struct resp *resp)
{
	if (resp->len > c->max_bytes / 8 || c->max_entries == 0)
		return false;
	struct node *n = node_copy(key, resp);
	if (n == NULL)
		return false;
	n->hash = hash_str(key);
	n->generation = generation;
	n->pub.stored_ms = now_ms;
	struct node *victims = NULL; /* unlinked here, released after the lock */
	pthread_mutex_lock(&c->lock);
	struct node *old = find(c, key, n->hash);
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
	pthread_mutex_unlock(&c->lock);
	while (victims != NULL) {
		struct node *next = victims->chain;
		page_cache_release(&victims->pub);
		victims = next;
	}
	return true;
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
