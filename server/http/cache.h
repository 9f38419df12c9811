/* cache.h - a short-lived in-memory cache of complete answers to anonymous GETs.
 *
 * What may be cached is decided by http/server.c (see the rule there); this file only keeps
 * entries. An entry is a copy of a finished 200 response: content type, headers (ETag, Vary,
 * Content-Encoding, Cache-Control, ...) and the body as sent, compressed or not. It is valid
 * while the caller's write generation equals the one it was stored with and it is younger
 * than the TTL; otherwise it is dropped when next asked for.
 *
 * Ownership: the cache owns its entries (memory from malloc, never an arena). A lookup hands
 * out a reference; the entry stays valid until page_cache_release, even if it is replaced or
 * evicted meanwhile (a response being sent from it is never freed under libmicrohttpd). The
 * cache is bounded by a number of entries and by bytes (bodies and headers), evicting the
 * least recently used, and is safe to use from any number of threads. */
#ifndef PARASOL_CACHE_H
#define PARASOL_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct resp;

struct page_cache_header {
	char *name;
	char *value;
};

/* What a lookup returns. Read-only for the holder of a reference. */
struct page_cache_entry {
	int status;
	char *content_type; /* NULL for none */
	struct page_cache_header *headers;
	size_t nheaders;
	char *body;
	size_t len;
	int64_t stored_ms; /* the now_ms it was stored at */
	/* member pages only (page_cache_put_member), else NULL and 0: */
	char *deps;	/* what the page depends on, for the caller's check */
	char *token;	/* what that check answered when the page was made */
	int64_t until; /* the wall-clock second it stops being right, 0 for never */
};

struct page_cache;

/* A cache of at most max_entries entries and max_bytes bytes whose entries live ttl_ms
 * milliseconds. NULL when memory runs out. Free with page_cache_free. */
struct page_cache *page_cache_new(size_t max_entries, size_t max_bytes, int64_t ttl_ms);

/* Frees the cache. Every reference handed out must have been released first. NULL is a
 * no-op. */
void page_cache_free(struct page_cache *c);

/* The entry stored under key, or NULL when there is none or it is stale: stored under
 * another generation, or ttl_ms or more before now_ms (a monotonic clock in milliseconds).
 * Of the callers that find an entry past its ttl, the first gets NULL (it renders the page
 * and puts it) and the others get the old entry until it is replaced, or until 2 x ttl_ms
 * have passed. A non-NULL entry carries a reference: give it back with page_cache_release. */
const struct page_cache_entry *page_cache_get(struct page_cache *c, const char *key,
					      uint64_t generation, int64_t now_ms);

/* page_cache_get for a request that will render the page itself on a miss, so that many
 * requests for a page nobody has rendered yet (a cold cache, or every entry after a write)
 * cost one rendering, not one each. On a miss the first caller becomes the key's renderer
 * (*render = true) and must end that with page_cache_put or page_cache_abandon (under the
 * same key). Callers that miss while a renderer of the same key and generation is at work
 * wait for it (at most ttl_ms of the real monotonic clock), then look once more: they get its
 * entry, or NULL (render it themselves) if it stored none. A key the renderer found
 * unfit for the cache (page_cache_abandon with unfit) has nobody wait for it until the
 * generation moves or ttl_ms pass. *render is false whenever NULL isn't a new renderer. */
const struct page_cache_entry *page_cache_get_once(struct page_cache *c, const char *key,
						   uint64_t generation, int64_t now_ms,
						   bool *render);

/* Ends the rendering of key that page_cache_get_once handed out, when the caller stores no
 * entry: the waiting callers look again. unfit: the answer may not be kept at all (not a 200,
 * private, too large ...), which is remembered under generation for ttl_ms from now_ms so
 * that later requests render at once instead of waiting for one another. No-op for a key
 * nobody renders. */
void page_cache_abandon(struct page_cache *c, const char *key, uint64_t generation,
			int64_t now_ms, bool unfit);

/* How many callers wait in page_cache_get_once now (tests). */
size_t page_cache_waiting(struct page_cache *c);

/* Drops a reference from page_cache_get; the last one frees an entry that has left the
 * cache. Thread-safe; NULL is a no-op. */
void page_cache_release(const struct page_cache_entry *e);

/* Stores a copy of resp (status, content type, headers, body) under key, replacing what was
 * there, then evicts the least recently used entries until both bounds hold. Does nothing
 * when the copy alone would take more than an eighth of max_bytes, or when memory runs
 * out. Returns whether it stored. Either way it ends a rendering of key
 * (page_cache_get_once): when it stored nothing, as page_cache_abandon with unfit. */
bool page_cache_put(struct page_cache *c, const char *key, uint64_t generation, int64_t now_ms,
		    const struct resp *resp);

/* page_cache_put for a signed-in member's page (http/server.c, "Member pages"): the entry
 * also keeps deps, token and until (copied; see struct page_cache_entry). Found only with
 * page_cache_peek; never waited for. */
bool page_cache_put_member(struct page_cache *c, const char *key, int64_t now_ms,
			   const struct resp *resp, const char *deps, const char *token,
			   int64_t until);

/* For a member's page whose kept copy is missing or failed its check: whether the caller
 * should render key now. When no other request renders key, the caller becomes its renderer
 * (true), which page_cache_put_member or page_cache_abandon (generation 0) of key ends. When
 * one does and wait is true, waits for it to end (at most ttl_ms of the real monotonic clock)
 * and returns false: look again, and check what it kept (a member's page is never served
 * unchecked). With wait false the caller renders and nobody waits for it (true). So
 * the requests of one session that miss together (an app and a tab, a reload after a post)
 * cost one rendering and checks, not a rendering each. */
bool page_cache_member_render(struct page_cache *c, const char *key, bool wait);

/* The entry stored under key, with a reference (release it), or NULL when there is none or
 * it is ttl_ms old or older (then it is dropped: a member's page never outlives the ttl). */
const struct page_cache_entry *page_cache_peek(struct page_cache *c, const char *key,
					       int64_t now_ms);

/* Drops the entry under key, if any (references handed out stay valid). */
void page_cache_drop(struct page_cache *c, const char *key);

/* Drops every entry whose key begins with prefix; returns how many. Walks the whole cache:
 * for rare events (a sign-out). */
size_t page_cache_drop_prefix(struct page_cache *c, const char *prefix);

/* How many entries and bytes the cache holds now (tests, logs). */
void page_cache_stats(struct page_cache *c, size_t *entries, size_t *bytes);

/* The part of a cache key for an Accept header, the same letter for every header that the
 * handlers' negotiation treats alike. They look for substrings (req_wants_json in
 * http/request.c, ap_wants_activity in ap/uri.c): the letter records which of those tests
 * pass, so it must follow them when they change. Pure. */
char page_cache_accept_kind(const char *accept);

#endif
