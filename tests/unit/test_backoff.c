/* test_backoff.c - progressive delays: free failures, doubling waits up to the cap, one
 * attempt always heard once the wait is over, reset, forgetting, a full table. A fake clock
 * moved by hand: nothing sleeps. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>

#include "http/backoff.h"

static int64_t fake_now;

static int64_t
fake_clock(void *ctx)
{
	return *(int64_t *)ctx;
}

static const struct rl_clock clock_fake = {fake_clock, &fake_now};

static struct backoff *
table(size_t slots)
{
	struct backoff_rule rule = {.free_failures = 3, .base_ms = 1000, .max_ms = 60000,
				    .forget_ms = 900000};
	fake_now = 5000000;
	return backoff_new(slots, &rule, &clock_fake);
}

START_TEST(test_free_then_doubling)
{
	struct backoff *b = table(64);
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(backoff_wait_ms(b, "rose"), 0);
		ck_assert_int_eq(backoff_failure(b, "rose"), 0);
	}
	int64_t want[] = {1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		ck_assert_int_eq(backoff_failure(b, "rose"), want[i]);
		ck_assert_int_eq(backoff_wait_ms(b, "rose"), want[i]);
		fake_now += want[i] - 1; /* a millisecond early: still waiting */
		ck_assert_int_eq(backoff_wait_ms(b, "rose"), 1);
		fake_now += 1; /* the wait is over: the next attempt is heard */
		ck_assert_int_eq(backoff_wait_ms(b, "rose"), 0);
	}
	/* another key never waited */
	ck_assert_int_eq(backoff_wait_ms(b, "lily"), 0);
	backoff_free(b);
}
END_TEST

START_TEST(test_never_locked)
{
	/* However many failures, the wait never passes the cap. */
	struct backoff *b = table(64);
	for (int i = 0; i < 10000; i++) {
		int64_t w = backoff_failure(b, "rose");
		ck_assert(w <= 60000);
		fake_now += w;
		ck_assert_int_eq(backoff_wait_ms(b, "rose"), 0);
	}
	backoff_free(b);
}
END_TEST

START_TEST(test_reset)
{
	struct backoff *b = table(64);
	for (int i = 0; i < 6; i++)
		backoff_failure(b, "rose");
	ck_assert(backoff_wait_ms(b, "rose") > 0);
	backoff_reset(b, "rose");
	ck_assert_int_eq(backoff_wait_ms(b, "rose"), 0);
	/* the count starts again: three free failures */
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(backoff_failure(b, "rose"), 0);
	ck_assert_int_eq(backoff_failure(b, "rose"), 1000);
	backoff_reset(b, "nobody");
	backoff_free(b);
}
END_TEST

START_TEST(test_forget)
{
	/* A quarter of an hour without failures: the count starts again. */
	struct backoff *b = table(64);
	for (int i = 0; i < 5; i++)
		backoff_failure(b, "rose");
	fake_now += 900000 - 1;
	ck_assert_int_eq(backoff_failure(b, "rose"), 4000);
	fake_now += 900000;
	ck_assert_int_eq(backoff_wait_ms(b, "rose"), 0);
	ck_assert_int_eq(backoff_failure(b, "rose"), 0);
	backoff_free(b);
}
END_TEST

START_TEST(test_full_table)
{
	/* A table far too small keeps working: the newest key is always tracked. */
	struct backoff *b = table(4);
	char key[32];
	for (int i = 0; i < 1000; i++) {
		snprintf(key, sizeof key, "account-%d", i);
		for (int j = 0; j < 3; j++)
			backoff_failure(b, key);
		ck_assert_int_eq(backoff_failure(b, key), 1000);
		ck_assert_int_eq(backoff_wait_ms(b, key), 1000);
		fake_now += 1;
	}
	backoff_free(b);
}
END_TEST

START_TEST(test_monotonic_default)
{
	struct backoff_rule rule = {.free_failures = 0, .base_ms = 3600000, .max_ms = 3600000,
				    .forget_ms = 3600000};
	struct backoff *b = backoff_new(8, &rule, NULL);
	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(backoff_failure(b, "rose"), 3600000);
	int64_t w = backoff_wait_ms(b, "rose");
	ck_assert(w > 0 && w <= 3600000);
	backoff_free(b);
	backoff_free(NULL);
}
END_TEST

static Suite *
backoff_suite(void)
{
	Suite *s = suite_create("backoff");
	TCase *tc = tcase_create("backoff");
	tcase_add_test(tc, test_free_then_doubling);
	tcase_add_test(tc, test_never_locked);
	tcase_add_test(tc, test_reset);
	tcase_add_test(tc, test_forget);
	tcase_add_test(tc, test_full_table);
	tcase_add_test(tc, test_monotonic_default);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(backoff_suite());
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
