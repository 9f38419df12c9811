/* test_review.c - checking what a moderator writes as a review rule, before the database
 * sees it: kinds, scopes, trimming, lengths, domains. */
#include <check.h>
#include <string.h>

#include "core/review.h"
#include "util/arena.h"
#include "util/err.h"

static struct arena *a;

static void
setup(void)
{
	a = arena_new();
}

static void
teardown(void)
{
	arena_free(a);
}

/* Checks a draft; returns 0 or -1 and fills *out / *err. */
static int
check(const char *kind, const char *pattern, const char *scope, const char *note,
      struct review_rule *out, struct err *err)
{
	struct review_draft d = {.kind = kind, .pattern = pattern, .scope = scope, .note = note};
	err_clear(err);
	return review_draft_check(a, &d, out, err);
}

START_TEST(names_round_trip)
{
	for (int i = 0; i < REVIEW_KIND__MAX; i++) {
		enum review_kind k = REVIEW_KIND__MAX;
		ck_assert_int_eq(review_kind_parse(review_kind_names[i], &k), 0);
		ck_assert_int_eq(k, i);
	}
	for (int i = 0; i < REVIEW_SCOPE__MAX; i++) {
		enum review_scope s = REVIEW_SCOPE__MAX;
		ck_assert_int_eq(review_scope_parse(review_scope_names[i], &s), 0);
		ck_assert_int_eq(s, i);
	}
	enum review_kind k = REVIEW_REGEX;
	ck_assert_int_eq(review_kind_parse("Phrase", &k), -1);
	ck_assert_int_eq(review_kind_parse(NULL, &k), -1);
	ck_assert_int_eq(review_kind_parse("", &k), -1);
	ck_assert_int_eq(k, REVIEW_REGEX); /* untouched */
	enum review_scope s = REVIEW_BOTH;
	ck_assert_int_eq(review_scope_parse("all", &s), -1);
	ck_assert_int_eq(s, REVIEW_BOTH);
}
END_TEST

START_TEST(phrase_is_trimmed_regex_is_not)
{
	struct review_rule r;
	struct err err;
	ck_assert_int_eq(check("phrase", "  Escort\t\n", "local", "  why  ", &r, &err), 0);
	ck_assert_str_eq(r.pattern, "Escort");
	ck_assert_str_eq(r.note, "why");
	ck_assert_int_eq(r.kind, REVIEW_PHRASE);
	ck_assert_int_eq(r.scope, REVIEW_LOCAL);
	ck_assert_int_eq(check("regex", " a b ", "both", NULL, &r, &err), 0);
	ck_assert_str_eq(r.pattern, " a b ");
	ck_assert_str_eq(r.note, "");
}
END_TEST

START_TEST(empty_and_long_patterns)
{
	struct review_rule r;
	struct err err;
	ck_assert_int_eq(check("phrase", " \t ", "both", "", &r, &err), -1);
	ck_assert_int_eq(err.code, ERR_UNPROCESSABLE);
	ck_assert_int_eq(check("regex", "   ", "both", "", &r, &err), -1);
	ck_assert_int_eq(check("phrase", NULL, "both", "", &r, &err), -1);
	char buf[REVIEW_PATTERN_MAX * 2 + 3];
	buf[0] = '\0';
	for (int i = 0; i < REVIEW_PATTERN_MAX; i++)
		strcat(buf, "\xC3\xA9"); /* é: 2 bytes, 1 character */
	ck_assert_int_eq(check("phrase", buf, "both", "", &r, &err), 0);
	strcat(buf, "x");
	ck_assert_int_eq(check("phrase", buf, "both", "", &r, &err), -1);
	ck_assert_int_eq(err.code, ERR_UNPROCESSABLE);
	ck_assert_int_eq(check("phrase", "a\xFFz", "both", "", &r, &err), -1);
}
END_TEST

START_TEST(kinds_and_scopes_refused)
{
	struct review_rule r;
	struct err err;
	ck_assert_int_eq(check("word", "x", "both", "", &r, &err), -1);
	ck_assert_int_eq(err.code, ERR_UNPROCESSABLE);
	ck_assert_int_eq(check(NULL, "x", "both", "", &r, &err), -1);
	ck_assert_int_eq(check("phrase", "x", "elsewhere", "", &r, &err), -1);
	ck_assert_int_eq(err.code, ERR_UNPROCESSABLE);
	ck_assert_int_eq(check("phrase", "x", NULL, "", &r, &err), -1);
}
END_TEST

START_TEST(domains_normalised)
{
	struct review_rule r;
	struct err err;
	ck_assert_int_eq(
	    check("link_domain", " HTTPS://Sub.Example.ORG/path?q ", "both", "", &r, &err), 0);
	ck_assert_str_eq(r.pattern, "sub.example.org");
	ck_assert_int_eq(check("remote_domain", "Peer.Example:08443", "remote", "", &r, &err), 0);
	ck_assert_str_eq(r.pattern, "peer.example:8443");
	ck_assert_int_eq(check("remote_domain", "peer.example", "both", "", &r, &err), 0);
	ck_assert_int_eq(check("link_domain", "not a domain", "both", "", &r, &err), -1);
	ck_assert_int_eq(err.code, ERR_UNPROCESSABLE);
	ck_assert_int_eq(check("link_domain", "bad_name.example", "both", "", &r, &err), -1);
	ck_assert_int_eq(check("remote_domain", "xn--bcher-kva.example", "remote", "", &r, &err),
			 0);
	/* international names as A-labels, default ports dropped (core/federation.h) */
	ck_assert_int_eq(check("remote_domain", "BÜCHER.example.", "remote", "", &r, &err), 0);
	ck_assert_str_eq(r.pattern, "xn--bcher-kva.example");
	ck_assert_int_eq(check("remote_domain", "Peer.Example:443", "remote", "", &r, &err), 0);
	ck_assert_str_eq(r.pattern, "peer.example");
	ck_assert_int_eq(check("remote_domain", "http://peer.example:80/x", "remote", "", &r, &err),
			 0);
	ck_assert_str_eq(r.pattern, "peer.example");
	ck_assert_int_eq(check("remote_domain", "http://peer.example:443/", "remote", "", &r, &err),
			 0);
	ck_assert_str_eq(r.pattern, "peer.example:443");
	ck_assert_int_eq(check("remote_domain", "b\xc3\xbc\xc3" "cher.example", "remote", "", &r, &err),
			 -1);
	/* a phrase that looks like a URL stays as typed */
	ck_assert_int_eq(check("phrase", "HTTPS://X.example", "both", "", &r, &err), 0);
	ck_assert_str_eq(r.pattern, "HTTPS://X.example");
}
END_TEST

START_TEST(remote_domain_not_local)
{
	struct review_rule r;
	struct err err;
	ck_assert_int_eq(check("remote_domain", "peer.example", "local", "", &r, &err), -1);
	ck_assert_int_eq(err.code, ERR_UNPROCESSABLE);
	ck_assert_int_eq(check("link_domain", "peer.example", "local", "", &r, &err), 0);
}
END_TEST

START_TEST(long_note)
{
	struct review_rule r;
	struct err err;
	char note[REVIEW_NOTE_MAX + 2];
	memset(note, 'n', REVIEW_NOTE_MAX);
	note[REVIEW_NOTE_MAX] = '\0';
	ck_assert_int_eq(check("phrase", "x", "both", note, &r, &err), 0);
	note[REVIEW_NOTE_MAX] = 'n';
	note[REVIEW_NOTE_MAX + 1] = '\0';
	ck_assert_int_eq(check("phrase", "x", "both", note, &r, &err), -1);
	ck_assert_int_eq(err.code, ERR_UNPROCESSABLE);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("review");
	TCase *tc = tcase_create("review");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, names_round_trip);
	tcase_add_test(tc, phrase_is_trimmed_regex_is_not);
	tcase_add_test(tc, empty_and_long_patterns);
	tcase_add_test(tc, kinds_and_scopes_refused);
	tcase_add_test(tc, domains_normalised);
	tcase_add_test(tc, remote_domain_not_local);
	tcase_add_test(tc, long_note);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
