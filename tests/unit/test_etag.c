/* test_etag.c - entity tags from bodies, their gzip variants, and If-None-Match lists
 * compared weakly (RFC 9110 sections 8.8.3.2 and 13.1.2). */
#include <check.h>
#include <string.h>

#include "http/etag.h"

START_TEST(test_etag_of)
{
	char a[ETAG_MAX], b[ETAG_MAX], c[ETAG_MAX];
	etag_of("hello", 5, a);
	etag_of("hello", 5, b);
	etag_of("hellp", 5, c);
	ck_assert_str_eq(a, b);
	ck_assert_str_ne(a, c);
	ck_assert_uint_eq(strlen(a), 18);
	ck_assert_int_eq(a[0], '"');
	ck_assert_int_eq(a[17], '"');
	ck_assert_uint_eq(strspn(a + 1, "0123456789abcdef"), 16);
	etag_of("", 0, c);
	ck_assert_str_ne(a, c);
}
END_TEST

START_TEST(test_variant)
{
	char out[ETAG_MAX] = "untouched";
	ck_assert_int_eq(etag_variant("\"abc\"", "-gz", out), 0);
	ck_assert_str_eq(out, "\"abc-gz\"");
	strcpy(out, "untouched");
	ck_assert_int_eq(etag_variant("abc", "-gz", out), -1);
	ck_assert_int_eq(etag_variant("\"", "-gz", out), -1);
	ck_assert_int_eq(etag_variant("W/\"abc\"", "-gz", out), -1);
	char long_tag[ETAG_MAX + 8];
	memset(long_tag, 'x', sizeof long_tag);
	long_tag[0] = '"';
	long_tag[ETAG_MAX - 2] = '"';
	long_tag[ETAG_MAX - 1] = '\0';
	ck_assert_int_eq(etag_variant(long_tag, "-gz", out), -1);
	ck_assert_str_eq(out, "untouched");
}
END_TEST

START_TEST(test_none_match)
{
	const char *tag = "\"abc\"";
	ck_assert(etag_none_match("\"abc\"", tag));
	ck_assert(etag_none_match("W/\"abc\"", tag)); /* weak comparison */
	ck_assert(etag_none_match("\"abc\"", "W/\"abc\""));
	ck_assert(etag_none_match("\"x\", \"abc\"", tag));
	ck_assert(etag_none_match("\"x\",W/\"abc\" , \"y\"", tag));
	ck_assert(etag_none_match("*", tag));
	ck_assert(etag_none_match(" * ", tag));
	ck_assert(!etag_none_match(NULL, tag));
	ck_assert(!etag_none_match("", tag));
	ck_assert(!etag_none_match("\"abcd\"", tag));
	ck_assert(!etag_none_match("\"ab\"", tag));
	ck_assert(!etag_none_match("abc", tag));	/* unquoted */
	ck_assert(!etag_none_match("\"abc", tag));	/* unterminated */
	ck_assert(!etag_none_match("\"abc-gz\"", tag)); /* another variant */
	ck_assert(!etag_none_match("\"ABC\"", tag));	/* tags are case-sensitive */
	ck_assert(!etag_none_match("w/\"abc\"", tag));	/* "W/" is */
	ck_assert(!etag_none_match("*abc", tag));
	/* a comma inside a tag doesn't split it */
	ck_assert(etag_none_match("\"a,b\"", "\"a,b\""));
	ck_assert(!etag_none_match("\"a,b\"", "\"a\""));
	ck_assert(!etag_none_match("\"a,b\"", "\"b\""));
	/* after a malformed element, the next one still counts */
	ck_assert(etag_none_match("junk, \"abc\"", tag));
	ck_assert(!etag_none_match("\"abc\"", "abc")); /* our tag must be well-formed */
}
END_TEST

static Suite *
etag_suite(void)
{
	Suite *s = suite_create("etag");
	TCase *tc = tcase_create("etag");
	tcase_add_test(tc, test_etag_of);
	tcase_add_test(tc, test_variant);
	tcase_add_test(tc, test_none_match);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(etag_suite());
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
