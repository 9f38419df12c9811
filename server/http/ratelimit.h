/* ratelimit.h - in-memory fixed-window rate limits (sign-in attempts, per account and per
 * client). Keys are opaque strings; nothing is written anywhere, and a restart forgets all. */
#ifndef PARASOL_RATELIMIT_H
#define PARASOL_RATELIMIT_H

#include <stdbool.h>
#include <stddef.h>

struct ratelimit;

/* A limiter allowing max events per window_s seconds per key, tracking up to slots keys
 * (older keys are evicted when full). Free with ratelimit_free. NULL on allocation failure. */
struct ratelimit *ratelimit_new(size_t slots, int max, int window_s);
void ratelimit_free(struct ratelimit *rl);

/* Counts one event for key; returns false when key is over its limit (the event is then
 * not counted). Thread-safe. */
bool ratelimit_hit(struct ratelimit *rl, const char *key);

/* Whether key is over its limit, without counting. */
bool ratelimit_blocked(struct ratelimit *rl, const char *key);

/* Forgets key (after a successful sign-in). */
void ratelimit_reset(struct ratelimit *rl, const char *key);

#endif
