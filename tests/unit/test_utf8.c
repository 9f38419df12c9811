/* test_utf8.c - counting code points and refusing malformed UTF-8. */
#include <check.h>
#include <string.h>

#include "util/utf8.h"

START_TEST(counts_code_points)
{
	ck_assert_uint_eq(utf8_chars(""), 0);
	ck_assert_uint_eq(utf8_chars("abc"), 3);
	ck_assert_uint_eq(utf8_chars("性工作者"), 4);	    /* 3 bytes each */
	ck_assert_uint_eq(utf8_chars("\xF0\x9F\x8C\x82"), 1); /* U+1F302, 4 bytes */
}
END_TEST

static const char *const good[] = {
	"", "plain", "性工作是工作", "\xC2\xA0", "\xEF\xBF\xBD", "\xF4\x8F\xBF\xBF", "\xF0\x9F\x8C\x82",
};

static const char *const bad[] = {
	"\xC0\xAF",	    /* overlong '/' */
	"\xE0\x80\xAF",	    /* overlong, 3 bytes */
	"\xED\xA0\x80",	    /* a UTF-16 surrogate */
	"\xF4\x90\x80\x80", /* past U+10FFFF */
	"\xF5\x80\x80\x80", /* never a lead byte */
	"\x80",		    /* a lone continuation */
	"\xE6\x80",	    /* cut short */
	"a\xFFz",
};

START_TEST(accepts_well_formed)
{
	ck_assert_msg(utf8_valid(good[_i], strlen(good[_i])), "case %d", _i);
}
END_TEST

START_TEST(refuses_malformed)
{
	ck_assert_msg(!utf8_valid(bad[_i], strlen(bad[_i])), "case %d", _i);
}
END_TEST

START_TEST(refuses_nul)
{
	ck_assert(!utf8_valid("a\0b", 3));
	ck_assert(utf8_valid("a\0b", 1));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("utf8");
	TCase *tc = tcase_create("utf8");
	tcase_add_test(tc, counts_code_points);
	tcase_add_loop_test(tc, accepts_well_formed, 0, (int)(sizeof good / sizeof good[0]));
	tcase_add_loop_test(tc, refuses_malformed, 0, (int)(sizeof bad / sizeof bad[0]));
	tcase_add_test(tc, refuses_nul);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
