/* router.c - a list of routes, matched segment by segment. Tens of routes: a linear scan with
 * early exits is fast enough and keeps the code obvious (bench/ measures it). */
#include "router.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"

#define ROUTE_MAX_SEGS 16

struct route {
	char method[8];
	route_fn fn;
	size_t nsegs;
	char *segs[ROUTE_MAX_SEGS]; /* ":name" for captures */
	char *pattern;		    /* owns the storage of segs */
	char *orig;		    /* the pattern as registered */
};

struct router {
	struct route *routes;
	size_t n, cap;
};

void
router_each(const struct router *r, void (*fn)(const char *method, const char *pattern, void *ctx),
	    void *ctx)
{
	for (size_t i = 0; i < r->n; i++)
		fn(r->routes[i].method, r->routes[i].orig, ctx);
}

struct router *
router_new(void)
{
	return calloc(1, sizeof(struct router));
}

void
router_free(struct router *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->n; i++) {
		free(r->routes[i].pattern);
		free(r->routes[i].orig);
	}
	free(r->routes);
	free(r);
}

int
router_add(struct router *r, const char *method, const char *pattern, route_fn fn)
{
	if (pattern[0] != '/' || strlen(method) >= sizeof r->routes[0].method)
		return -1;
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 32;
		struct route *nr = realloc(r->routes, cap * sizeof *nr);
		if (nr == NULL)
			return -1;
		r->routes = nr;
		r->cap = cap;
	}
	struct route *rt = &r->routes[r->n];
	memset(rt, 0, sizeof *rt);
	strcpy(rt->method, method);
	rt->fn = fn;
	if ((rt->pattern = strdup(pattern + 1)) == NULL)
		return -1;
	if ((rt->orig = strdup(pattern)) == NULL) {
		free(rt->pattern);
		return -1;
	}
	size_t ncap = 0;
	char *save = NULL;
	for (char *s = strtok_r(rt->pattern, "/", &save); s; s = strtok_r(NULL, "/", &save)) {
		const char *colon = strchr(s, ':');
		if (rt->nsegs == ROUTE_MAX_SEGS ||
		    (colon != NULL && (colon[1] == '\0' || strchr(colon + 1, ':') != NULL ||
				       ++ncap > ROUTE_MAX_PARAMS))) {
			free(rt->pattern);
			free(rt->orig);
			return -1;
		}
		rt->segs[rt->nsegs++] = s;
	}
	r->n++;
	return 0;
}

int
router_hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *
router_decode(struct arena *a, const char *s, size_t n, int plus_is_space)
{
	char *out = arena_alloc(a, n + 1), *o = out;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%') {
			int hi = i + 2 < n ? router_hex_value(s[i + 1]) : -1;
			int lo = i + 2 < n ? router_hex_value(s[i + 2]) : -1;
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
				return NULL;
			*o++ = (char)(hi << 4 | lo);
			i += 2;
		} else if (s[i] == '+' && plus_is_space) {
			*o++ = ' ';
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}

/* Splits path into segments (pointers into path, with lengths); a trailing slash and
 * repeated slashes produce no empty segments. Returns the count, or -1 if too many. */
static int
split_path(const char *path, const char **segs, size_t *lens)
{
	int n = 0;
	const char *p = path;
	while (*p) {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		const char *start = p;
		while (*p && *p != '/')
			p++;
		if (n == ROUTE_MAX_SEGS)
			return -1;
		segs[n] = start;
		lens[n++] = (size_t)(p - start);
	}
	return n;
}

/* Scores a route against the segments: -1 no match, otherwise a bit per literal segment,
 * the first segment the highest bit, so that at the first position where two matching
 * routes differ the literal one wins. */
static int
match_route(const struct route *rt, const char **segs, const size_t *lens, int n)
{
	if ((int)rt->nsegs != n)
		return -1;
	int score = 0;
	for (int i = 0; i < n; i++) {
		const char *s = rt->segs[i];
		const char *colon = strchr(s, ':');
		if (colon == s)
			continue;
		if (colon != NULL) { /* "@:name": a literal prefix, then at least one byte */
			size_t plen = (size_t)(colon - s);
			if (lens[i] <= plen || memcmp(s, segs[i], plen) != 0)
				return -1;
			continue;
		}
		if (strlen(s) != lens[i] || memcmp(s, segs[i], lens[i]) != 0)
			return -1;
		score |= 1 << (ROUTE_MAX_SEGS - 1 - i);
	}
	return score;
}

static int
method_matches(const char *route_method, const char *method)
{
	return strcmp(route_method, method) == 0 ||
	       (strcmp(method, "HEAD") == 0 && strcmp(route_method, "GET") == 0);
}

static void
add_allow(char *allow, size_t size, const char *method)
{
	if (strstr(allow, method) != NULL)
		return;
	size_t len = strlen(allow);
	snprintf(allow + len, size - len, "%s%s", len ? ", " : "", method);
	if (strcmp(method, "GET") == 0)
		add_allow(allow, size, "HEAD");
}

enum route_result
router_match(const struct router *r, const char *method, const char *path, struct arena *a,
	     struct route_match *out)
{
	memset(out, 0, sizeof *out);
	const char *segs[ROUTE_MAX_SEGS];
	size_t lens[ROUTE_MAX_SEGS];
	if (path[0] != '/')
		return ROUTE_NOT_FOUND;
	int n = split_path(path, segs, lens);
	if (n < 0)
		return ROUTE_NOT_FOUND;
	const struct route *best = NULL;
	int best_score = -1, path_known = 0;
	for (size_t i = 0; i < r->n; i++) {
		int score = match_route(&r->routes[i], segs, lens, n);
		if (score < 0)
			continue;
		path_known = 1;
		add_allow(out->allow, sizeof out->allow, r->routes[i].method);
		if (method_matches(r->routes[i].method, method) && score > best_score) {
			best = &r->routes[i];
			best_score = score;
		}
	}
	if (best == NULL)
		return path_known ? ROUTE_METHOD_NOT_ALLOWED : ROUTE_NOT_FOUND;
	for (int i = 0; i < n; i++) {
		const char *colon = strchr(best->segs[i], ':');
		if (colon == NULL)
			continue;
		size_t plen = (size_t)(colon - best->segs[i]);
		char *v = router_decode(a, segs[i] + plen, lens[i] - plen, 0);
		if (v == NULL || *v == '\0' || strchr(v, '/') != NULL)
			return ROUTE_NOT_FOUND;
		out->names[out->nparams] = colon + 1;
		out->values[out->nparams++] = v;
	}
	out->fn = best->fn;
	out->pattern = best->orig;
	return ROUTE_FOUND;
}
