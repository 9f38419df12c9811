/* test_router.c - route patterns, matching, precedence, 404 vs 405 and percent-decoding. */
#include "http/router.h"
#include "util/arena.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Distinct handlers, told apart by address. */
static int
h_home(struct req *req)
{
	(void)req;
	return 1;
}
static int
h_user(struct req *req)
{
	(void)req;
	return 2;
}
static int
h_user_new(struct req *req)
{
	(void)req;
	return 3;
}
static int
h_status(struct req *req)
{
	(void)req;
	return 4;
}
static int
h_post(struct req *req)
{
	(void)req;
	return 5;
}
static int
h_about(struct req *req)
{
	(void)req;
	return 6;
}
static int
h_delete(struct req *req)
{
	(void)req;
	return 7;
}

static struct router *router;
static struct arena *arena;

static void
setup(void)
{
	router = router_new();
	arena = arena_new();
	ck_assert_ptr_nonnull(router);
	ck_assert_int_eq(router_add(router, "GET", "/", h_home), 0);
	ck_assert_int_eq(router_add(router, "GET", "/about", h_about), 0);
	ck_assert_int_eq(router_add(router, "GET", "/users/:name", h_user), 0);
	ck_assert_int_eq(router_add(router, "GET", "/users/new", h_user_new), 0);
	ck_assert_int_eq(router_add(router, "GET", "/users/:name/statuses/:id", h_status), 0);
	ck_assert_int_eq(router_add(router, "POST", "/statuses", h_post), 0);
	ck_assert_int_eq(router_add(router, "GET", "/statuses", h_about), 0);
	ck_assert_int_eq(router_add(router, "DELETE", "/statuses/:id", h_delete), 0);
	ck_assert_int_eq(router_add(router, "POST", "/login", h_post), 0);
}

static void
teardown(void)
{
	router_free(router);
	arena_free(arena);
}

static enum route_result
match(const char *method, const char *path, struct route_match *m)
{
	return router_match(router, method, path, arena, m);
}

/* --- matching ----------------------------------------------------------------------------- */

START_TEST(test_prefix_capture)
{
	struct router *r = router_new();
	ck_assert_int_eq(router_add(r, "GET", "/@:name", h_user), 0);
	ck_assert_int_eq(router_add(r, "GET", "/@:name/:id", h_status), 0);
	ck_assert_int_eq(router_add(r, "GET", "/@:name/followers", h_about), 0);
	ck_assert_int_eq(router_add(r, "GET", "/a:b:c", h_home), -1);
	struct route_match m;
	ck_assert_int_eq(router_match(r, "GET", "/@rose", arena, &m), ROUTE_FOUND);
	ck_assert_ptr_eq(m.fn, h_user);
	ck_assert_str_eq(m.values[0], "rose");
	ck_assert_int_eq(router_match(r, "GET", "/@rose/123/", arena, &m), ROUTE_FOUND);
	ck_assert_ptr_eq(m.fn, h_status);
	ck_assert_str_eq(m.values[1], "123");
	ck_assert_int_eq(router_match(r, "GET", "/@rose/followers", arena, &m), ROUTE_FOUND);
	ck_assert_ptr_eq(m.fn, h_about);
	ck_assert_int_eq(router_match(r, "GET", "/@", arena, &m), ROUTE_NOT_FOUND);
	ck_assert_int_eq(router_match(r, "GET", "/rose", arena, &m), ROUTE_NOT_FOUND);
	ck_assert_int_eq(router_match(r, "GET", "/@%72ose", arena, &m), ROUTE_FOUND);
	ck_assert_str_eq(m.values[0], "rose");
	router_free(r);
}
END_TEST

START_TEST(test_literal_wins_by_position)
{
	/* /a/:x/:y has one literal, at position 0; /:p/b/c has two, later. The literal at the
	 * earliest differing position wins, whatever the order of registration. */
	struct router *r = router_new();
	ck_assert_int_eq(router_add(r, "GET", "/a/:x/:y", h_user), 0);
	ck_assert_int_eq(router_add(r, "GET", "/:p/b/c", h_status), 0);
	struct route_match m;
	ck_assert_int_eq(router_match(r, "GET", "/a/b/c", arena, &m), ROUTE_FOUND);
	ck_assert_ptr_eq(m.fn, h_user);
	ck_assert_str_eq(m.pattern, "/a/:x/:y");
	ck_assert_int_eq(router_match(r, "GET", "/z/b/c", arena, &m), ROUTE_FOUND);
	ck_assert_ptr_eq(m.fn, h_status);
	router_free(r);
}
END_TEST

START_TEST(test_literal)
{
	struct route_match m;
	ck_assert_int_eq(match("GET", "/", &m), ROUTE_FOUND);
	ck_assert_ptr_eq(m.fn, h_home);
	ck_assert_uint_eq(m.nparams, 0);
	ck_assert_int_eq(match("GET", "/about", &m), ROUTE_FOUND);
	ck_assert_ptr_eq(m.fn, h_about);
	ck_assert_uint_eq(m.nparams, 0);
	/* Literal segments compare exactly: no prefix, no case folding. */
	ck_assert_int_eq(match("GET", "/abou", &m), ROUTE_NOT_FOUND);
	ck_assert_int_eq(match("GET", "/aboutx", &m), ROUTE_NOT_FOUND);
	ck_assert_int_eq(match("GET", "/About", &m), ROUTE_NOT_FOUND);
	ck_assert_int_eq(match("GET", "/about/more", &m), ROUTE_NOT_FOUND);
	ck_assert_int_eq(match("GET", "about", &m), ROUTE_NOT_FOUND);
	ck_assert_int_eq(match("GET", "", &m), ROUTE_NOT_FOUND);
	ck_assert_ptr_null(m.fn);
}
END_TEST

START_TEST(test_captures)
{
	struct route_match m;
	ck_assert_int_eq(match("GET", "/users/ann/statuses/12345", &m), ROUTE_FOUND);
	ck_assert_ptr_eq(m.fn, h_status);
	ck_assert_uint_eq(m.nparams, 2);
	ck_assert_str_eq(m.names[0], "name");
	ck_assert_str_eq(m.values[0], "ann");
	ck_assert_str_eq(m.names[1], "id");
	ck_assert_str_eq(m.values[1], "12345");
	ck_assert_int_eq(match("GET", "/users/bob", &m), ROUTE_FOUND);
	ck_assert_ptr_eq(m.fn, h_user);
	ck_assert_uint_eq(m.nparams, 1);
	ck_assert_str_eq(m.names[0], "name");
	ck_assert_str_eq(m.values[0], "bob");
	/* A capture needs a segment. */
	ck_assert_int_eq(match("GET", "/users/ann/statuses", &m), ROUTE_NOT_FOUND);
	ck_assert_int_eq(match("GET", "/users/ann/statuses/", &m), ROUTE_NOT_FOUND);
}
END_TEST

START_TEST(test_slashes)
{
	struct route_match m;
	ck_assert_int_eq(match("GET", "/about/", &m), ROUTE_FOUND);
	ck_assert_ptr_eq(m.fn, h_about);
	ck_assert_int_eq(match("GET", "/users/ann/", &m), ROUTE_FOUND);
	ck_assert_str_eq(m.values[0], "ann");
	ck_assert_int_eq(match("GET", "//users//ann//statuses//7//", &m), ROUTE_FOUND);
	ck_assert_ptr_eq(m.fn, h_status);
	ck_assert_str_eq(m.values[0], "ann");
	ck_assert_str_eq(m.values[1], "7");
	ck_assert_int_eq(match("GET", "//", &m), ROUTE_FOUND);
	ck_assert_ptr_eq(m.fn, h_home);
}
END_TEST

START_TEST(test_not_found_vs_method)
{
	struct route_match m;
	ck_assert_int_eq(match("GET", "/nowhere", &m), ROUTE_NOT_FOUND);
	ck_assert_str_eq(m.allow, "");

	ck_assert_int_eq(match("POST", "/about", &m), ROUTE_METHOD_NOT_ALLOWED);
	ck_assert_ptr_null(m.fn);
	ck_assert_str_eq(m.allow, "GET, HEAD");

	ck_assert_int_eq(match("GET", "/login", &m), ROUTE_METHOD_NOT_ALLOWED);
	ck_assert_str_eq(m.allow, "POST");

	/* POST and GET registered on /statuses (in that order). */
	ck_assert_int_eq(match("PUT", "/statuses", &m), ROUTE_METHOD_NOT_ALLOWED);
	ck_assert_str_eq(m.allow, "POST, GET, HEAD");
	ck_assert_int_eq(match("POST", "/statuses", &m), ROUTE_FOUND);
	ck_assert_ptr_eq(m.fn, h_post);
	ck_assert_int_eq(match("GET", "/statuses", &m), ROUTE_FOUND);
	ck_assert_ptr_eq(m.fn, h_about);

	/* Capture routes count for 405 too. */
	ck_assert_int_eq(match("GET", "/statuses/5", &m), ROUTE_METHOD_NOT_ALLOWED);
	ck_assert_str_eq(m.allow, "DELETE");
	ck_assert_int_eq(match("DELETE", "/statuses/5", &m), ROUTE_FOUND);
	ck_assert_ptr_eq(m.fn, h_delete);
	ck_assert_str_eq(m.values[0], "5");
}
END_TEST

START_TEST(test_head)
{
	struct route_match m;
	ck_assert_int_eq(match("HEAD", "/about", &m), ROUTE_FOUND);
	ck_assert_ptr_eq(m.fn, h_about);
	ck_assert_int_eq(match("HEAD", "/users/x/statuses/1", &m), ROUTE_FOUND);
	ck_assert_ptr_eq(m.fn, h_status);
	/* HEAD only stands in for GET. */
	ck_assert_int_eq(match("HEAD", "/login", &m), ROUTE_METHOD_NOT_ALLOWED);
	ck_assert_str_eq(m.allow, "POST");
}
END_TEST

START_TEST(test_literal_beats_capture)
{
	struct route_match m;
	/* The capture route was registered first. */
	ck_assert_int_eq(match("GET", "/users/new", &m), ROUTE_FOUND);
	ck_assert_ptr_eq(m.fn, h_user_new);
	ck_assert_uint_eq(m.nparams, 0);
	ck_assert_int_eq(match("GET", "/users/newer", &m), ROUTE_FOUND);
	ck_assert_ptr_eq(m.fn, h_user);

	/* And the other way round. */
	struct router *r = router_new();
	ck_assert_int_eq(router_add(r, "GET", "/tags/popular", h_user_new), 0);
	ck_assert_int_eq(router_add(r, "GET", "/tags/:tag", h_user), 0);
	ck_assert_int_eq(router_match(r, "GET", "/tags/popular", arena, &m), ROUTE_FOUND);
	ck_assert_ptr_eq(m.fn, h_user_new);
	ck_assert_int_eq(router_match(r, "GET", "/tags/cats", arena, &m), ROUTE_FOUND);
	ck_assert_ptr_eq(m.fn, h_user);
	ck_assert_str_eq(m.values[0], "cats");
	router_free(r);
}
END_TEST

/* Two capture routes that both match: the first registered wins. */
START_TEST(test_registration_order)
{
	struct router *r = router_new();
	struct route_match m;
	ck_assert_int_eq(router_add(r, "GET", "/x/:a", h_user), 0);
	ck_assert_int_eq(router_add(r, "GET", "/x/:b", h_status), 0);
	ck_assert_int_eq(router_match(r, "GET", "/x/1", arena, &m), ROUTE_FOUND);
	ck_assert_ptr_eq(m.fn, h_user);
	ck_assert_str_eq(m.names[0], "a");
	router_free(r);
}
END_TEST

/* --- decoding ----------------------------------------------------------------------------- */

START_TEST(test_capture_decoding)
{
	struct route_match m;
	ck_assert_int_eq(match("GET", "/users/%41nn", &m), ROUTE_FOUND);
	ck_assert_str_eq(m.values[0], "Ann");
	ck_assert_int_eq(match("GET", "/users/a%20b%2b%e2%82%AC", &m), ROUTE_FOUND);
	ck_assert_str_eq(m.values[0], "a b+\xe2\x82\xac");
	/* '+' is not a space in a path. */
	ck_assert_int_eq(match("GET", "/users/a+b", &m), ROUTE_FOUND);
	ck_assert_str_eq(m.values[0], "a+b");
}
END_TEST

static const char *const bad_captures[] = {
    "/users/a%2Fb",
    "/users/a%2fb",
    "/users/%2F",
    "/users/a%00b",
    "/users/%00",
    "/users/%4",
    "/users/a%",
    "/users/%zz",
    "/users/%g1",
    "/users/%1g",
    "/users/%%41",
    "/users/ab%4",
    "/users/%2F/statuses/1",
};

START_TEST(test_bad_capture)
{
	struct route_match m;
	ck_assert_msg(match("GET", bad_captures[_i], &m) == ROUTE_NOT_FOUND, "%s",
		      bad_captures[_i]);
	ck_assert_ptr_null(m.fn);
}
END_TEST

START_TEST(test_decode)
{
	ck_assert_str_eq(router_decode(arena, "a+b%20c", 7, 1), "a b c");
	ck_assert_str_eq(router_decode(arena, "a+b%20c", 7, 0), "a+b c");
	ck_assert_str_eq(router_decode(arena, "%2B", 3, 1), "+");
	ck_assert_str_eq(router_decode(arena, "%41%42", 6, 0), "AB");
	ck_assert_str_eq(router_decode(arena, "%41%42", 3, 0), "A"); /* only n bytes */
	ck_assert_str_eq(router_decode(arena, "", 0, 0), "");
	ck_assert_str_eq(router_decode(arena, "%ff", 3, 0), "\xff");
	ck_assert_str_eq(router_decode(arena, "%2F", 3, 0), "/");
	ck_assert_ptr_null(router_decode(arena, "%41%4", 5, 0));
	ck_assert_ptr_null(router_decode(arena, "%41%42", 5, 0)); /* escape cut by n */
	ck_assert_ptr_null(router_decode(arena, "%", 1, 0));
	ck_assert_ptr_null(router_decode(arena, "%00", 3, 1));
	ck_assert_ptr_null(router_decode(arena, "%-1", 3, 1));
	ck_assert_ptr_null(router_decode(arena, "% 1", 3, 1));
}
END_TEST

/* --- registration ------------------------------------------------------------------------- */

START_TEST(test_bad_patterns)
{
	struct router *r = router_new();
	ck_assert_int_eq(router_add(r, "GET", "users", h_user), -1);
	ck_assert_int_eq(router_add(r, "GET", "", h_user), -1);
	ck_assert_int_eq(router_add(r, "GET", "/users/:", h_user), -1);
	ck_assert_int_eq(router_add(r, "GET", "/:/x", h_user), -1);
	ck_assert_int_eq(router_add(r, "TOOLONGMETHOD", "/x", h_user), -1);
	/* Nine captures is one too many. */
	ck_assert_int_eq(router_add(r, "GET", "/:a/:b/:c/:d/:e/:f/:g/:h/:i", h_user), -1);
	/* Seventeen segments is one too many. */
	ck_assert_int_eq(router_add(r, "GET", "/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q", h_user), -1);
	/* None of them was registered. */
	struct route_match m;
	ck_assert_int_eq(router_match(r, "GET", "/users", arena, &m), ROUTE_NOT_FOUND);
	ck_assert_int_eq(router_match(r, "GET", "/x", arena, &m), ROUTE_NOT_FOUND);
	ck_assert_int_eq(router_match(r, "GET", "/a/b/c/d/e/f/g/h/i", arena, &m), ROUTE_NOT_FOUND);
	/* The limits themselves are fine. */
	ck_assert_int_eq(router_add(r, "GET", "/:a/:b/:c/:d/:e/:f/:g/:h", h_user), 0);
	ck_assert_int_eq(router_add(r, "GET", "/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p", h_status), 0);
	ck_assert_int_eq(router_match(r, "GET", "/1/2/3/4/5/6/7/8", arena, &m), ROUTE_FOUND);
	ck_assert_uint_eq(m.nparams, 8);
	ck_assert_str_eq(m.names[7], "h");
	ck_assert_str_eq(m.values[7], "8");
	ck_assert_int_eq(router_match(r, "GET", "/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p", arena, &m),
			 ROUTE_FOUND);
	ck_assert_ptr_eq(m.fn, h_status);
	router_free(r);
}
END_TEST

START_TEST(test_too_many_segments)
{
	struct route_match m;
	char path[256] = "";
	for (int i = 0; i < 17; i++)
		strcat(path, "/users");
	ck_assert_int_eq(match("GET", path, &m), ROUTE_NOT_FOUND);
	char longpath[4096] = "";
	for (int i = 0; i < 500; i++)
		strcat(longpath, "/a");
	ck_assert_int_eq(match("GET", longpath, &m), ROUTE_NOT_FOUND);
}
END_TEST

/* Growing past the initial capacity keeps every earlier route. */
START_TEST(test_many_routes)
{
	struct router *r = router_new();
	char pat[32];
	for (int i = 0; i < 100; i++) {
		snprintf(pat, sizeof pat, "/r%d/:x", i);
		ck_assert_int_eq(
		    router_add(r, i % 2 ? "POST" : "GET", pat, i % 2 ? h_post : h_user), 0);
	}
	struct route_match m;
	ck_assert_int_eq(router_match(r, "GET", "/r0/a", arena, &m), ROUTE_FOUND);
	ck_assert_ptr_eq(m.fn, h_user);
	ck_assert_int_eq(router_match(r, "POST", "/r99/b", arena, &m), ROUTE_FOUND);
	ck_assert_ptr_eq(m.fn, h_post);
	ck_assert_str_eq(m.values[0], "b");
	ck_assert_int_eq(router_match(r, "GET", "/r99/b", arena, &m), ROUTE_METHOD_NOT_ALLOWED);
	ck_assert_int_eq(router_match(r, "GET", "/r100/b", arena, &m), ROUTE_NOT_FOUND);
	router_free(r);
	router_free(NULL);
}
END_TEST

static Suite *
router_suite(void)
{
	Suite *s = suite_create("router");
	TCase *tc = tcase_create("match");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_literal);
	tcase_add_test(tc, test_captures);
	tcase_add_test(tc, test_slashes);
	tcase_add_test(tc, test_not_found_vs_method);
	tcase_add_test(tc, test_head);
	tcase_add_test(tc, test_literal_beats_capture);
	tcase_add_test(tc, test_registration_order);
	tcase_add_test(tc, test_capture_decoding);
	tcase_add_loop_test(tc, test_bad_capture, 0,
			    (int)(sizeof bad_captures / sizeof bad_captures[0]));
	tcase_add_test(tc, test_decode);
	tcase_add_test(tc, test_bad_patterns);
	tcase_add_test(tc, test_too_many_segments);
	tcase_add_test(tc, test_many_routes);
	tcase_add_test(tc, test_literal_wins_by_position);
	tcase_add_test(tc, test_prefix_capture);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(router_suite());
	srunner_run_all(sr, CK_ENV);
	int failures = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failures ? 1 : 0;
}
