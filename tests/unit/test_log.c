/* test_log.c - log lines: one line per event, the format, and no address ever. */
#include <check.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/log.h"

/* Runs log_msg with stderr redirected to a temp file and returns what was written. */
static char *
capture(enum log_level level, const char *msg)
{
	char path[] = "/tmp/parasol-logtest-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	fflush(stderr);
	int saved = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);
	log_msg(level, "%s", msg);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	static char buf[4096];
	ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
	close(fd);
	unlink(path);
	buf[n < 0 ? 0 : n] = '\0';
	return buf;
}

START_TEST(format_one_line)
{
	log_set_level(LOG_DEBUG);
	char *out = capture(LOG_WARN, "two\nlines\tand a tab");
	regex_t re;
	ck_assert_int_eq(regcomp(&re, "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z warn "
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

int
main(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("log");
	tcase_add_test(tc, format_one_line);
	tcase_add_test(tc, level_filter);
	tcase_add_test(tc, addresses_scrubbed);
	tcase_add_test(tc, non_addresses_kept);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
