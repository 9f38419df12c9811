/* test_stream_event.c - the payloads of NOTIFY parasol_stream (migration 0044's triggers) as
 * core/stream.c reads them: each kind, and everything else refused (a payload is only ever
 * ours, but a listener must not act on a garbled one). */
#include <check.h>

#include "core/stream.h"

START_TEST(test_kinds)
{
	struct stream_event ev;
	ck_assert_int_eq(stream_event_parse("s 123 45 public 1", &ev), 0);
	ck_assert_int_eq(ev.kind, STREAM_EV_STATUS);
	ck_assert(ev.id == 123 && ev.account_id == 45);
	ck_assert_int_eq(ev.visibility, VIS_PUBLIC);
	ck_assert(ev.local);
	ck_assert_int_eq(stream_event_parse("e 7 8 private 0", &ev), 0);
	ck_assert_int_eq(ev.kind, STREAM_EV_EDIT);
	ck_assert_int_eq(ev.visibility, VIS_PRIVATE);
	ck_assert(!ev.local);
	ck_assert_int_eq(stream_event_parse("d 9223372036854775807 1 members 1", &ev), 0);
	ck_assert_int_eq(ev.kind, STREAM_EV_DELETE);
	ck_assert(ev.id == INT64_MAX);
	ck_assert_int_eq(ev.visibility, VIS_MEMBERS);
	ck_assert_int_eq(stream_event_parse("n 55 66", &ev), 0);
	ck_assert_int_eq(ev.kind, STREAM_EV_NOTIFICATION);
	ck_assert(ev.id == 55 && ev.account_id == 66);
}
END_TEST

START_TEST(test_refused)
{
	static const char *const bad[] = {
	    "",
	    "s",
	    "x 1 2 public 1",	    /* no such kind */
	    "s 1 2",		    /* a post without visibility */
	    "s 1 2 public",	    /* ... or locality */
	    "s 1 2 everyone 1",	    /* no such visibility */
	    "s 1 2 public 2",	    /* locality is 0 or 1 */
	    "s 1 2 public 1 extra", /* trailing words */
	    "n 1 2 3",		    /* a notification names two numbers */
	    "s 0 2 public 1",	    /* ids are positive */
	    "s 1 -2 public 1",
	    "s abc 2 public 1",
	    "s 99999999999999999999 2 public 1", /* past int64 */
	    "s 1 2 public 1 ",			 /* a trailing space */
	    "s  1 2 public 1",			 /* two spaces */
	    "S 1 2 public 1",
	};
	struct stream_event ev;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(stream_event_parse(bad[i], &ev) == -1, "accepted \"%s\"", bad[i]);
	ck_assert_int_eq(stream_event_parse(NULL, &ev), -1);
}
END_TEST

static Suite *
stream_event_suite(void)
{
	Suite *s = suite_create("stream_event");
	TCase *tc = tcase_create("stream_event");
	tcase_add_test(tc, test_kinds);
	tcase_add_test(tc, test_refused);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(stream_event_suite());
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
