/* test_timefmt.c - times as pages show them: parsing, the relative form within a day at an
 * injected "now" (no test reads the clock), and the absolute form at an offset. */
#include <check.h>
#include <stdint.h>

#include "util/timefmt.h"

/* 2026-12-05T12:00:00Z */
#define NOON 1796472000

START_TEST(parses_iso_and_minutes)
{
	int64_t t;
	ck_assert_int_eq(timefmt_parse("2026-12-05T12:00:00Z", &t), 0);
	ck_assert_int_eq(t, NOON);
	ck_assert_int_eq(timefmt_parse("2026-12-05 12:00", &t), 0);
	ck_assert_int_eq(t, NOON);
	ck_assert_int_eq(timefmt_parse("1970-01-01T00:00:00Z", &t), 0);
	ck_assert_int_eq(t, 0);
}
END_TEST

static const char *const bad[] = {
    "", "2026-12-05", "2026-12-05T12:00:00", "2026-13-05T12:00:00Z", "2026-12-05T24:00:00Z",
    "2026-12-05T12:60:00Z", "2026/12/05T12:00:00Z", "2026-12-05T12:00:00+01:00",
    "2026-12-0xT12:00:00Z", "2026-12-05X12:00:00Z",
};

START_TEST(refuses_other_shapes)
{
	int64_t t = 42;
	ck_assert_msg(timefmt_parse(bad[_i], &t) == -1, "case %d", _i);
	ck_assert_int_eq(timefmt_parse(NULL, &t), -1);
}
END_TEST

START_TEST(relative_within_a_day)
{
	int n;
	ck_assert_int_eq(timefmt_relative(NOON, NOON, &n), TIMEFMT_JUST_NOW);
	ck_assert_int_eq(timefmt_relative(NOON - 59, NOON, &n), TIMEFMT_JUST_NOW);
	ck_assert_int_eq(timefmt_relative(NOON - 60, NOON, &n), TIMEFMT_MINUTES);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(timefmt_relative(NOON - 3599, NOON, &n), TIMEFMT_MINUTES);
	ck_assert_int_eq(n, 59);
	ck_assert_int_eq(timefmt_relative(NOON - 3600, NOON, &n), TIMEFMT_HOURS);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(timefmt_relative(NOON - 86399, NOON, &n), TIMEFMT_HOURS);
	ck_assert_int_eq(n, 23);
	/* a day or more ago, and anything in the future (a suspension's end), is a date */
	ck_assert_int_eq(timefmt_relative(NOON - 86400, NOON, &n), TIMEFMT_ABSOLUTE);
	ck_assert_int_eq(timefmt_relative(NOON + 1, NOON, &n), TIMEFMT_ABSOLUTE);
}
END_TEST

START_TEST(absolute_at_offsets)
{
	char out[TIMEFMT_ABS_LEN];
	timefmt_absolute(NOON, 0, out);
	ck_assert_str_eq(out, "2026-12-05 12:00");
	timefmt_absolute(NOON, 8 * 3600, out); /* Asia/Shanghai */
	ck_assert_str_eq(out, "2026-12-05 20:00");
	timefmt_absolute(NOON, -13 * 3600, out); /* the day before */
	ck_assert_str_eq(out, "2026-12-04 23:00");
	timefmt_absolute(NOON, 5 * 3600 + 45 * 60, out); /* Asia/Kathmandu */
	ck_assert_str_eq(out, "2026-12-05 17:45");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("timefmt");
	TCase *tc = tcase_create("timefmt");
	tcase_add_test(tc, parses_iso_and_minutes);
	tcase_add_loop_test(tc, refuses_other_shapes, 0, (int)(sizeof bad / sizeof bad[0]));
	tcase_add_test(tc, relative_within_a_day);
	tcase_add_test(tc, absolute_at_offsets);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
