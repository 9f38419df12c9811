/* test_pool.c - the handler threads: every item runs once, the oldest first, admit runs
 * before any thread sees an item, stopping runs what was queued and refuses the rest, and a
 * slow item doesn't hold up the others while another thread is free. No sleeping on a guess:
 * the tests wait on conditions they can see. */
#include <check.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "http/pool.h"

struct ctx {
	atomic_int ran[64];
	atomic_int admitted[64];
	atomic_int order[64];
	atomic_int next;
	atomic_bool release; /* items < 0 wait for this */
	atomic_int blocked;
	atomic_bool bad_admit;
	atomic_int admitted5;
};

static void
run(void *item, void *c)
{
	struct ctx *x = c;
	long i = (long)item;
	if (i < 0) {
		atomic_fetch_add(&x->blocked, 1);
		while (!atomic_load(&x->release))
			sched_yield();
		return;
	}
	if (!atomic_load(&x->admitted[i]))
		atomic_store(&x->bad_admit, true);
	atomic_fetch_add(&x->ran[i], 1);
	int k = atomic_fetch_add(&x->next, 1);
	if (k < 64)
		atomic_store(&x->order[k], (int)i);
}

static void
admit(void *item, void *c)
{
	struct ctx *x = c;
	long i = (long)item;
	if (i >= 0)
		atomic_store(&x->admitted[i], 1);
	if (i == 5)
		atomic_fetch_add(&x->admitted5, 1);
}

START_TEST(test_every_item_once_in_order)
{
	static struct ctx x;
	struct pool *p = pool_start(1, run, admit, &x);
	ck_assert_ptr_nonnull(p);
	/* one thread held by a slow item: the others queue, then run oldest first */
	ck_assert(pool_submit(p, (void *)-1L));
	while (atomic_load(&x.blocked) == 0)
		sched_yield();
	for (long i = 0; i < 40; i++)
		ck_assert(pool_submit(p, (void *)i));
	ck_assert_uint_eq(pool_waiting(p), 40);
	atomic_store(&x.release, true);
	pool_stop(p); /* runs everything queued before returning */
	for (int i = 0; i < 40; i++) {
		ck_assert_int_eq(atomic_load(&x.ran[i]), 1);
		ck_assert_int_eq(atomic_load(&x.order[i]), i);
	}
	ck_assert(!atomic_load(&x.bad_admit));
}
END_TEST

START_TEST(test_free_thread_takes_the_next)
{
	static struct ctx x;
	struct pool *p = pool_start(2, run, NULL, &x);
	for (int i = 0; i < 20; i++)
		atomic_store(&x.admitted[i], 1);
	ck_assert(pool_submit(p, (void *)-1L));
	while (atomic_load(&x.blocked) == 0)
		sched_yield();
	/* the other thread runs them all while the first is still held */
	for (long i = 0; i < 20; i++)
		ck_assert(pool_submit(p, (void *)i));
	while (atomic_load(&x.next) < 20)
		sched_yield();
	ck_assert_int_eq(atomic_load(&x.blocked), 1);
	ck_assert(!atomic_load(&x.release));
	atomic_store(&x.release, true);
	pool_stop(p);
}
END_TEST

struct stopper {
	struct pool *p;
};

static void *
stop_it(void *arg)
{
	pool_stop(((struct stopper *)arg)->p);
	return NULL;
}

START_TEST(test_refused_while_stopping)
{
	static struct ctx x;
	struct pool *p = pool_start(1, run, admit, &x);
	ck_assert(pool_submit(p, (void *)-1L));
	while (atomic_load(&x.blocked) == 0)
		sched_yield();
	ck_assert(pool_submit(p, (void *)3L));
	/* pool_stop waits for the held item; meanwhile new items are refused, unadmitted */
	struct stopper s = {p};
	pthread_t t;
	pthread_create(&t, NULL, stop_it, &s);
	int accepted = 0; /* item 5, again and again until the stop has begun */
	while (pool_submit(p, (void *)5L))
		accepted++;
	ck_assert_int_eq(atomic_load(&x.admitted5), accepted); /* the refused one: not admitted */
	atomic_store(&x.release, true);
	pthread_join(t, NULL);
	ck_assert_int_eq(atomic_load(&x.ran[3]), 1); /* queued before the stop: it ran */
	ck_assert_int_eq(atomic_load(&x.ran[5]), accepted);
}
END_TEST

START_TEST(test_stop_null)
{
	pool_stop(NULL);
}
END_TEST

static Suite *
pool_suite(void)
{
	Suite *s = suite_create("pool");
	TCase *tc = tcase_create("pool");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_every_item_once_in_order);
	tcase_add_test(tc, test_free_thread_takes_the_next);
	tcase_add_test(tc, test_refused_while_stopping);
	tcase_add_test(tc, test_stop_null);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(pool_suite());
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
