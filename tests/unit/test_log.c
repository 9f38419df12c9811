/* test_log.c - log lines: one line per event, the format, and no address ever. */
#include <check.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/log.h"

static int capture_fd = -1, saved_fd = -1;
static char capture_path[64];

static void
begin_capture(void)
{
	snprintf(capture_path, sizeof capture_path, "/tmp/parasol-logtest-XXXXXX");
	capture_fd = mkstemp(capture_path);
	ck_assert_int_ge(capture_fd, 0);
	fflush(stderr);
	saved_fd = dup(STDERR_FILENO);
	dup2(capture_fd, STDERR_FILENO);
}

static char *
end_capture(void)
{
	fflush(stderr);
	dup2(saved_fd, STDERR_FILENO);
	close(saved_fd);
	static char buf[8192];
	ssize_t n = pread(capture_fd, buf, sizeof buf - 1, 0);
	close(capture_fd);
	unlink(capture_path);
	buf[n < 0 ? 0 : n] = '\0';
	return buf;
}

/* Runs log_msg with stderr redirected to a temp file and returns what was written. */
static char *
capture(enum log_level level, const char *msg)
{
	begin_capture();
	log_msg(level, "%s", msg);
	return end_capture();
}

START_TEST(format_one_line)
{
	log_set_level(LOG_DEBUG);
	char *out = capture(LOG_WARN, "two\nlines\tand a tab");
	regex_t re;
	ck_assert_int_eq(regcomp(&re,
				 "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z warn "
				 "two lines and a tab\n$",
				 REG_EXTENDED),
			 0);
	ck_assert_msg(regexec(&re, out, 0, NULL, 0) == 0, "got: %s", out);
	regfree(&re);
}
END_TEST

START_TEST(level_filter)
{
	log_set_level(LOG_ERROR);
	ck_assert_str_eq(capture(LOG_INFO, "hidden"), "");
	ck_assert_ptr_nonnull(strstr(capture(LOG_ERROR, "shown"), "error shown"));
	enum log_level l;
	ck_assert_int_eq(log_level_parse("warn", &l), 0);
	ck_assert_int_eq(l, LOG_WARN);
	ck_assert_int_eq(log_level_parse("loud", &l), -1);
	log_set_level(LOG_DEBUG);
}
END_TEST

START_TEST(addresses_scrubbed)
{
	log_set_level(LOG_DEBUG);
	char *out = capture(LOG_INFO, "connection to server at \"127.0.0.1\", port 5432 failed; "
				      "from 203.0.113.77. v6 ::1 and 2001:db8::7 and "
				      "fe80:0:0:0:0:0:0:1 end");
	ck_assert_ptr_null(strstr(out, "127.0.0.1"));
	ck_assert_ptr_null(strstr(out, "203.0.113.77"));
	ck_assert_ptr_null(strstr(out, "::1"));
	ck_assert_ptr_null(strstr(out, "2001:db8"));
	ck_assert_ptr_null(strstr(out, "fe80"));
	ck_assert_ptr_nonnull(strstr(out, "port 5432 failed"));
	ck_assert_ptr_nonnull(strstr(out, "[address]"));
}
END_TEST

START_TEST(non_addresses_kept)
{
	log_set_level(LOG_DEBUG);
	const char *msg = "at 12:30:00 version 0.1.0 std::string id 1.2.3 deadbeef";
	char *out = capture(LOG_INFO, msg);
	ck_assert_msg(strstr(out, msg) != NULL, "got: %s", out);
}
END_TEST

/* A clock the tests move by hand. */
static time_t fake_now = 1764900000;
static time_t
fake_clock(void)
{
	return fake_now;
}

static int
count_of(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = strstr(hay, needle); p != NULL; p = strstr(p + 1, needle))
		n++;
	return n;
}

START_TEST(repeats_folded)
{
	log_set_level(LOG_DEBUG);
	log_set_clock(fake_clock);
	begin_capture();
	for (int i = 0; i < 400; i++) {
		fake_now = 1764900000 + i / 20; /* 400 lines over 19 s */
		log_msg(LOG_WARN, "database unreachable: %s", "connection refused");
	}
	log_msg(LOG_ERROR, "database unreachable: connection refused"); /* another level */
	fake_now = 1764900000 + 31;
	log_msg(LOG_INFO, "something else");
	log_msg(LOG_WARN, "database unreachable: connection refused"); /* a new window */
	char *out = end_capture();
	ck_assert_msg(count_of(out, "warn database unreachable") == 2, "got: %s", out);
	ck_assert_msg(count_of(out, "error database unreachable") == 1, "got: %s", out);
	ck_assert_msg(strstr(out, "warn (repeated 399 times in 19 s) database unreachable: "
				  "connection refused\n") != NULL,
		      "got: %s", out);
	/* the summary comes before the line that noticed the window was over */
	const char *summary = strstr(out, "(repeated 399"), *next = strstr(out, "something else");
	ck_assert(summary != NULL && next != NULL && summary < next);
	ck_assert_int_eq(count_of(out, "\n"), 5);
	log_set_clock(NULL);
}
END_TEST

START_TEST(flush_prints_pending_summaries)
{
	log_set_level(LOG_DEBUG);
	log_set_clock(fake_clock);
	fake_now = 1764900000;
	begin_capture();
	log_msg(LOG_WARN, "peer slow");
	fake_now += 3;
	log_msg(LOG_WARN, "peer slow");
	log_msg(LOG_WARN, "peer slow");
	char *out = end_capture();
	ck_assert_int_eq(count_of(out, "peer slow"), 1);
	begin_capture();
	log_flush();
	out = end_capture();
	ck_assert_msg(strstr(out, "warn (repeated 2 times in 3 s) peer slow\n") != NULL, "got: %s",
		      out);
	begin_capture();
	log_flush();			/* nothing left */
	log_msg(LOG_WARN, "peer slow"); /* printed again: its slot was closed */
	out = end_capture();
	ck_assert_int_eq(count_of(out, "\n"), 1);
	ck_assert_int_eq(count_of(out, "warn peer slow"), 1);
	log_set_clock(NULL);
}
END_TEST

START_TEST(events_never_folded)
{
	/* Info and debug lines are events that admins and tests count: never folded, even
	 * when identical and close together (two settings changes heard from one backend). */
	log_set_level(LOG_DEBUG);
	log_set_clock(fake_clock);
	fake_now = 1764900000;
	begin_capture();
	for (int i = 0; i < 3; i++) {
		log_msg(LOG_DEBUG, "cache: settings changed (notified by backend 42)");
		log_msg(LOG_INFO, "stopping (SIGTERM)");
	}
	char *out = end_capture();
	ck_assert_int_eq(count_of(out, "settings changed"), 3);
	ck_assert_int_eq(count_of(out, "stopping"), 3);
	ck_assert_ptr_null(strstr(out, "repeated"));
	log_set_clock(NULL);
}
END_TEST

START_TEST(many_different_lines_all_printed)
{
	log_set_level(LOG_DEBUG);
	log_set_clock(fake_clock);
	fake_now = 1764900000;
	begin_capture();
	for (int i = 0; i < 50; i++)
		log_msg(LOG_INFO, "job %d done", i);
	char *out = end_capture();
	ck_assert_int_eq(count_of(out, "\n"), 50);
	log_set_clock(NULL);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("log");
	tcase_add_test(tc, format_one_line);
	tcase_add_test(tc, level_filter);
	tcase_add_test(tc, addresses_scrubbed);
	tcase_add_test(tc, non_addresses_kept);
	tcase_add_test(tc, repeats_folded);
	tcase_add_test(tc, events_never_folded);
	tcase_add_test(tc, flush_prints_pending_summaries);
	tcase_add_test(tc, many_different_lines_all_printed);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
