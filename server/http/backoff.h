/* backoff.h - in-memory progressive delays: each failure past the first few makes the key
 * wait longer before its next attempt is looked at (a next-allowed time, never a lock: once
 * the wait is over, one attempt is always heard). Used for sign-in per account. Keys are
 * opaque strings (pass keyed hashes, http/request.h); a restart forgets all. */
#ifndef PARASOL_BACKOFF_H
#define PARASOL_BACKOFF_H

#include <stddef.h>
#include <stdint.h>

#include "http/ratelimit.h"

struct backoff;

/* The rule: after free_failures failures, the n-th further failure makes the key wait
 * base_ms * 2^(n-1), at most max_ms, from that failure. A key without a failure for
 * forget_ms starts again from nothing. Tracks up to slots keys (the least recently failed
 * key is forgotten when full). clock: NULL for the monotonic clock (copied). */
struct backoff_rule {
	int free_failures;
	int64_t base_ms;
	int64_t max_ms;
	int64_t forget_ms;
};

/* A new table (NULL on allocation failure); free with backoff_free. */
struct backoff *backoff_new(size_t slots, const struct backoff_rule *rule,
			    const struct rl_clock *clock);
void backoff_free(struct backoff *b);

/* Milliseconds key must still wait before an attempt is heard; 0 when it may try now.
 * Asking doesn't count. Thread-safe. */
int64_t backoff_wait_ms(struct backoff *b, const char *key);

/* Counts a failed attempt of key (made when backoff_wait_ms said 0) and returns the wait it
 * now has (0 while within free_failures). */
int64_t backoff_failure(struct backoff *b, const char *key);

/* Forgets key (after a success). */
void backoff_reset(struct backoff *b, const char *key);

#endif
