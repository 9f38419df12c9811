/* ratelimit.h - in-memory fixed-window rate limits (Flags and activities per peer) and the
 * clock the in-memory limiters read (http/backoff.h uses it too). Keys are opaque strings;
 * nothing is written anywhere, and a restart forgets all. */
#ifndef PARASOL_RATELIMIT_H
#define PARASOL_RATELIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Where a limiter reads the time: now_ms(ctx) returns milliseconds on a clock that never
 * goes back. Tests pass their own; the server uses ratelimit_monotonic. */
struct rl_clock {
	int64_t (*now_ms)(void *ctx);
	void *ctx;
};

/* CLOCK_MONOTONIC in milliseconds (ignores ctx). */
int64_t ratelimit_monotonic(void *ctx);

struct ratelimit;

/* A limiter allowing max events per window_s seconds per key, tracking up to slots keys
 * (older keys are evicted when full), reading the time from clock (NULL: the monotonic
 * clock; a clock given is copied). A key's window starts at its first event and lasts
 * exactly window_s * 1000 ms of that clock. Free with ratelimit_free. NULL on allocation
 * failure. */
struct ratelimit *ratelimit_new(size_t slots, int max, int window_s,
				const struct rl_clock *clock);
void ratelimit_free(struct ratelimit *rl);

/* Counts one event for key; returns false when key is over its limit (the event is then
 * not counted). Thread-safe. */
bool ratelimit_hit(struct ratelimit *rl, const char *key);

/* Counts one event for key as ratelimit_hit does, and says where key stands: *remaining
 * events left in its window after this one (0 when refused) and *reset_ms until the window
 * ends. false when key is over its limit (nothing counted). Thread-safe. */
bool ratelimit_take(struct ratelimit *rl, const char *key, int *remaining, int64_t *reset_ms);

/* The events a key may count per window (the limiter's max). */
int ratelimit_max(const struct ratelimit *rl);

/* Whether key is over its limit, without counting. */
bool ratelimit_blocked(struct ratelimit *rl, const char *key);

/* Milliseconds until key's window ends and it may count again; 0 when it is not blocked. */
int64_t ratelimit_wait_ms(struct ratelimit *rl, const char *key);

/* Takes back one event counted for key in its current window (none: nothing). */
void ratelimit_forgive(struct ratelimit *rl, const char *key);

/* Forgets key (after a successful sign-in). */
void ratelimit_reset(struct ratelimit *rl, const char *key);

#endif
