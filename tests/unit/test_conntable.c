/* test_conntable.c - which connection a full table closes to make room, on real TCP
 * connections over loopback (the table asks the kernel how many bytes each has received). */
#include <check.h>
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "http/conntable.h"

static int listener = -1;

static void
listen_once(void)
{
	if (listener >= 0)
		return;
	listener = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(listener, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	ck_assert_int_eq(bind(listener, (struct sockaddr *)&a, sizeof a), 0);
	ck_assert_int_eq(listen(listener, 64), 0);
}

/* A TCP connection over loopback: *srv the accepted end (the table's), *cli the client's. */
static void
tcp_pair(int *srv, int *cli)
{
	listen_once();
	struct sockaddr_in a;
	socklen_t len = sizeof a;
	ck_assert_int_eq(getsockname(listener, (struct sockaddr *)&a, &len), 0);
	*cli = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(*cli, 0);
	ck_assert_int_eq(connect(*cli, (struct sockaddr *)&a, sizeof a), 0);
	*srv = accept(listener, NULL, NULL);
	ck_assert_int_ge(*srv, 0);
}

/* Whether the client end reads end of file: the table shut the server's end down. */
static bool
shut(int cli)
{
	char c;
	struct pollfd p = {.fd = cli, .events = POLLIN};
	if (poll(&p, 1, 0) != 1)
		return false;
	return recv(cli, &c, 1, MSG_DONTWAIT) == 0;
}

/* The client sends s; returns once it has arrived at the server's end. */
static void
send_and_wait(int cli, int srv, const char *s)
{
	ck_assert_int_eq(send(cli, s, strlen(s), 0), (ssize_t)strlen(s));
	struct pollfd p = {.fd = srv, .events = POLLIN};
	ck_assert_int_eq(poll(&p, 1, 5000), 1);
}

/* The server's end reads what arrived (as libmicrohttpd would). */
static void
drain(int srv)
{
	char buf[256];
	while (recv(srv, buf, sizeof buf, MSG_DONTWAIT) > 0)
		;
}

#define N 4

struct conns {
	int srv[N], cli[N];
	struct conntable_conn *c[N];
};

static struct conntable *
table_of(struct conns *k, unsigned limit)
{
	struct conntable *t = conntable_new(limit);
	ck_assert_ptr_nonnull(t);
	for (int i = 0; i < N; i++) {
		tcp_pair(&k->srv[i], &k->cli[i]);
		k->c[i] = conntable_open(t, k->srv[i]);
		ck_assert_ptr_nonnull(k->c[i]);
	}
	return t;
}

static void
done(struct conntable *t, struct conns *k)
{
	for (int i = 0; i < N; i++)
		conntable_close(t, k->c[i]);
	ck_assert_uint_eq(conntable_live(t), 0);
	conntable_free(t);
	for (int i = 0; i < N; i++) {
		close(k->srv[i]);
		close(k->cli[i]);
	}
}

START_TEST(test_room_below_the_limit)
{
	struct conns k;
	struct conntable *t = table_of(&k, N + 1);
	ck_assert_uint_eq(conntable_live(t), N);
	ck_assert(conntable_make_room(t));
	for (int i = 0; i < N; i++)
		ck_assert(!shut(k.cli[i]));
	ck_assert_uint_eq(conntable_evicted(t), 0);
	ck_assert(!conntable_over(t));
	done(t, &k);
}
END_TEST

START_TEST(test_oldest_idle_goes_first)
{
	struct conns k;
	struct conntable *t = table_of(&k, N);
	ck_assert(conntable_make_room(t));
	ck_assert(shut(k.cli[0]));
	for (int i = 1; i < N; i++)
		ck_assert(!shut(k.cli[i]));
	ck_assert_uint_eq(conntable_live(t), N - 1);
	ck_assert_uint_eq(conntable_evicted(t), 1);
	/* below the limit now: nothing more */
	ck_assert(conntable_make_room(t));
	ck_assert(!shut(k.cli[1]));
	/* the closing one still counts as open until closed, but not as live */
	conntable_close(t, k.c[0]);
	k.c[0] = NULL;
	ck_assert_uint_eq(conntable_live(t), N - 1);
	done(t, &k);
}
END_TEST

START_TEST(test_busy_and_rested)
{
	struct conns k;
	struct conntable *t = table_of(&k, N);
	/* #0 is answering a request; #1 answered one and is newest again */
	send_and_wait(k.cli[0], k.srv[0], "GET / HTTP/1.1\r\n\r\n");
	drain(k.srv[0]);
	conntable_busy(t, k.c[0]);
	send_and_wait(k.cli[1], k.srv[1], "GET / HTTP/1.1\r\n\r\n");
	drain(k.srv[1]);
	conntable_busy(t, k.c[1]);
	conntable_rest(t, k.c[1]);
	ck_assert(conntable_make_room(t));
	ck_assert(!shut(k.cli[0]));
	ck_assert(!shut(k.cli[1])); /* its request's bytes came before its idle time */
	ck_assert(shut(k.cli[2]));
	ck_assert(conntable_make_room(t)); /* one went: room */
	/* full again with a newcomer: #3, then #1 */
	int s4, c4;
	tcp_pair(&s4, &c4);
	struct conntable_conn *e4 = conntable_open(t, s4);
	ck_assert(conntable_make_room(t));
	ck_assert(shut(k.cli[3]));
	ck_assert(!shut(k.cli[1]));
	struct conntable_conn *e5 = conntable_open(t, s4); /* the count is what matters */
	ck_assert(conntable_make_room(t));
	ck_assert(shut(k.cli[1]));
	conntable_close(t, e4);
	conntable_close(t, e5);
	close(s4);
	close(c4);
	done(t, &k);
}
END_TEST

START_TEST(test_request_arriving_is_not_idle)
{
	struct conns k;
	struct conntable *t = table_of(&k, N);
	/* #0 sent half a head (read by the server, as libmicrohttpd reads it), #1 answered a
	 * request and has sent part of its next one: neither is idle */
	send_and_wait(k.cli[0], k.srv[0], "GET / HTTP/1.1\r\nHost: x\r\n");
	drain(k.srv[0]);
	send_and_wait(k.cli[1], k.srv[1], "GET / HTTP/1.1\r\n\r\n");
	drain(k.srv[1]);
	conntable_busy(t, k.c[1]);
	conntable_rest(t, k.c[1]);
	send_and_wait(k.cli[1], k.srv[1], "GET /next");
	drain(k.srv[1]);
	ck_assert(conntable_make_room(t));
	ck_assert(!shut(k.cli[0]));
	ck_assert(!shut(k.cli[1]));
	ck_assert(shut(k.cli[2]));
	/* with #3 the last idle one gone, a full table has none to close */
	int s4, c4;
	tcp_pair(&s4, &c4);
	struct conntable_conn *e4 = conntable_open(t, s4);
	conntable_busy(t, e4);
	ck_assert(conntable_make_room(t));
	ck_assert(shut(k.cli[3]));
	struct conntable_conn *e5 = conntable_open(t, s4);
	conntable_busy(t, e5);
	ck_assert(!conntable_make_room(t));
	ck_assert(!shut(k.cli[0]));
	ck_assert(!shut(k.cli[1]));
	ck_assert(!conntable_over(t));
	struct conntable_conn *e6 = conntable_open(t, s4);
	conntable_busy(t, e6);
	ck_assert(conntable_over(t));
	/* #0's head arrives and is answered: idle again, and the one to go */
	conntable_busy(t, k.c[0]);
	conntable_rest(t, k.c[0]);
	ck_assert(conntable_make_room(t));
	ck_assert(shut(k.cli[0]));
	ck_assert(!conntable_over(t));
	conntable_close(t, e4);
	conntable_close(t, e5);
	conntable_close(t, e6);
	close(s4);
	close(c4);
	done(t, &k);
}
END_TEST

START_TEST(test_closed_are_forgotten)
{
	struct conns k;
	struct conntable *t = table_of(&k, N);
	conntable_close(t, k.c[0]);
	k.c[0] = NULL;
	conntable_close(t, NULL);
	conntable_busy(t, NULL);
	conntable_rest(t, NULL);
	ck_assert(conntable_make_room(t)); /* 3 of 4 */
	ck_assert(!shut(k.cli[1]));
	done(t, &k);
}
END_TEST

static Suite *
conntable_suite(void)
{
	Suite *s = suite_create("conntable");
	TCase *tc = tcase_create("conntable");
	tcase_add_test(tc, test_room_below_the_limit);
	tcase_add_test(tc, test_oldest_idle_goes_first);
	tcase_add_test(tc, test_busy_and_rested);
	tcase_add_test(tc, test_request_arriving_is_not_idle);
	tcase_add_test(tc, test_closed_are_forgotten);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(conntable_suite());
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
