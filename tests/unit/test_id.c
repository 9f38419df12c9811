/* test_id.c - parsing, formatting and the time part of the 64-bit ids. */
#include "util/id.h"

#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *text;
	int64_t value;
} good_ids[] = {
    {"0", 0},
    {"1", 1},
    {"007", 7},
    {"42", 42},
    {"65536", 65536},
    {"112233445566778899", 112233445566778899LL},
    {"1000000000000000000", 1000000000000000000LL},
    {"9223372036854775807", INT64_MAX},
    {"0000000000000000001", 1}, /* 19 digits */
};

START_TEST(test_parse_good)
{
	int64_t out = -5;
	ck_assert_msg(id_parse(good_ids[_i].text, &out) == 0, "%s", good_ids[_i].text);
	ck_assert_int_eq(out, good_ids[_i].value);
}
END_TEST

static const char *const bad_ids[] = {
    "",
    "-1",
    "+1",
    " 1",
    "1 ",
    "1a",
    "a1",
    "0x10",
    "1.0",
    "1e3",
    "12345678901234567890", /* 20 digits */
    "00000000000000000001", /* 20 digits, small value */
    "9223372036854775808",  /* INT64_MAX + 1 */
    "9999999999999999999",
    "18446744073709551615",
    "18446744073709551616", /* would wrap a uint64 */
    "\xd9\xa1",		    /* ARABIC-INDIC DIGIT ONE */
};

START_TEST(test_parse_bad)
{
	int64_t out = 123;
	ck_assert_msg(id_parse(bad_ids[_i], &out) == -1, "accepted '%s'", bad_ids[_i]);
	ck_assert_int_eq(out, 123); /* untouched on failure */
}
END_TEST

START_TEST(test_parse_null)
{
	int64_t out = 9;
	ck_assert_int_eq(id_parse(NULL, &out), -1);
	ck_assert_int_eq(out, 9);
}
END_TEST

START_TEST(test_format)
{
	char buf[ID_STRLEN];
	ck_assert_str_eq(id_format(0, buf), "0");
	ck_assert_ptr_eq(id_format(1, buf), buf);
	ck_assert_str_eq(buf, "1");
	ck_assert_str_eq(id_format(INT64_MAX, buf), "9223372036854775807");
	ck_assert_str_eq(id_format(INT64_MIN, buf), "-9223372036854775808"); /* fits ID_STRLEN */
	ck_assert_uint_eq(strlen(buf) + 1, ID_STRLEN);
}
END_TEST

START_TEST(test_roundtrip)
{
	char buf[ID_STRLEN];
	uint64_t x = 0x9E3779B97F4A7C15ULL;
	for (int i = 0; i < 2000; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		int64_t id = (int64_t)(x >> (i % 64 == 0 ? 1 : 1 + i % 63));
		int64_t back = -1;
		ck_assert_int_eq(id_parse(id_format(id, buf), &back), 0);
		ck_assert_int_eq(back, id);
	}
	int64_t back = -1;
	ck_assert_int_eq(id_parse(id_format(INT64_MAX, buf), &back), 0);
	ck_assert_int_eq(back, INT64_MAX);
}
END_TEST

START_TEST(test_time)
{
	int64_t ms = 1700000000123LL; /* November 2023 */
	int64_t id = id_from_time_ms(ms);
	ck_assert_int_eq(id, ms << 16);
	ck_assert_int_eq(id_time_ms(id), ms);
	/* The sequence bits do not change the time. */
	ck_assert_int_eq(id_time_ms(id | 0xFFFF), ms);
	ck_assert_int_eq(id_time_ms(id + 1), ms);
	/* The smallest id of a millisecond is above every id of the one before. */
	ck_assert_int_gt(id_from_time_ms(ms + 1), id | 0xFFFF);
	ck_assert_int_gt(id_from_time_ms(ms), id_from_time_ms(ms - 1));
	for (int64_t t = 0; t < 5000; t += 7)
		ck_assert_int_lt(id_from_time_ms(ms + t), id_from_time_ms(ms + t + 1));
	ck_assert_int_eq(id_time_ms(id_from_time_ms(0)), 0);
}
END_TEST

START_TEST(test_time_clamps)
{
	ck_assert_int_eq(id_from_time_ms(-5), 0);
	int64_t top = id_from_time_ms(INT64_MAX);
	ck_assert_int_ge(top, 0);
	ck_assert_int_eq(id_time_ms(top), INT64_MAX >> 16);
	ck_assert_int_eq(id_from_time_ms(INT64_MAX >> 16), top);
}
END_TEST

static Suite *
id_suite(void)
{
	Suite *s = suite_create("id");
	TCase *tc = tcase_create("id");
	tcase_add_loop_test(tc, test_parse_good, 0, (int)(sizeof good_ids / sizeof good_ids[0]));
	tcase_add_loop_test(tc, test_parse_bad, 0, (int)(sizeof bad_ids / sizeof bad_ids[0]));
	tcase_add_test(tc, test_parse_null);
	tcase_add_test(tc, test_format);
	tcase_add_test(tc, test_roundtrip);
	tcase_add_test(tc, test_time);
	tcase_add_test(tc, test_time_clamps);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(id_suite());
	srunner_run_all(sr, CK_ENV);
	int failures = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failures ? 1 : 0;
}
