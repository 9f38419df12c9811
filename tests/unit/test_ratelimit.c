/* test_ratelimit.c - the in-memory rate limiter: per-key limits, window expiry, reset,
 * eviction when the table is full, and counting under two threads. Time is a fake clock the
 * tests move by hand: nothing sleeps, nothing depends on how fast the machine is. */
#include <check.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "http/ratelimit.h"

/* The fake clock: milliseconds the test sets. Starts far from 0, as a monotonic clock does. */
static int64_t fake_now;

static int64_t
fake_clock(void *ctx)
{
	return *(int64_t *)ctx;
}

static const struct rl_clock clock_fake = {fake_clock, &fake_now};

static struct ratelimit *
limiter(size_t slots, int max, int window_s)
{
	fake_now = 987654321;
	return ratelimit_new(slots, max, window_s, &clock_fake);
}

START_TEST(test_limit_per_key)
{
	struct ratelimit *rl = limiter(64, 3, 60);
	ck_assert_ptr_nonnull(rl);
	for (int i = 0; i < 3; i++)
		ck_assert(ratelimit_hit(rl, "rose"));
	ck_assert(!ratelimit_hit(rl, "rose"));
	ck_assert(ratelimit_blocked(rl, "rose"));
	/* another key has its own allowance */
	ck_assert(!ratelimit_blocked(rl, "lily"));
	ck_assert(ratelimit_hit(rl, "lily"));
	ck_assert(!ratelimit_hit(rl, "rose"));
	ratelimit_free(rl);
}
END_TEST

START_TEST(test_blocked_does_not_count)
{
	struct ratelimit *rl = limiter(64, 2, 60);
	for (int i = 0; i < 10; i++)
		ck_assert(!ratelimit_blocked(rl, "rose"));
	ck_assert(ratelimit_hit(rl, "rose"));
	ck_assert(ratelimit_hit(rl, "rose"));
	ck_assert(ratelimit_blocked(rl, "rose"));
	ratelimit_free(rl);
}
END_TEST

START_TEST(test_window_expiry)
{
	/* A window is exactly window_s seconds from the key's first event, to the millisecond. */
	struct ratelimit *rl = limiter(64, 2, 1);
	ck_assert(ratelimit_hit(rl, "rose"));
	fake_now += 400;
	ck_assert(ratelimit_hit(rl, "rose"));
	ck_assert(!ratelimit_hit(rl, "rose"));
	ck_assert_int_eq(ratelimit_wait_ms(rl, "rose"), 600);
	fake_now += 599; /* 999 ms after the first event: still blocked */
	ck_assert(ratelimit_blocked(rl, "rose"));
	ck_assert(!ratelimit_hit(rl, "rose"));
	ck_assert_int_eq(ratelimit_wait_ms(rl, "rose"), 1);
	fake_now += 1; /* 1,000 ms: a new window */
	ck_assert(!ratelimit_blocked(rl, "rose"));
	ck_assert_int_eq(ratelimit_wait_ms(rl, "rose"), 0);
	ck_assert(ratelimit_hit(rl, "rose"));
	ck_assert(ratelimit_hit(rl, "rose"));
	ck_assert(!ratelimit_hit(rl, "rose"));
	ratelimit_free(rl);
}
END_TEST

START_TEST(test_window_per_key)
{
	/* Each key's window starts at its own first event, not at a shared second boundary. */
	struct ratelimit *rl = limiter(64, 1, 60);
	ck_assert(ratelimit_hit(rl, "rose"));
	fake_now += 30000;
	ck_assert(ratelimit_hit(rl, "lily"));
	fake_now += 30000; /* rose's window is over, lily's half-way */
	ck_assert(ratelimit_hit(rl, "rose"));
	ck_assert(!ratelimit_hit(rl, "lily"));
	ck_assert_int_eq(ratelimit_wait_ms(rl, "lily"), 30000);
	ratelimit_free(rl);
}
END_TEST

START_TEST(test_expired_slot_is_reused)
{
	/* A full table gives a key whose window is over to a new key before a live one. */
	struct ratelimit *rl = limiter(2, 1, 10);
	ck_assert(ratelimit_hit(rl, "a"));
	fake_now += 6000;
	ck_assert(ratelimit_hit(rl, "b"));
	fake_now += 5000; /* a's window is over, b's is not */
	ck_assert(ratelimit_hit(rl, "c"));
	ck_assert(!ratelimit_hit(rl, "b"));
	ck_assert(!ratelimit_hit(rl, "c"));
	ratelimit_free(rl);
}
END_TEST

START_TEST(test_monotonic_clock)
{
	/* Without a clock of its own a limiter reads CLOCK_MONOTONIC. */
	int64_t a = ratelimit_monotonic(NULL), b = ratelimit_monotonic(NULL);
	ck_assert(a > 0 && b >= a);
	struct ratelimit *rl = ratelimit_new(8, 1, 3600, NULL);
	ck_assert(ratelimit_hit(rl, "rose"));
	ck_assert(!ratelimit_hit(rl, "rose"));
	int64_t w = ratelimit_wait_ms(rl, "rose");
	ck_assert(w > 0 && w <= 3600 * 1000);
	ratelimit_free(rl);
}
END_TEST

START_TEST(test_reset)
{
	struct ratelimit *rl = limiter(64, 1, 60);
	ck_assert(ratelimit_hit(rl, "rose"));
	ck_assert(ratelimit_hit(rl, "lily"));
	ck_assert(ratelimit_blocked(rl, "rose"));
	ratelimit_reset(rl, "rose");
	ck_assert(!ratelimit_blocked(rl, "rose"));
	ck_assert(ratelimit_hit(rl, "rose"));
	/* only that key */
	ck_assert(ratelimit_blocked(rl, "lily"));
	/* resetting an unknown key is harmless */
	ratelimit_reset(rl, "nobody");
	ck_assert(ratelimit_blocked(rl, "rose"));
	ratelimit_free(rl);
}
END_TEST

START_TEST(test_eviction_when_full)
{
	/* Two slots, three keys: the third never finds the table closed to it, and one of the
	 * first two loses its count to make room. */
	struct ratelimit *rl = limiter(2, 1, 60);
	ck_assert(ratelimit_hit(rl, "a"));
	ck_assert(ratelimit_hit(rl, "b"));
	ck_assert(ratelimit_blocked(rl, "a") || ratelimit_blocked(rl, "b"));
	ck_assert(ratelimit_hit(rl, "c"));
	ck_assert(!ratelimit_hit(rl, "c"));
	ck_assert(ratelimit_hit(rl, "a") || ratelimit_hit(rl, "b"));
	ratelimit_free(rl);
}
END_TEST

START_TEST(test_many_keys_one_slot_each)
{
	/* Filling a table far beyond its size keeps working and keeps limiting the newest key. */
	struct ratelimit *rl = limiter(16, 1, 60);
	char key[32];
	for (int i = 0; i < 1000; i++) {
		snprintf(key, sizeof key, "client-%d", i);
		ck_assert(ratelimit_hit(rl, key));
		ck_assert(!ratelimit_hit(rl, key));
	}
	ratelimit_free(rl);
}
END_TEST

#define THREAD_HITS 200000
#define THREAD_MAX 250000

struct worker {
	struct ratelimit *rl;
	int allowed;
};

static void *
hammer(void *arg)
{
	struct worker *w = arg;
	for (int i = 0; i < THREAD_HITS; i++)
		if (ratelimit_hit(w->rl, "shared"))
			w->allowed++;
	return NULL;
}

START_TEST(test_two_threads)
{
	/* 400,000 attempts on one key allowing 250,000: exactly 250,000 pass, however the two
	 * threads interleave (a lost update would let more through). */
	struct ratelimit *rl = limiter(64, THREAD_MAX, 3600);
	struct worker w[2] = {{rl, 0}, {rl, 0}};
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, hammer, &w[i]), 0);
	for (int i = 0; i < 2; i++)
		ck_assert_int_eq(pthread_join(t[i], NULL), 0);
	ck_assert_int_eq(w[0].allowed + w[1].allowed, THREAD_MAX);
	ck_assert(ratelimit_blocked(rl, "shared"));
	ratelimit_free(rl);
}
END_TEST

START_TEST(test_free_null)
{
	ratelimit_free(NULL);
}
END_TEST

START_TEST(test_forgive)
{
	/* one event taken back frees one place; never below zero; not another key's */
	struct ratelimit *rl = limiter(64, 2, 60);
	ck_assert(ratelimit_hit(rl, "rose"));
	ck_assert(ratelimit_hit(rl, "rose"));
	ck_assert(ratelimit_blocked(rl, "rose"));
	ratelimit_forgive(rl, "rose");
	ck_assert(!ratelimit_blocked(rl, "rose"));
	ck_assert(ratelimit_hit(rl, "rose"));
	ck_assert(!ratelimit_hit(rl, "rose"));
	ratelimit_forgive(rl, "lily"); /* unknown: nothing */
	ck_assert(ratelimit_blocked(rl, "rose"));
	ck_assert(ratelimit_hit(rl, "lily"));
	ratelimit_forgive(rl, "lily");
	ratelimit_forgive(rl, "lily");
	ck_assert(ratelimit_hit(rl, "lily"));
	ck_assert(ratelimit_hit(rl, "lily"));
	ck_assert(!ratelimit_hit(rl, "lily"));
	ratelimit_free(rl);
}
END_TEST

START_TEST(test_take_says_what_is_left)
{
	/* what the API's X-RateLimit headers show: the events left after this one and the time
	 * until the window ends, which starts at the key's first event */
	struct ratelimit *rl = limiter(64, 3, 10);
	int left = -1;
	int64_t reset = -1;
	ck_assert_int_eq(ratelimit_max(rl), 3);
	ck_assert(ratelimit_take(rl, "rose", &left, &reset));
	ck_assert_int_eq(left, 2);
	ck_assert_int_eq(reset, 10000);
	fake_now += 4000;
	ck_assert(ratelimit_take(rl, "rose", &left, &reset));
	ck_assert_int_eq(left, 1);
	ck_assert_int_eq(reset, 6000);
	ck_assert(ratelimit_take(rl, "rose", &left, &reset));
	ck_assert_int_eq(left, 0);
	ck_assert(!ratelimit_take(rl, "rose", &left, &reset)); /* refused, not counted */
	ck_assert_int_eq(left, 0);
	ck_assert_int_eq(reset, 6000);
	ck_assert(ratelimit_take(rl, "lily", &left, &reset)); /* another key: its own window */
	ck_assert_int_eq(left, 2);
	fake_now += 6000; /* rose's window is over */
	ck_assert(ratelimit_take(rl, "rose", &left, &reset));
	ck_assert_int_eq(left, 2);
	ck_assert_int_eq(reset, 10000);
	ratelimit_free(rl);
}
END_TEST

static Suite *
ratelimit_suite(void)
{
	Suite *s = suite_create("ratelimit");
	TCase *tc = tcase_create("ratelimit");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_limit_per_key);
	tcase_add_test(tc, test_blocked_does_not_count);
	tcase_add_test(tc, test_window_expiry);
	tcase_add_test(tc, test_window_per_key);
	tcase_add_test(tc, test_expired_slot_is_reused);
	tcase_add_test(tc, test_monotonic_clock);
	tcase_add_test(tc, test_reset);
	tcase_add_test(tc, test_eviction_when_full);
	tcase_add_test(tc, test_many_keys_one_slot_each);
	tcase_add_test(tc, test_two_threads);
	tcase_add_test(tc, test_free_null);
	tcase_add_test(tc, test_forgive);
	tcase_add_test(tc, test_take_says_what_is_left);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(ratelimit_suite());
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
