/* bench_micro.c - figures for the hot paths of a request that don't touch the network or the
 * database: routing, body parsing, template rendering, the arena. Prints operations per second;
 * never fails on a number. Run with `make bench`. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "http/body.h"
#include "http/router.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/strbuf.h"
#include "util/tmpl.h"

static double
now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
dummy(struct req *req)
{
	(void)req;
	return 0;
}

static void
report(const char *name, long n, double secs)
{
	printf("%-34s %10.0f ops/s  (%ld ops in %.2f s)\n", name, (double)n / secs, n, secs);
}

static void
bench_router(void)
{
	static const char *const patterns[] = {
		"/", "/about", "/healthz", "/static/:file", "/users/:name",
		"/users/:name/statuses/:id", "/users/:name/followers", "/users/:name/following",
		"/tags/:tag", "/notifications", "/settings", "/admin/invites", "/login", "/logout",
		"/register", "/api/v1/statuses/:id", "/api/v1/accounts/:id", "/api/v1/timelines/home",
	};
	struct router *r = router_new();
	for (size_t i = 0; i < sizeof patterns / sizeof patterns[0]; i++)
		router_add(r, "GET", patterns[i], dummy);
	struct arena *a = arena_new();
	long n = 0;
	double t0 = now();
	for (; n < 2000000; n++) {
		struct route_match m;
		router_match(r, "GET", "/users/rose/statuses/112233445566", a, &m);
		if ((n & 1023) == 0) {
			arena_free(a);
			a = arena_new();
		}
	}
	report("router_match (18 routes)", n, now() - t0);
	arena_free(a);
	router_free(r);
}

static void
bench_body(void)
{
	const char *form = "authenticity_token=abcdefabcdef&status=Hello+%E4%B8%96%E7%95%8C+"
			   "this+is+a+post&visibility=public&spoiler_text=&in_reply_to_id=";
	long n = 0;
	double t0 = now();
	for (; n < 500000; n++) {
		struct arena *a = arena_new();
		struct body b;
		struct err err;
		body_parse(a, "application/x-www-form-urlencoded", form, strlen(form), &b, &err);
		arena_free(a);
	}
	report("body_parse urlencoded (5 fields)", n, now() - t0);
	const char *json = "{\"status\":\"Hello world\",\"visibility\":\"public\","
			   "\"media_ids\":[\"1\",\"2\"],\"sensitive\":false}";
	n = 0;
	t0 = now();
	for (; n < 300000; n++) {
		struct arena *a = arena_new();
		struct body b;
		struct err err;
		body_parse(a, "application/json", json, strlen(json), &b, &err);
		arena_free(a);
	}
	report("body_parse json (4 keys)", n, now() - t0);
}

static void
bench_tmpl(void)
{
	const char *names[] = {"page", "item"};
	const char *texts[] = {
		"<!DOCTYPE html><html lang=\"{{lang}}\"><title>{{title}}</title><ul>"
		"{{#posts}}{{> item}}{{/posts}}</ul>{{^posts}}<p>{{_ Nothing here}}</p>{{/posts}}",
		"<li><a href=\"{{url}}\">{{author}}</a> <p>{{text}}</p></li>"};
	struct err err;
	struct tmpl_set *set = tmpl_set_from_strings(names, texts, 2, &err);
	if (set == NULL) {
		printf("template load failed: %s\n", err.detail);
		return;
	}
	long n = 0;
	double t0 = now();
	for (; n < 50000; n++) {
		struct arena *a = arena_new();
		struct tval *ctx = tval_obj(a), *posts = tval_list(a);
		tval_set_str(ctx, "lang", "en");
		tval_set_str(ctx, "title", "Home <timeline>");
		for (int i = 0; i < 20; i++) {
			struct tval *p = tval_obj(a);
			tval_set_str(p, "url", "/users/rose/statuses/1");
			tval_set_str(p, "author", "rose & co");
			tval_set_str(p, "text", "A post with <b>markup</b> to escape, \"quoted\".");
			tval_push(posts, p);
		}
		tval_set(ctx, "posts", posts);
		struct strbuf out;
		strbuf_init(&out, a);
		tmpl_render(set, "page", ctx, NULL, NULL, &out, &err);
		arena_free(a);
	}
	report("tmpl_render (20-item timeline)", n, now() - t0);
	tmpl_set_free(set);
}

static void
bench_arena(void)
{
	long n = 0;
	double t0 = now();
	for (; n < 200000; n++) {
		struct arena *a = arena_new();
		for (int i = 0; i < 100; i++)
			arena_alloc(a, 48);
		arena_free(a);
	}
	report("arena: new + 100 allocs + free", n, now() - t0);
}

int
main(void)
{
	bench_router();
	bench_body();
	bench_tmpl();
	bench_arena();
	return 0;
}
