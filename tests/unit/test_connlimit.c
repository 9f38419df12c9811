/* test_connlimit.c - open connections per address: the cap, release, the trusted proxies'
 * exemption, IPv6 by /64, a full table. */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "http/client_addr.h"
#include "http/connlimit.h"

static struct sockaddr_storage ss[4];
static int next_ss;

static const struct sockaddr *
addr(const char *a)
{
	struct sockaddr_storage *s = &ss[next_ss++ % 4];
	memset(s, 0, sizeof *s);
	struct sockaddr_in *in4 = (struct sockaddr_in *)s;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)s;
	if (inet_pton(AF_INET, a, &in4->sin_addr) == 1)
		in4->sin_family = AF_INET;
	else {
		ck_assert_int_eq(inet_pton(AF_INET6, a, &in6->sin6_addr), 1);
		in6->sin6_family = AF_INET6;
	}
	return (const struct sockaddr *)s;
}

START_TEST(test_cap_and_release)
{
	struct connlimit *cl = connlimit_new(64, 3, NULL);
	uint64_t keys[3];
	for (int i = 0; i < 3; i++) {
		ck_assert(connlimit_allowed(cl, addr("192.0.2.1")));
		keys[i] = connlimit_open(cl, addr("192.0.2.1"));
		ck_assert(keys[i] != 0);
	}
	ck_assert(!connlimit_allowed(cl, addr("192.0.2.1")));
	ck_assert(connlimit_allowed(cl, addr("192.0.2.2")));
	ck_assert_int_eq(connlimit_count(cl, addr("192.0.2.1")), 3);
	connlimit_release(cl, keys[0]);
	ck_assert(connlimit_allowed(cl, addr("192.0.2.1")));
	connlimit_release(cl, keys[1]);
	connlimit_release(cl, keys[2]);
	ck_assert_int_eq(connlimit_count(cl, addr("192.0.2.1")), 0);
	connlimit_release(cl, 0); /* harmless */
	connlimit_free(cl);
	connlimit_free(NULL);
}
END_TEST

START_TEST(test_proxy_exempt)
{
	struct proxy_trust t;
	ck_assert_int_eq(proxy_trust_parse(&t, "127.0.0.254", NULL), 0);
	struct connlimit *cl = connlimit_new(64, 1, &t);
	for (int i = 0; i < 100; i++) {
		ck_assert(connlimit_allowed(cl, addr("127.0.0.254")));
		ck_assert(connlimit_open(cl, addr("127.0.0.254")) == 0);
	}
	ck_assert(connlimit_open(cl, addr("127.0.0.2")) != 0);
	ck_assert(!connlimit_allowed(cl, addr("127.0.0.2")));
	/* a proxy on this machine, not (yet) named trusted_proxy: exempt too */
	for (int i = 0; i < 100; i++) {
		ck_assert(connlimit_allowed(cl, addr("127.0.0.1")));
		ck_assert(connlimit_open(cl, addr("127.0.0.1")) == 0);
		ck_assert(connlimit_allowed(cl, addr("::1")));
		ck_assert(connlimit_open(cl, addr("::1")) == 0);
	}
	connlimit_free(cl);
}
END_TEST

START_TEST(test_ipv6_by_64)
{
	struct connlimit *cl = connlimit_new(64, 2, NULL);
	connlimit_open(cl, addr("2001:db8:1:2::1"));
	connlimit_open(cl, addr("2001:db8:1:2::ffff"));
	ck_assert(!connlimit_allowed(cl, addr("2001:db8:1:2:abcd::9")));
	ck_assert(connlimit_allowed(cl, addr("2001:db8:1:3::1")));
	connlimit_free(cl);
}
END_TEST

START_TEST(test_full_table)
{
	/* A full table counts no more addresses, and refuses none for it. */
	struct connlimit *cl = connlimit_new(2, 1, NULL);
	ck_assert(connlimit_open(cl, addr("192.0.2.1")) != 0);
	ck_assert(connlimit_open(cl, addr("192.0.2.2")) != 0);
	ck_assert(connlimit_allowed(cl, addr("192.0.2.3")));
	ck_assert(connlimit_open(cl, addr("192.0.2.3")) == 0);
	ck_assert(!connlimit_allowed(cl, addr("192.0.2.1")));
	connlimit_free(cl);
}
END_TEST

static Suite *
connlimit_suite(void)
{
	Suite *s = suite_create("connlimit");
	TCase *tc = tcase_create("connlimit");
	tcase_add_test(tc, test_cap_and_release);
	tcase_add_test(tc, test_proxy_exempt);
	tcase_add_test(tc, test_ipv6_by_64);
	tcase_add_test(tc, test_full_table);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(connlimit_suite());
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
