/* router.h - method + path-pattern routing ("/users/:name/statuses/:id").
 *
 * Patterns are split into segments at registration; ":name" segments capture one decoded
 * path segment, and "@:name" captures what follows a literal prefix ("/@rose" gives
 * name = "rose"). A trailing slash on the request path is accepted ("/about/" matches "/about").
 * The router knows nothing of libmicrohttpd: it maps strings to an opaque handler. */
#ifndef PARASOL_ROUTER_H
#define PARASOL_ROUTER_H

#include <stddef.h>

struct arena;
struct req;

typedef int (*route_fn)(struct req *req);

#define ROUTE_MAX_PARAMS 8

struct route_match {
	route_fn fn;
	const char *pattern; /* the route's pattern, for logs (never the path itself) */
	size_t nparams;
	const char *names[ROUTE_MAX_PARAMS];
	const char *values[ROUTE_MAX_PARAMS]; /* percent-decoded, owned by the arena */
	char allow[64];			      /* for ROUTE_METHOD_NOT_ALLOWED: "GET, HEAD" */
};

enum route_result { ROUTE_FOUND, ROUTE_NOT_FOUND, ROUTE_METHOD_NOT_ALLOWED };

struct router;

/* Creates an empty router; free with router_free. */
struct router *router_new(void);
void router_free(struct router *r);

/* Adds a route. pattern must start with '/'; returns -1 for a malformed pattern (empty
 * ":" name, more than ROUTE_MAX_PARAMS captures). GET routes also answer HEAD. */
int router_add(struct router *r, const char *method, const char *pattern, route_fn fn);

/* Matches method and path (path without the query string, still percent-encoded). Literal
 * segments win over captures at the same position, in registration order otherwise. A segment
 * that decodes to contain '/' or a NUL never matches a capture. */
enum route_result router_match(const struct router *r, const char *method, const char *path,
			       struct arena *a, struct route_match *out);

/* Calls fn(method, pattern, ctx) for every route, in registration order (patterns as
 * registered, ":name" for captures): how `parasol routes` lists them for the tests that must
 * cover every route. */
void router_each(const struct router *r, void (*fn)(const char *method, const char *pattern,
						   void *ctx),
		 void *ctx);

/* The value of hex digit c (of a percent escape), or -1. */
int router_hex_value(char c);

/* Percent-decodes n bytes of s into an arena string; returns NULL on a bad escape or an
 * encoded NUL. When plus_is_space is set, '+' becomes ' ' (form encoding). */
char *router_decode(struct arena *a, const char *s, size_t n, int plus_is_space);

#endif
