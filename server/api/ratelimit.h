/* ratelimit.h - the client API's request limit: `api_rate_limit` requests per
 * `api_rate_window` seconds per access token; calls without a token count per client, by the
 * keyed hash of its address that the sign-in limits use (http/request.h: req_client_key),
 * never the address. In memory only (http/ratelimit.h); a restart forgets all. Every answer
 * a handler makes says where the caller stands, as Mastodon's do (Mastodon.py reads them):
 * X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset (when the window ends, an
 * ISO 8601 time with milliseconds). */
#ifndef PARASOL_API_RATELIMIT_H
#define PARASOL_API_RATELIMIT_H

#include <stdbool.h>

struct api_call;

/* Counts call against its limit and adds the headers. true: go on; false: the limit is
 * reached, and call is answered 429 {"error": ...} with Retry-After (nothing else to do). */
bool api_rate_take(struct api_call *call);

#endif
