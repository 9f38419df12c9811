/* test_client_addr.c - which client a request stands for: the socket peer, or the hop a
 * trusted proxy names in X-Forwarded-For or Forwarded (read from the right, past the trusted
 * proxies); what a client writes itself never counts. */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "http/client_addr.h"

static struct sockaddr_storage peer_ss;

static const struct sockaddr *
peer(const char *addr)
{
	memset(&peer_ss, 0, sizeof peer_ss);
	struct sockaddr_in *in4 = (struct sockaddr_in *)&peer_ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&peer_ss;
	if (inet_pton(AF_INET, addr, &in4->sin_addr) == 1)
		in4->sin_family = AF_INET;
	else {
		ck_assert_int_eq(inet_pton(AF_INET6, addr, &in6->sin6_addr), 1);
		in6->sin6_family = AF_INET6;
	}
	return (const struct sockaddr *)&peer_ss;
}

/* The client id of an address as the peer itself would give it. */
static struct client_id
direct(const char *addr)
{
	struct client_id id;
	client_addr_resolve(NULL, peer(addr), NULL, &id);
	return id;
}

static bool
same(const struct client_id *a, const struct client_id *b)
{
	return a->len == b->len && memcmp(a->bytes, b->bytes, a->len) == 0;
}

#define ASSERT_CLIENT(t, from, header, want)                                                   \
	do {                                                                                   \
		struct client_id got_, want_ = direct(want);                                   \
		client_addr_resolve((t), peer(from), (header), &got_);                         \
		ck_assert_msg(same(&got_, &want_), "from %s with %s: not %s", from,            \
			      header ? header : "(none)", want);                               \
	} while (0)

START_TEST(test_parse)
{
	struct proxy_trust t;
	ck_assert_int_eq(proxy_trust_parse(&t, "", NULL), 0);
	ck_assert_int_eq(t.n, 0);
	ck_assert_int_eq(proxy_trust_parse(&t, "127.0.0.1, ::1 10.0.0.2", "X-Forwarded-For"), 0);
	ck_assert_int_eq(t.n, 3);
	ck_assert_int_eq(t.header, PROXY_XFF);
	ck_assert_int_eq(proxy_trust_parse(&t, "10.0.0.2", "forwarded"), 0);
	ck_assert_int_eq(t.header, PROXY_FORWARDED);
	ck_assert_int_eq(proxy_trust_parse(&t, "proxy.example", NULL), -1);
	ck_assert_int_eq(proxy_trust_parse(&t, "10.0.0.0/8", NULL), -1);
	ck_assert_int_eq(proxy_trust_parse(&t, "10.0.0.2", "x-real-ip"), -1);
	ck_assert_int_eq(proxy_trust_parse(&t, "1.1.1.1,1.1.1.2,1.1.1.3,1.1.1.4,1.1.1.5,1.1.1.6,"
					       "1.1.1.7,1.1.1.8,1.1.1.9,1.1.1.10,1.1.1.11,1.1.1.12,"
					       "1.1.1.13,1.1.1.14,1.1.1.15,1.1.1.16,1.1.1.17",
					   NULL),
			 -1);
}
END_TEST

START_TEST(test_no_proxy_trusted)
{
	/* Without trusted_proxy, headers are ignored whoever sends them. */
	struct proxy_trust t;
	proxy_trust_parse(&t, "", NULL);
	ASSERT_CLIENT(&t, "192.0.2.7", "198.51.100.1", "192.0.2.7");
	ASSERT_CLIENT(NULL, "192.0.2.7", "198.51.100.1", "192.0.2.7");
}
END_TEST

START_TEST(test_untrusted_peer_ignored)
{
	struct proxy_trust t;
	proxy_trust_parse(&t, "127.0.0.1", NULL);
	ASSERT_CLIENT(&t, "192.0.2.7", "198.51.100.1", "192.0.2.7");
}
END_TEST

START_TEST(test_xff_rightmost_untrusted)
{
	struct proxy_trust t;
	proxy_trust_parse(&t, "127.0.0.1, 10.0.0.2", NULL);
	ASSERT_CLIENT(&t, "127.0.0.1", "198.51.100.1", "198.51.100.1");
	/* what the client wrote sits on the left: the proxy appended the real address */
	ASSERT_CLIENT(&t, "127.0.0.1", "203.0.113.9, 198.51.100.1", "198.51.100.1");
	ASSERT_CLIENT(&t, "127.0.0.1", "203.0.113.9,198.51.100.1", "198.51.100.1");
	/* a chain of trusted proxies is walked past */
	ASSERT_CLIENT(&t, "127.0.0.1", "203.0.113.9, 198.51.100.1, 10.0.0.2", "198.51.100.1");
	/* a client naming a trusted proxy on the left doesn't get past its own hop */
	ASSERT_CLIENT(&t, "127.0.0.1", "127.0.0.1, 198.51.100.1", "198.51.100.1");
	/* IPv6, bracketed or not, with a port */
	ASSERT_CLIENT(&t, "127.0.0.1", "2001:db8::1", "2001:db8::1");
	ASSERT_CLIENT(&t, "127.0.0.1", "[2001:db8::1]:4711", "2001:db8::1");
	ASSERT_CLIENT(&t, "127.0.0.1", "198.51.100.1:5555", "198.51.100.1");
	/* no header, or only trusted hops: the leftmost, else the proxy itself */
	ASSERT_CLIENT(&t, "127.0.0.1", NULL, "127.0.0.1");
	ASSERT_CLIENT(&t, "127.0.0.1", "", "127.0.0.1");
	ASSERT_CLIENT(&t, "127.0.0.1", "10.0.0.2", "10.0.0.2");
}
END_TEST

START_TEST(test_xff_text_hop)
{
	/* A hop that is no address is a client of its own, never the proxy. */
	struct proxy_trust t;
	proxy_trust_parse(&t, "127.0.0.1", NULL);
	struct client_id a, b, proxy = direct("127.0.0.1");
	client_addr_resolve(&t, peer("127.0.0.1"), "198.51.100.1, unknown", &a);
	client_addr_resolve(&t, peer("127.0.0.1"), "198.51.100.1, _hidden", &b);
	ck_assert(!same(&a, &b) && !same(&a, &proxy) && !same(&b, &proxy));
	/* a client's own junk on the left changes nothing */
	ASSERT_CLIENT(&t, "127.0.0.1", "\"><script>, 198.51.100.1", "198.51.100.1");
}
END_TEST

START_TEST(test_forwarded)
{
	struct proxy_trust t;
	proxy_trust_parse(&t, "::1", "forwarded");
	ASSERT_CLIENT(&t, "::1", "for=198.51.100.1", "198.51.100.1");
	ASSERT_CLIENT(&t, "::1", "for=203.0.113.9;proto=https, for=198.51.100.1;proto=https",
		      "198.51.100.1");
	ASSERT_CLIENT(&t, "::1", "proto=https;For=\"[2001:db8::7]:4711\";by=::1", "2001:db8::7");
	ASSERT_CLIENT(&t, "::1", "for=\"198.51.100.1:80\"", "198.51.100.1");
	/* X-Forwarded-For is not the header this proxy writes: not read */
	ASSERT_CLIENT(&t, "::1", NULL, "::1");
}
END_TEST

START_TEST(test_ipv6_by_64)
{
	/* One subscriber's /64 is one client; another /64 is another. */
	struct client_id a = direct("2001:db8:1:2::1"), b = direct("2001:db8:1:2:ffff::9"),
			 c = direct("2001:db8:1:3::1"), v4 = direct("192.0.2.1");
	ck_assert(same(&a, &b));
	ck_assert(!same(&a, &c));
	ck_assert(!same(&a, &v4));
	/* an IPv4-mapped peer is the IPv4 client */
	struct client_id m = direct("::ffff:192.0.2.1");
	ck_assert(same(&m, &v4));
}
END_TEST

START_TEST(test_unknown_peer)
{
	struct client_id a, b;
	client_addr_resolve(NULL, NULL, NULL, &a);
	client_addr_resolve(NULL, NULL, "198.51.100.1", &b);
	ck_assert(same(&a, &b));
}
END_TEST

static Suite *
client_addr_suite(void)
{
	Suite *s = suite_create("client_addr");
	TCase *tc = tcase_create("client_addr");
	tcase_add_test(tc, test_parse);
	tcase_add_test(tc, test_no_proxy_trusted);
	tcase_add_test(tc, test_untrusted_peer_ignored);
	tcase_add_test(tc, test_xff_rightmost_untrusted);
	tcase_add_test(tc, test_xff_text_hop);
	tcase_add_test(tc, test_forwarded);
	tcase_add_test(tc, test_ipv6_by_64);
	tcase_add_test(tc, test_unknown_peer);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(client_addr_suite());
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
