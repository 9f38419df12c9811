/* test_fdlimit.c - how many connections a file descriptor limit holds, and raising the soft
 * limit (within this process only). */
#include <check.h>
#include <sys/resource.h>

#include "http/fdlimit.h"

START_TEST(test_connections_fit)
{
	/* enough: the wish itself */
	ck_assert_int_eq(fdlimit_connections(20000, 200, 900), 900);
	ck_assert_int_eq(fdlimit_connections(900 + fdlimit_slack(900) + 200, 200, 900), 900);
	/* one short: the largest that fits, with its slack and the reserve */
	int l = fdlimit_connections(900 + fdlimit_slack(900) + 199, 200, 900);
	ck_assert_int_lt(l, 900);
	ck_assert_int_le(l + fdlimit_slack(l) + 200, 900 + fdlimit_slack(900) + 199);
	ck_assert_int_gt(l + 1 + fdlimit_slack(l + 1) + 200, 900 + fdlimit_slack(900) + 199);
	/* Debian's 1,024 */
	l = fdlimit_connections(1024, 118, 900);
	ck_assert_int_le(l + fdlimit_slack(l) + 118, 1024);
	ck_assert_int_gt(l + 1 + fdlimit_slack(l + 1) + 118, 1024);
	/* nothing left: still one */
	ck_assert_int_eq(fdlimit_connections(100, 200, 900), 1);
}
END_TEST

START_TEST(test_raise_within_the_hard_limit)
{
	struct rlimit rl;
	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < 2048)
		ck_abort_msg("the hard limit (%ld) is too low for this test", (long)rl.rlim_max);
	struct rlimit low = {.rlim_cur = 512, .rlim_max = rl.rlim_max};
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &low), 0);
	/* below the soft limit: unchanged */
	ck_assert_int_eq(fdlimit_raise(300), 512);
	/* above: raised to what is needed */
	ck_assert_int_eq(fdlimit_raise(2000), 2000);
	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	ck_assert_int_eq((long)rl.rlim_cur, 2000);
	/* past the hard limit: up to it */
	if (rl.rlim_max != RLIM_INFINITY) {
		long hard = (long)rl.rlim_max;
		ck_assert_int_eq(fdlimit_raise(hard + 1000), hard);
	}
}
END_TEST

static Suite *
fdlimit_suite(void)
{
	Suite *s = suite_create("fdlimit");
	TCase *tc = tcase_create("fdlimit");
	tcase_add_test(tc, test_connections_fit);
	tcase_add_test(tc, test_raise_within_the_hard_limit);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(fdlimit_suite());
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
