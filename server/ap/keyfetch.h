/* keyfetch.h - fetching the keys of signed requests off the HTTP threads.
 *
 * A request signed with a key this node doesn't have (or whose stored key fails, after a
 * rotation) needs the key's document from the peer, and a slow peer can take the fetch
 * timeout several times over (redirects, the WebFinger round trip). Done on the request
 * thread, a few such requests hold every thread and the node stops answering anyone. So
 * fetches run on a few threads of their own (the cap on concurrent key fetches); a request
 * waits for its key only briefly, and only while few others wait, and is otherwise refused
 * with 401 — the peer retries, as peers do, and by then the key is stored.
 *
 * Per key: one fetch at a time (requests for a key being fetched wait for that fetch); a
 * failed fetch is not tried again for `interval_ms` (the negative cache); a refetch of a
 * stored key (refresh) happens at most once per `interval_ms`. Per domain: at most
 * `per_domain` fetches queued or running, so that requests naming made-up keys on one peer
 * (anyone can send them: the key is what is unknown) neither queue up ahead of other peers'
 * keys nor make this node send that peer more than a few requests at once; one fetch of its
 * keys running at a time (the threads take the oldest key whose domain has none running),
 * and one request waiting for its keys at a time, so that a peer whose key server hangs holds
 * one thread and one waiting place, and other peers' keys are fetched and waited for
 * meanwhile. A table full of
 * keys that failed makes room by forgetting the one that failed first. The clock is
 * injectable for tests. */
#ifndef PARASOL_AP_KEYFETCH_H
#define PARASOL_AP_KEYFETCH_H

#include <stdbool.h>
#include <stdint.h>

/* Fetches and stores key_id's key (refresh: even when one is stored). 0, or -1 when the key
 * could not be had. Runs on a key-fetch thread. */
typedef int (*keyfetch_fn)(const char *key_id, bool refresh);

/* Milliseconds on a monotonic clock. */
typedef int64_t (*keyfetch_clock_fn)(void);

struct keyfetch_options {
	int threads;	 /* fetching threads: concurrent key fetches at most (<= 0: 2) */
	int wait_ms;	 /* how long a request waits for its key (< 0: 0) */
	int max_waiters; /* requests waiting at once; more are answered at once (< 0: 0) */
	int interval_ms; /* negative cache and refetch interval (<= 0: 60 s) */
	int slots;	 /* keys remembered (<= 0: 4096) */
	int per_domain;	 /* fetches of one domain's keys queued or running at once (<= 0: 4) */
	keyfetch_fn fetch;
	keyfetch_clock_fn clock; /* NULL: CLOCK_MONOTONIC */
};

/* The production values: 2 threads; a wait of up to 10 s (a first contact from a healthy
 * peer is answered 202 at once, even on a loaded node) for at most 2 requests, so the other
 * HTTP threads stay free; one minute. */
#define KEYFETCH_OPTIONS_INIT                                                                      \
	{                                                                                          \
		.threads = 2, .wait_ms = 10000, .max_waiters = 2, .interval_ms = 60 * 1000,        \
		.slots = 4096, .per_domain = 4                                                     \
	}

/* Starts the fetching threads (they block SIGINT and SIGTERM). 0, or -1 when a thread or
 * the table can't be made. Pair with keyfetch_stop. */
int keyfetch_start(const struct keyfetch_options *o);

/* Stops and joins the threads (a fetch in progress finishes first), wakes any waiting
 * request, and forgets every key. */
void keyfetch_stop(void);

enum keyfetch_result {
	KEYFETCH_READY,	  /* fetched just now: read the stored key again */
	KEYFETCH_PENDING, /* being fetched, or queued: refuse the request for now */
	KEYFETCH_REFUSED, /* failed lately, or refetched lately, or too many keys: refuse */
};

/* Asks for key_id to be fetched (refresh: though a key is stored) and waits up to wait_ms
 * for it when fewer than max_waiters requests are waiting. Thread-safe. Without
 * keyfetch_start, fetches on the calling thread (READY or REFUSED). */
enum keyfetch_result keyfetch_request(const char *key_id, bool refresh);

#endif
