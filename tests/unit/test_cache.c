/* test_cache.c - the page cache: copies in and out, staleness by generation and by age (with
 * the clock passed in, no sleeping), LRU bounds on entries and bytes, references that outlive
 * replacement and eviction, the Accept kinds, four threads at once, and one rendering for
 * many requests of a page nobody rendered yet (page_cache_get_once). */
#include <check.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "http/cache.h"
#include "http/request.h"

static struct resp
make_resp(const char *body, const char *etag)
{
	struct resp r = {0};
	r.status = 200;
	r.content_type = "text/html; charset=utf-8";
	r.body = body;
	r.len = strlen(body);
	r.headers[0] = (struct resp_header){"ETag", etag};
	r.headers[1] = (struct resp_header){"Vary", "Accept-Language, Cookie, Accept-Encoding"};
	r.nheaders = 2;
	return r;
}

START_TEST(test_round_trip)
{
	struct page_cache *c = page_cache_new(16, 1 << 20, 2000);
	char body[] = "<p>rose's page</p>";
	char tag[] = "\"abc\"";
	struct resp r = make_resp(body, tag);
	ck_assert(page_cache_put(c, "gh01 /@rose", 7, 1000, &r));
	/* the cache keeps copies: the request's memory may go */
	body[1] = 'X';
	tag[1] = 'X';
	const struct page_cache_entry *e = page_cache_get(c, "gh01 /@rose", 7, 1500);
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->status, 200);
	ck_assert_str_eq(e->content_type, "text/html; charset=utf-8");
	ck_assert_uint_eq(e->len, strlen("<p>rose's page</p>"));
	ck_assert_mem_eq(e->body, "<p>rose's page</p>", e->len);
	ck_assert_uint_eq(e->nheaders, 2);
	ck_assert_str_eq(e->headers[0].name, "ETag");
	ck_assert_str_eq(e->headers[0].value, "\"abc\"");
	page_cache_release(e);
	/* other keys miss */
	ck_assert_ptr_null(page_cache_get(c, "ih01 /@rose", 7, 1500));
	ck_assert_ptr_null(page_cache_get(c, "gh01 /@rose?max_id=1", 7, 1500));
	size_t n, bytes;
	page_cache_stats(c, &n, &bytes);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_gt(bytes, e->len);
	page_cache_free(c);
}
END_TEST

START_TEST(test_stale_by_generation)
{
	struct page_cache *c = page_cache_new(16, 1 << 20, 60000);
	struct resp r = make_resp("old", "\"1\"");
	page_cache_put(c, "k", 1, 0, &r);
	ck_assert_ptr_null(page_cache_get(c, "k", 2, 1)); /* a write since */
	/* and it is gone, not kept for a generation that never comes back */
	size_t n, bytes;
	page_cache_stats(c, &n, &bytes);
	ck_assert_uint_eq(n, 0);
	ck_assert_uint_eq(bytes, 0);
	ck_assert_ptr_null(page_cache_get(c, "k", 1, 1));
	page_cache_free(c);
}
END_TEST

START_TEST(test_stale_by_age)
{
	struct page_cache *c = page_cache_new(16, 1 << 20, 2000);
	struct resp r = make_resp("page", "\"1\"");
	page_cache_put(c, "k", 5, 10000, &r);
	const struct page_cache_entry *e = page_cache_get(c, "k", 5, 11999);
	ck_assert_ptr_nonnull(e);
	page_cache_release(e);
	/* past the ttl, the first caller renders anew; the others keep the old copy meanwhile */
	ck_assert_ptr_null(page_cache_get(c, "k", 5, 12000));
	e = page_cache_get(c, "k", 5, 12001);
	ck_assert_ptr_nonnull(e);
	ck_assert_mem_eq(e->body, "page", 4);
	page_cache_release(e);
	/* ... but never across a write */
	ck_assert_ptr_null(page_cache_get(c, "k", 6, 12002));
	/* the renderer's copy replaces it and lives its own ttl */
	struct resp r2 = make_resp("page 2", "\"2\"");
	page_cache_put(c, "k", 5, 12010, &r2);
	e = page_cache_get(c, "k", 5, 13000);
	ck_assert_ptr_nonnull(e);
	ck_assert_mem_eq(e->body, "page 2", 6);
	page_cache_release(e);
	/* a renderer that never puts: the old copy goes after a second ttl */
	ck_assert_ptr_null(page_cache_get(c, "k", 5, 14010));
	e = page_cache_get(c, "k", 5, 14011);
	ck_assert_ptr_nonnull(e);
	page_cache_release(e);
	ck_assert_ptr_null(page_cache_get(c, "k", 5, 16010));
	ck_assert_ptr_null(page_cache_get(c, "k", 5, 16011));
	/* an entry stored after the caller read the clock (while it waited for the rendering)
	 * is fresh, and still ends a ttl after it was stored */
	page_cache_put(c, "k", 5, 10000, &r);
	ck_assert_ptr_nonnull(e = page_cache_get(c, "k", 5, 9999));
	page_cache_release(e);
	ck_assert_ptr_null(page_cache_get(c, "k", 5, 12000));
	page_cache_free(c);
}
END_TEST

START_TEST(test_replace)
{
	struct page_cache *c = page_cache_new(16, 1 << 20, 60000);
	struct resp r1 = make_resp("first", "\"1\"");
	struct resp r2 = make_resp("second", "\"2\"");
	page_cache_put(c, "k", 1, 0, &r1);
	const struct page_cache_entry *held = page_cache_get(c, "k", 1, 0);
	page_cache_put(c, "k", 1, 0, &r2);
	const struct page_cache_entry *e = page_cache_get(c, "k", 1, 0);
	ck_assert_mem_eq(e->body, "second", 6);
	/* the reference taken before the replacement still reads the old copy (ASan checks) */
	ck_assert_mem_eq(held->body, "first", 5);
	ck_assert_str_eq(held->headers[0].value, "\"1\"");
	page_cache_release(held);
	page_cache_release(e);
	size_t n, bytes;
	page_cache_stats(c, &n, &bytes);
	ck_assert_uint_eq(n, 1);
	page_cache_free(c);
}
END_TEST

START_TEST(test_lru_by_entries)
{
	struct page_cache *c = page_cache_new(3, 1 << 20, 60000);
	struct resp r = make_resp("page", "\"1\"");
	page_cache_put(c, "a", 1, 0, &r);
	page_cache_put(c, "b", 1, 0, &r);
	page_cache_put(c, "c", 1, 0, &r);
	page_cache_release(page_cache_get(c, "a", 1, 0)); /* a is now the most recent */
	const struct page_cache_entry *b = page_cache_get(c, "b", 1, 0);
	page_cache_put(c, "d", 1, 0, &r); /* evicts c, the least recently used */
	ck_assert_ptr_null(page_cache_get(c, "c", 1, 0));
	const struct page_cache_entry *e;
	ck_assert_ptr_nonnull(e = page_cache_get(c, "a", 1, 0));
	page_cache_release(e);
	ck_assert_ptr_nonnull(e = page_cache_get(c, "d", 1, 0));
	page_cache_release(e);
	page_cache_put(c, "e", 1, 0, &r); /* evicts b, though a reference to it is held */
	ck_assert_ptr_null(page_cache_get(c, "b", 1, 0));
	ck_assert_mem_eq(b->body, "page", 4);
	page_cache_release(b);
	size_t n, bytes;
	page_cache_stats(c, &n, &bytes);
	ck_assert_uint_eq(n, 3);
	page_cache_free(c);
}
END_TEST

START_TEST(test_bytes_bound)
{
	static char big[5000];
	memset(big, 'x', sizeof big - 1);
	struct page_cache *c = page_cache_new(1000, 64 * 1024, 60000);
	struct resp r = make_resp(big, "\"1\"");
	char key[32];
	for (int i = 0; i < 100; i++) {
		snprintf(key, sizeof key, "k%d", i);
		ck_assert(page_cache_put(c, key, 1, 0, &r));
		size_t n, bytes;
		page_cache_stats(c, &n, &bytes);
		ck_assert_uint_le(bytes, 64 * 1024);
	}
	/* the newest are kept */
	const struct page_cache_entry *e = page_cache_get(c, "k99", 1, 0);
	ck_assert_ptr_nonnull(e);
	page_cache_release(e);
	ck_assert_ptr_null(page_cache_get(c, "k0", 1, 0));
	/* an answer bigger than an eighth of the budget isn't kept at all */
	static char huge[9000];
	memset(huge, 'y', sizeof huge - 1);
	struct resp h = make_resp(huge, "\"2\"");
	ck_assert(!page_cache_put(c, "huge", 1, 0, &h));
	ck_assert_ptr_null(page_cache_get(c, "huge", 1, 0));
	page_cache_free(c);
}
END_TEST

START_TEST(test_accept_kinds)
{
	ck_assert_int_eq(page_cache_accept_kind(NULL), 'h');
	ck_assert_int_eq(page_cache_accept_kind("*/*"), 'h');
	ck_assert_int_eq(page_cache_accept_kind("text/html,application/xhtml+xml,*/*;q=0.8"), 'h');
	ck_assert_int_eq(page_cache_accept_kind("application/json"), 'j');
	ck_assert_int_eq(page_cache_accept_kind("application/json, text/html"), 'h');
	ck_assert_int_eq(page_cache_accept_kind("application/activity+json"), 'A');
	ck_assert_int_eq(
	    page_cache_accept_kind(
		"application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\""),
	    'A');
	ck_assert_int_eq(page_cache_accept_kind("application/activity+json, text/html"), 'a');
	/* browsers' and peers' usual headers fall in a few kinds, whatever their order */
	ck_assert_int_eq(page_cache_accept_kind("text/html, application/json"),
			 page_cache_accept_kind("application/json;q=0.5, text/html"));
}
END_TEST

struct worker_arg {
	struct page_cache *c;
	int id;
};

static void *
worker(void *p)
{
	struct worker_arg *w = p;
	char key[32], body[64];
	for (int i = 0; i < 2000; i++) {
		snprintf(key, sizeof key, "k%d", (i * 7 + w->id) % 40);
		snprintf(body, sizeof body, "body of %s", key);
		if (i % 3 == 0) {
			struct resp r = make_resp(body, "\"t\"");
			page_cache_put(w->c, key, (uint64_t)(i / 500), i, &r);
		} else {
			const struct page_cache_entry *e =
			    page_cache_get(w->c, key, (uint64_t)(i / 500), i);
			if (e != NULL) {
				ck_assert_uint_eq(e->len, strlen(body));
				ck_assert_mem_eq(e->body, body, e->len);
				page_cache_release(e);
			}
		}
	}
	return NULL;
}

START_TEST(test_threads)
{
	struct page_cache *c = page_cache_new(16, 1 << 20, 1000000);
	pthread_t t[4];
	struct worker_arg args[4];
	for (int i = 0; i < 4; i++) {
		args[i] = (struct worker_arg){c, i};
		pthread_create(&t[i], NULL, worker, &args[i]);
	}
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	size_t n, bytes;
	page_cache_stats(c, &n, &bytes);
	ck_assert_uint_le(n, 16);
	page_cache_free(c);
}
END_TEST

/* A caller of page_cache_get_once on another thread: what it got. */
struct waiter {
	struct page_cache *c;
	const char *key;
	const struct page_cache_entry *got;
	bool render;
	pthread_t t;
};

static void *
wait_once(void *p)
{
	struct waiter *w = p;
	w->got = page_cache_get_once(w->c, w->key, 1, 5, &w->render);
	return NULL;
}

/* Starts a waiter for key and returns once it waits in the cache (no sleeping on a guess). */
static void
start_waiter(struct waiter *w, struct page_cache *c, const char *key)
{
	*w = (struct waiter){.c = c, .key = key, .render = true};
	size_t before = page_cache_waiting(c);
	pthread_create(&w->t, NULL, wait_once, w);
	while (page_cache_waiting(c) == before)
		sched_yield();
}

/* The ttl is a minute: a caller that waited where it must not would hang the test past its
 * 30 s timeout. */
START_TEST(test_one_rendering)
{
	struct page_cache *c = page_cache_new(16, 1 << 20, 60000);
	bool render = false;
	ck_assert_ptr_null(page_cache_get_once(c, "k", 1, 0, &render));
	ck_assert(render); /* the first to miss renders */
	struct waiter a, b;
	start_waiter(&a, c, "k");
	start_waiter(&b, c, "k");
	ck_assert_uint_eq(page_cache_waiting(c), 2);
	/* other keys and other generations don't wait for this rendering */
	ck_assert_ptr_null(page_cache_get_once(c, "other", 1, 0, &render));
	ck_assert(render);
	page_cache_abandon(c, "other", 1, 0, false);
	ck_assert_ptr_null(page_cache_get_once(c, "k", 2, 0, &render));
	ck_assert(render);
	page_cache_abandon(c, "k", 2, 0, false);
	ck_assert_uint_eq(page_cache_waiting(c), 2);
	/* stored after the waiters read their clock (5): still their page */
	struct resp r = make_resp("rendered once", "\"1\"");
	ck_assert(page_cache_put(c, "k", 1, 10, &r));
	pthread_join(a.t, NULL);
	pthread_join(b.t, NULL);
	ck_assert_ptr_nonnull(a.got);
	ck_assert_ptr_nonnull(b.got);
	ck_assert_mem_eq(a.got->body, "rendered once", a.got->len);
	ck_assert(!a.render && !b.render);
	page_cache_release(a.got);
	page_cache_release(b.got);
	page_cache_free(c);
}
END_TEST

START_TEST(test_unfit_answers_have_nobody_wait)
{
	struct page_cache *c = page_cache_new(16, 1 << 20, 60000);
	bool render = false;
	ck_assert_ptr_null(page_cache_get_once(c, "login", 1, 0, &render));
	ck_assert(render);
	struct waiter a;
	start_waiter(&a, c, "login");
	page_cache_abandon(c, "login", 1, 0, true); /* e.g. a private page */
	pthread_join(a.t, NULL);
	ck_assert_ptr_null(a.got);
	ck_assert(!a.render); /* it renders, for itself */
	/* from now on every caller renders at once, none waits */
	ck_assert_ptr_null(page_cache_get_once(c, "login", 1, 10, &render));
	ck_assert(!render);
	ck_assert_ptr_null(page_cache_get_once(c, "login", 1, 10, &render));
	ck_assert(!render);
	ck_assert_ptr_null(page_cache_get(c, "login", 1, 10)); /* a marker is no answer */
	/* until the ttl has passed or the generation moved */
	ck_assert_ptr_null(page_cache_get_once(c, "login", 2, 10, &render));
	ck_assert(render);
	/* an answer too large to keep counts as unfit too */
	char big[200000];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	struct resp r = make_resp(big, "\"b\"");
	ck_assert(!page_cache_put(c, "login", 2, 10, &r));
	ck_assert_ptr_null(page_cache_get_once(c, "login", 2, 20, &render));
	ck_assert(!render);
	ck_assert_ptr_null(page_cache_get_once(c, "login", 2, 60010, &render));
	ck_assert(render);
	page_cache_free(c);
}
END_TEST

START_TEST(test_abandoned_rendering)
{
	struct page_cache *c = page_cache_new(16, 1 << 20, 60000);
	bool render = false;
	ck_assert_ptr_null(page_cache_get_once(c, "k", 1, 0, &render));
	struct waiter a;
	start_waiter(&a, c, "k");
	/* the renderer stored nothing (a write while it ran): the waiter renders itself */
	page_cache_abandon(c, "k", 1, 0, false);
	pthread_join(a.t, NULL);
	ck_assert_ptr_null(a.got);
	ck_assert(!a.render);
	/* and nothing was remembered: the next caller renders for the others again */
	ck_assert_ptr_null(page_cache_get_once(c, "k", 1, 0, &render));
	ck_assert(render);
	/* an old copy past its ttl serves the others while one refreshes it: no waiting */
	struct resp r = make_resp("old", "\"o\"");
	ck_assert(page_cache_put(c, "k", 1, 0, &r));
	ck_assert_ptr_null(page_cache_get_once(c, "k", 1, 60000, &render));
	ck_assert(!render);
	const struct page_cache_entry *e = page_cache_get_once(c, "k", 1, 60001, &render);
	ck_assert_ptr_nonnull(e);
	page_cache_release(e);
	/* a refresh that failed leaves the old copy serving */
	page_cache_abandon(c, "k", 1, 60002, true);
	ck_assert_ptr_nonnull(e = page_cache_get(c, "k", 1, 60003));
	page_cache_release(e);
	page_cache_free(c);
}
END_TEST

/* Member pages: deps, token and until kept as copies; found by page_cache_peek whatever
 * the generation, never past the ttl (dropped then); dropped one by one or by prefix, while
 * a reference handed out stays readable. */
START_TEST(test_member_entries)
{
	struct page_cache *c = page_cache_new(16, 1 << 20, 2000);
	char deps[] = "7|{1,2}|{7}";
	char token[] = "m0.1,7.3|s1.90";
	struct resp r = make_resp("<p>home</p>", "\"h\"");
	ck_assert(page_cache_put_member(c, "~7.5~gh0 /home", 1000, &r, deps, token, 4000));
	ck_assert(page_cache_put_member(c, "~7.6~gh0 /home", 1000, &r, deps, token, 0));
	ck_assert(page_cache_put_member(c, "~77.5~gh0 /home", 1000, &r, deps, token, 0));
	deps[0] = 'X';
	token[0] = 'X';
	const struct page_cache_entry *e = page_cache_peek(c, "~7.5~gh0 /home", 2999);
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e->deps, "7|{1,2}|{7}");
	ck_assert_str_eq(e->token, "m0.1,7.3|s1.90");
	ck_assert_int_eq(e->until, 4000);
	ck_assert_mem_eq(e->body, "<p>home</p>", e->len);
	/* a visitor's entry is never a member's */
	ck_assert(page_cache_put(c, "gh01 /about", 1, 1000, &r));
	ck_assert_ptr_null(page_cache_peek(c, "gh01 /about", 1500));
	/* the ttl is a hard end: the entry is dropped, the reference stays readable */
	ck_assert_ptr_null(page_cache_peek(c, "~7.5~gh0 /home", 3000));
	ck_assert_str_eq(e->token, "m0.1,7.3|s1.90");
	page_cache_release(e);
	/* every page of account 7 (not of 77) */
	ck_assert_uint_eq(page_cache_drop_prefix(c, "~7."), 1);
	ck_assert_ptr_null(page_cache_peek(c, "~7.6~gh0 /home", 1500));
	e = page_cache_peek(c, "~77.5~gh0 /home", 1500);
	ck_assert_ptr_nonnull(e);
	page_cache_drop(c, "~77.5~gh0 /home");
	ck_assert_mem_eq(e->body, "<p>home</p>", e->len);
	page_cache_release(e);
	ck_assert_ptr_null(page_cache_peek(c, "~77.5~gh0 /home", 1500));
	size_t n, bytes;
	page_cache_stats(c, &n, &bytes);
	ck_assert_uint_eq(n, 0);
	page_cache_free(c);
}
END_TEST

/* A member-page caller on another thread: whether it should render after looking. */
struct member_waiter {
	struct page_cache *c;
	const char *key;
	bool render;
	pthread_t t;
};

static void *
member_wait(void *p)
{
	struct member_waiter *w = p;
	w->render = page_cache_member_render(w->c, w->key, true);
	return NULL;
}

static void
start_member_waiter(struct member_waiter *w, struct page_cache *c, const char *key)
{
	*w = (struct member_waiter){.c = c, .key = key, .render = true};
	size_t before = page_cache_waiting(c);
	pthread_create(&w->t, NULL, member_wait, w);
	while (page_cache_waiting(c) == before)
		sched_yield();
}

/* The requests of one session that miss together wait for one rendering of its page, then
 * look again (they check it themselves); the ttl is a minute, so a wait that must not happen
 * hangs the test past its timeout. */
START_TEST(test_member_one_rendering)
{
	struct page_cache *c = page_cache_new(16, 1 << 20, 60000);
	const char *key = "~7.5~gh0 /home";
	ck_assert(page_cache_member_render(c, key, true)); /* the first renders */
	struct member_waiter a, b;
	start_member_waiter(&a, c, key);
	start_member_waiter(&b, c, key);
	/* another session's page, and a caller that may not wait, don't wait */
	ck_assert(page_cache_member_render(c, "~7.6~gh0 /home", true));
	page_cache_abandon(c, "~7.6~gh0 /home", 0, 0, false);
	ck_assert(page_cache_member_render(c, key, false));
	ck_assert_uint_eq(page_cache_waiting(c), 2);
	struct resp r = make_resp("<p>home</p>", "\"h\"");
	ck_assert(page_cache_put_member(c, key, 10, &r, "7|{}|{7}", "m0.1", 0));
	pthread_join(a.t, NULL);
	pthread_join(b.t, NULL);
	ck_assert(!a.render && !b.render); /* they look again: the page is there */
	const struct page_cache_entry *e = page_cache_peek(c, key, 20);
	ck_assert_ptr_nonnull(e);
	page_cache_release(e);
	/* a rendering that keeps nothing ends all the same (the request's end abandons it) */
	ck_assert(page_cache_member_render(c, key, true));
	start_member_waiter(&a, c, key);
	page_cache_abandon(c, key, 0, 30, false);
	pthread_join(a.t, NULL);
	ck_assert(!a.render);
	ck_assert(page_cache_member_render(c, key, true)); /* nobody renders now */
	page_cache_abandon(c, key, 0, 40, false);
	page_cache_free(c);
}
END_TEST

START_TEST(test_free_null)
{
	page_cache_free(NULL);
	page_cache_release(NULL);
}
END_TEST

static Suite *
cache_suite(void)
{
	Suite *s = suite_create("cache");
	TCase *tc = tcase_create("cache");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_stale_by_generation);
	tcase_add_test(tc, test_stale_by_age);
	tcase_add_test(tc, test_replace);
	tcase_add_test(tc, test_lru_by_entries);
	tcase_add_test(tc, test_bytes_bound);
	tcase_add_test(tc, test_accept_kinds);
	tcase_add_test(tc, test_threads);
	tcase_add_test(tc, test_one_rendering);
	tcase_add_test(tc, test_unfit_answers_have_nobody_wait);
	tcase_add_test(tc, test_abandoned_rendering);
	tcase_add_test(tc, test_member_entries);
	tcase_add_test(tc, test_member_one_rendering);
	tcase_add_test(tc, test_free_null);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(cache_suite());
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
