/* test_keyfetch.c - the key fetcher of ap/keyfetch.c with a fake fetch and an injected
 * clock: one fetch per key at a time, the negative cache, at most one refetch per key per
 * interval, the cap on concurrent fetches, and requests that don't wait past wait_ms or when
 * enough others wait. */
#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ap/keyfetch.h"

static atomic_llong fake_now; /* ms */
static atomic_int calls, running, max_running;
static atomic_bool fail, hold, hold_slow; /* hold_slow: only slow.example's key server hangs */

static int64_t
fake_clock(void)
{
	return atomic_load(&fake_now);
}

static int
fake_fetch(const char *key_id, bool refresh)
{
	(void)refresh;
	atomic_fetch_add(&calls, 1);
	int now = atomic_fetch_add(&running, 1) + 1;
	int seen = atomic_load(&max_running);
	while (now > seen && !atomic_compare_exchange_weak(&max_running, &seen, now))
		;
	while (atomic_load(&hold) || (atomic_load(&hold_slow) && strstr(key_id, "slow.example")))
		usleep(1000);
	atomic_fetch_sub(&running, 1);
	return atomic_load(&fail) ? -1 : 0;
}

static void
start(int threads, int wait_ms, int max_waiters)
{
	atomic_store(&fake_now, 1000000);
	atomic_store(&calls, 0);
	atomic_store(&running, 0);
	atomic_store(&max_running, 0);
	atomic_store(&fail, false);
	atomic_store(&hold, false);
	atomic_store(&hold_slow, false);
	struct keyfetch_options o = {.threads = threads,
				     .wait_ms = wait_ms,
				     .max_waiters = max_waiters,
				     .interval_ms = 60 * 1000,
				     .slots = 64,
				     .fetch = fake_fetch,
				     .clock = fake_clock};
	ck_assert_int_eq(keyfetch_start(&o), 0);
}

START_TEST(test_fetched_then_ready)
{
	start(2, 5000, 2);
	ck_assert_int_eq(keyfetch_request("https://peer/users/a#main-key", false), KEYFETCH_READY);
	ck_assert_int_eq(atomic_load(&calls), 1);
	keyfetch_stop();
}
END_TEST

START_TEST(test_negative_cache)
{
	start(2, 5000, 2);
	atomic_store(&fail, true);
	const char *k = "https://peer/users/gone#main-key";
	ck_assert_int_eq(keyfetch_request(k, false), KEYFETCH_REFUSED);
	ck_assert_int_eq(atomic_load(&calls), 1);
	/* within the minute: refused without asking the peer again */
	atomic_fetch_add(&fake_now, 59 * 1000);
	ck_assert_int_eq(keyfetch_request(k, false), KEYFETCH_REFUSED);
	ck_assert_int_eq(atomic_load(&calls), 1);
	/* a minute later it is tried again */
	atomic_store(&fail, false);
	atomic_fetch_add(&fake_now, 1000);
	ck_assert_int_eq(keyfetch_request(k, false), KEYFETCH_READY);
	ck_assert_int_eq(atomic_load(&calls), 2);
	keyfetch_stop();
}
END_TEST

START_TEST(test_one_refetch_per_minute)
{
	start(2, 5000, 2);
	const char *k = "https://peer/users/b#main-key";
	ck_assert_int_eq(keyfetch_request(k, false), KEYFETCH_READY); /* first fetch */
	ck_assert_int_eq(keyfetch_request(k, true), KEYFETCH_READY);  /* a refetch */
	ck_assert_int_eq(atomic_load(&calls), 2);
	atomic_fetch_add(&fake_now, 30 * 1000);
	ck_assert_int_eq(keyfetch_request(k, true), KEYFETCH_REFUSED); /* again, too soon */
	ck_assert_int_eq(atomic_load(&calls), 2);
	atomic_fetch_add(&fake_now, 30 * 1000);
	ck_assert_int_eq(keyfetch_request(k, true), KEYFETCH_READY);
	ck_assert_int_eq(atomic_load(&calls), 3);
	/* another key has its own minute */
	ck_assert_int_eq(keyfetch_request("https://peer/users/c#main-key", true), KEYFETCH_READY);
	keyfetch_stop();
}
END_TEST

START_TEST(test_concurrency_cap_and_no_wait)
{
	/* wait_ms 0: requests never wait; the peer hangs until released */
	start(2, 0, 2);
	atomic_store(&hold, true);
	char key[64];
	for (int i = 0; i < 6; i++) {
		/* six peers (one peer's keys are capped per domain, tested below) */
		snprintf(key, sizeof key, "https://slow%d/users/%d#main-key", i, i);
		ck_assert_int_eq(keyfetch_request(key, false), KEYFETCH_PENDING);
	}
	/* the same key asked again while queued or running: no second fetch */
	ck_assert_int_eq(keyfetch_request("https://slow0/users/0#main-key", false), KEYFETCH_PENDING);
	for (int i = 0; i < 2000 && atomic_load(&running) < 2; i++)
		usleep(5000);
	ck_assert_int_eq(atomic_load(&running), 2);
	atomic_store(&hold, false);
	for (int i = 0; i < 2000 && atomic_load(&calls) < 6; i++)
		usleep(5000);
	ck_assert_int_eq(atomic_load(&calls), 6);
	ck_assert_int_le(atomic_load(&max_running), 2);
	keyfetch_stop();
}
END_TEST

struct waiter {
	const char *key;
	enum keyfetch_result r;
};

static void *
wait_for_key(void *p)
{
	struct waiter *w = p;
	w->r = keyfetch_request(w->key, false);
	return NULL;
}

START_TEST(test_waiters_bounded)
{
	/* one request may wait; the next is answered at once while the first waits */
	start(1, 60 * 1000, 1);
	atomic_store(&hold, true);
	struct waiter w = {.key = "https://slow/users/w#main-key"};
	pthread_t t;
	ck_assert_int_eq(pthread_create(&t, NULL, wait_for_key, &w), 0);
	/* the waiter counts itself in the same critical section that queues its key, so once
	 * the fetch runs, it is waiting */
	for (int i = 0; i < 2000 && atomic_load(&running) < 1; i++)
		usleep(5000);
	ck_assert_int_eq(keyfetch_request("https://slow/users/x#main-key", false), KEYFETCH_PENDING);
	atomic_store(&hold, false);
	pthread_join(t, NULL);
	ck_assert_int_eq(w.r, KEYFETCH_READY);
	keyfetch_stop();
}
END_TEST

START_TEST(test_wait_is_bounded)
{
	start(1, 50, 4);
	atomic_store(&hold, true);
	ck_assert_int_eq(keyfetch_request("https://slow/users/y#main-key", false), KEYFETCH_PENDING);
	atomic_store(&hold, false);
	keyfetch_stop();
}
END_TEST

/* Waits (bounded, no clock involved in the assertion) until fn's count reaches n. */
static void
wait_calls(int n)
{
	for (int i = 0; i < 5000 && atomic_load(&calls) < n; i++)
		usleep(1000);
	ck_assert_int_ge(atomic_load(&calls), n);
}

START_TEST(test_one_domain_has_few_fetches_going)
{
	start(2, 0, 0); /* requests never wait: each is answered at once */
	atomic_store(&hold, true);
	char key[64];
	for (int i = 0; i < 10; i++) {
		snprintf(key, sizeof key, "https://evil.example/users/ghost%d#main-key", i);
		ck_assert_int_eq(keyfetch_request(key, false), KEYFETCH_PENDING);
	}
	/* another peer's key is fetched, not queued behind the made-up ones */
	ck_assert_int_eq(keyfetch_request("https://good.example/users/ann#main-key", false),
			 KEYFETCH_PENDING);
	atomic_store(&hold, false);
	wait_calls(5);
	keyfetch_stop();
	/* four of evil.example's keys were fetched (the per-domain cap), and good.example's */
	ck_assert_int_eq(atomic_load(&calls), 5);
}
END_TEST

struct slow_waiter {
	const char *key;
	enum keyfetch_result r;
	atomic_bool done;
};

static void *
slow_wait(void *p)
{
	struct slow_waiter *w = p;
	w->r = keyfetch_request(w->key, false);
	atomic_store(&w->done, true);
	return NULL;
}

START_TEST(test_slow_peer_leaves_other_keys_alone)
{
	/* two threads, two waiting places; slow.example's key server hangs and two requests
	 * name its keys: its fetches run one at a time and only one request waits for them, so
	 * a third request, for another peer's key, is fetched and answered READY meanwhile */
	start(2, 60 * 1000, 2);
	atomic_store(&hold_slow, true);
	struct slow_waiter w[2] = {{.key = "https://slow.example/users/a#main-key"},
				   {.key = "https://slow.example/users/b#main-key"}};
	pthread_t t[2];
	ck_assert_int_eq(pthread_create(&t[0], NULL, slow_wait, &w[0]), 0);
	for (int i = 0; i < 5000 && atomic_load(&running) < 1; i++)
		usleep(1000);
	ck_assert_int_eq(atomic_load(&running), 1);
	ck_assert_int_eq(pthread_create(&t[1], NULL, slow_wait, &w[1]), 0);
	/* the second slow request settles: it is answered at once, or (the defect) it waits
	 * while its fetch takes the second thread */
	for (int i = 0; i < 5000 && !atomic_load(&w[1].done) && atomic_load(&running) < 2; i++)
		usleep(1000);
	ck_assert_int_eq(keyfetch_request("https://good.example/users/ann#main-key", false),
			 KEYFETCH_READY);
	ck_assert_int_eq(atomic_load(&running), 1); /* slow.example still hangs, on one thread */
	ck_assert(atomic_load(&w[1].done));
	ck_assert_int_eq(w[1].r, KEYFETCH_PENDING);
	atomic_store(&hold_slow, false);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	ck_assert_int_eq(w[0].r, KEYFETCH_READY);
	keyfetch_stop();
}
END_TEST

START_TEST(test_full_table_of_failures_makes_room)
{
	start(2, 5000, 2);
	atomic_store(&fail, true);
	char key[64];
	for (int i = 0; i < 64; i++) { /* as many as the table has slots, all failing */
		snprintf(key, sizeof key, "https://peer%d.example/users/x#main-key", i);
		ck_assert_int_eq(keyfetch_request(key, false), KEYFETCH_REFUSED);
	}
	atomic_store(&fail, false);
	/* within the negative cache's minute, a new key still gets a slot and is fetched */
	ck_assert_int_eq(keyfetch_request("https://new.example/users/ann#main-key", false),
			 KEYFETCH_READY);
	ck_assert_int_eq(atomic_load(&calls), 65);
	keyfetch_stop();
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("keyfetch");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_fetched_then_ready);
	tcase_add_test(tc, test_negative_cache);
	tcase_add_test(tc, test_one_refetch_per_minute);
	tcase_add_test(tc, test_concurrency_cap_and_no_wait);
	tcase_add_test(tc, test_waiters_bounded);
	tcase_add_test(tc, test_wait_is_bounded);
	tcase_add_test(tc, test_one_domain_has_few_fetches_going);
	tcase_add_test(tc, test_slow_peer_leaves_other_keys_alone);
	tcase_add_test(tc, test_full_table_of_failures_makes_room);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
