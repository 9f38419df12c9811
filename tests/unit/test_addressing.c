/* test_addressing.c - how each visibility is addressed in ActivityPub (PROTOCOL.md 4.4):
 * public to Public with followers in cc, unlisted the other way round, followers-only to the
 * followers collection alone, direct (and members-only, which is never sent) to nobody but
 * the mentioned accounts the caller adds. */
#include <check.h>
#include <jansson.h>
#include <string.h>

#include "ap/ap.h"
#include "ap/outbound.h"
#include "db/model.h"
#include "util/arena.h"

#define FOLLOWERS "https://node.example/users/rose/followers"

static int
has(const json_t *list, const char *s)
{
	size_t i;
	json_t *v;
	json_array_foreach(list, i, v)
	{
		if (json_is_string(v) && strcmp(json_string_value(v), s) == 0)
			return 1;
	}
	return 0;
}

static void
addressing(int vis, json_t **to, json_t **cc, struct arena **a)
{
	ap_init("https://node.example", false);
	*a = arena_new();
	ap_addressing(*a, "rose", vis, to, cc);
}

START_TEST(test_public)
{
	struct arena *a;
	json_t *to, *cc;
	addressing(VIS_PUBLIC, &to, &cc, &a);
	ck_assert(has(to, AP_PUBLIC) && json_array_size(to) == 1);
	ck_assert(has(cc, FOLLOWERS) && !has(cc, AP_PUBLIC));
	json_decref(to);
	json_decref(cc);
	arena_free(a);
}
END_TEST

START_TEST(test_unlisted)
{
	struct arena *a;
	json_t *to, *cc;
	addressing(VIS_UNLISTED, &to, &cc, &a);
	ck_assert(has(to, FOLLOWERS) && !has(to, AP_PUBLIC));
	ck_assert(has(cc, AP_PUBLIC));
	json_decref(to);
	json_decref(cc);
	arena_free(a);
}
END_TEST

START_TEST(test_followers_only)
{
	struct arena *a;
	json_t *to, *cc;
	addressing(VIS_PRIVATE, &to, &cc, &a);
	ck_assert(has(to, FOLLOWERS) && json_array_size(to) == 1);
	ck_assert_uint_eq(json_array_size(cc), 0);
	json_decref(to);
	json_decref(cc);
	arena_free(a);
}
END_TEST

START_TEST(test_direct_and_members)
{
	int vis[] = {VIS_DIRECT, VIS_MEMBERS};
	for (size_t i = 0; i < 2; i++) {
		struct arena *a;
		json_t *to, *cc;
		addressing(vis[i], &to, &cc, &a);
		/* Neither the public nor the followers: only mentions, added by the caller. */
		ck_assert_uint_eq(json_array_size(to), 0);
		ck_assert_uint_eq(json_array_size(cc), 0);
		json_decref(to);
		json_decref(cc);
		arena_free(a);
	}
}
END_TEST

START_TEST(test_absolute_links)
{
	struct arena *a = arena_new();
	ap_init("https://node.example", false);
	ck_assert_str_eq(ap_absolute_links(a, "https://node.example",
					   "<a href=\"/tags/x\">#x</a> <a href=\"https://o.example/\">o</a>"),
			 "<a href=\"https://node.example/tags/x\">#x</a> "
			 "<a href=\"https://o.example/\">o</a>");
	arena_free(a);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("addressing");
	TCase *tc = tcase_create("addressing");
	tcase_add_test(tc, test_public);
	tcase_add_test(tc, test_unlisted);
	tcase_add_test(tc, test_followers_only);
	tcase_add_test(tc, test_direct_and_members);
	tcase_add_test(tc, test_absolute_links);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
