/* test_slowguard.c - the deadlines of slow requests, on socket pairs, with the clock driven
 * by the test and the sweep run by hand (the guard's own thread ticks once an hour here). */
#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http/slowguard.h"

static int64_t now_ms;

static int64_t
fake_clock(void)
{
	return __atomic_load_n(&now_ms, __ATOMIC_SEQ_CST);
}

static void
advance(int64_t ms)
{
	__atomic_add_fetch(&now_ms, ms, __ATOMIC_SEQ_CST);
}

/* A guard with a 3 s head deadline and 100 bytes a second for bodies. */
static struct slowguard *
guard(void)
{
	struct err err = {0};
	struct slowguard *g = slowguard_new(3, 100, 3600 * 1000, fake_clock, &err);
	ck_assert_ptr_nonnull(g);
	return g;
}

/* Whether the other end of the pair reads end of file (the guard shut the socket down). */
static bool
shut(int peer)
{
	char c;
	ssize_t n = recv(peer, &c, 1, MSG_DONTWAIT);
	return n == 0;
}

static void
pair(int sv[2])
{
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
}

START_TEST(test_head_deadline)
{
	struct slowguard *g = guard();
	int sv[2];
	pair(sv);
	struct slowguard_conn *c = slowguard_open(g, sv[0]);
	advance(3000);
	ck_assert_uint_eq(slowguard_sweep(g), 0);
	ck_assert(!shut(sv[1]));
	advance(1);
	ck_assert_uint_eq(slowguard_sweep(g), 1);
	ck_assert(shut(sv[1]));
	ck_assert_uint_eq(slowguard_sweep(g), 0); /* cut once */
	ck_assert_uint_eq(slowguard_cut_count(g), 1);
	slowguard_close(g, c);
	slowguard_free(g);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

START_TEST(test_body_rate)
{
	struct slowguard *g = guard();
	int sv[2];
	pair(sv);
	struct slowguard_conn *c = slowguard_open(g, sv[0]);
	advance(2000);
	slowguard_head(g, c); /* the body's clock starts: 3 s of grace */
	advance(3000);
	slowguard_body(g, c, 200); /* two more seconds earned */
	advance(2000);
	ck_assert_uint_eq(slowguard_sweep(g), 0);
	advance(1);
	ck_assert_uint_eq(slowguard_sweep(g), 1);
	ck_assert(shut(sv[1]));
	slowguard_close(g, c);
	slowguard_free(g);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

START_TEST(test_answering_and_keep_alive)
{
	struct slowguard *g = guard();
	int sv[2];
	pair(sv);
	struct slowguard_conn *c = slowguard_open(g, sv[0]);
	slowguard_head(g, c);
	slowguard_answering(g, c);
	advance(60000); /* a slow handler or a slow reader: not this guard's business */
	ck_assert_uint_eq(slowguard_sweep(g), 0);
	slowguard_idle(g, c); /* answered: the next head is due in 3 s */
	advance(3000);
	ck_assert_uint_eq(slowguard_sweep(g), 0);
	ck_assert(!shut(sv[1]));
	advance(1);
	ck_assert_uint_eq(slowguard_sweep(g), 1);
	slowguard_close(g, c);
	slowguard_free(g);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

START_TEST(test_closed_are_forgotten)
{
	struct slowguard *g = guard();
	int a[2], b[2];
	pair(a);
	pair(b);
	struct slowguard_conn *ca = slowguard_open(g, a[0]);
	struct slowguard_conn *cb = slowguard_open(g, b[0]);
	slowguard_close(g, ca);
	slowguard_close(g, NULL);
	advance(10000);
	ck_assert_uint_eq(slowguard_sweep(g), 1);
	ck_assert(!shut(a[1]));
	ck_assert(shut(b[1]));
	slowguard_close(g, cb);
	ck_assert_uint_eq(slowguard_sweep(g), 0);
	slowguard_free(g);
	for (int i = 0; i < 2; i++) {
		close(a[i]);
		close(b[i]);
	}
}
END_TEST

static Suite *
slowguard_suite(void)
{
	Suite *s = suite_create("slowguard");
	TCase *tc = tcase_create("slowguard");
	tcase_add_test(tc, test_head_deadline);
	tcase_add_test(tc, test_body_rate);
	tcase_add_test(tc, test_answering_and_keep_alive);
	tcase_add_test(tc, test_closed_are_forgotten);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(slowguard_suite());
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
