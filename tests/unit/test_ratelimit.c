/* test_ratelimit.c - the in-memory rate limiter: per-key limits, window expiry, reset,
 * eviction when the table is full, and counting under two threads. */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

#include "http/ratelimit.h"

START_TEST(test_limit_per_key)
{
	struct ratelimit *rl = ratelimit_new(64, 3, 60);
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
	struct ratelimit *rl = ratelimit_new(64, 2, 60);
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
	struct ratelimit *rl = ratelimit_new(64, 2, 1);
	ck_assert(ratelimit_hit(rl, "rose"));
	ck_assert(ratelimit_hit(rl, "rose"));
	ck_assert(!ratelimit_hit(rl, "rose"));
	/* the window is counted in whole seconds: after a little over one, it has passed */
	usleep(1100 * 1000);
	ck_assert(!ratelimit_blocked(rl, "rose"));
	ck_assert(ratelimit_hit(rl, "rose"));
	ck_assert(ratelimit_hit(rl, "rose"));
	ck_assert(!ratelimit_hit(rl, "rose"));
	ratelimit_free(rl);
}
END_TEST

START_TEST(test_reset)
{
	struct ratelimit *rl = ratelimit_new(64, 1, 60);
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
	struct ratelimit *rl = ratelimit_new(2, 1, 60);
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
	struct ratelimit *rl = ratelimit_new(16, 1, 60);
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
	struct ratelimit *rl = ratelimit_new(64, THREAD_MAX, 3600);
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

static Suite *
ratelimit_suite(void)
{
	Suite *s = suite_create("ratelimit");
	TCase *tc = tcase_create("ratelimit");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_limit_per_key);
	tcase_add_test(tc, test_blocked_does_not_count);
	tcase_add_test(tc, test_window_expiry);
	tcase_add_test(tc, test_reset);
	tcase_add_test(tc, test_eviction_when_full);
	tcase_add_test(tc, test_many_keys_one_slot_each);
	tcase_add_test(tc, test_two_threads);
	tcase_add_test(tc, test_free_null);
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
