/* test_i18n.c - language tags, Accept-Language negotiation, and lookups in the real
 * zh_CN catalogue ($PARASOL_BUILDDIR/locale/zh_CN/LC_MESSAGES/parasol.mo). */
#include "util/err.h"
#include "util/i18n.h"

#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* --- tags -------------------------------------------------------------------------------- */

START_TEST(test_lang_tag)
{
	ck_assert_str_eq(i18n_lang_tag(LANG_EN), "en");
	ck_assert_str_eq(i18n_lang_tag(LANG_ZH_CN), "zh-CN");
	ck_assert_str_eq(i18n_lang_tag(LANG__MAX), "en");
	ck_assert_str_eq(i18n_lang_tag((enum lang) - 1), "en");
}
END_TEST

START_TEST(test_lang_tag_roundtrip)
{
	for (int l = 0; l < LANG__MAX; l++) {
		enum lang out = LANG__MAX;
		ck_assert_int_eq(i18n_lang_parse(i18n_lang_tag((enum lang)l), &out), 0);
		ck_assert_int_eq(out, l);
	}
}
END_TEST

/* --- i18n_lang_parse ---------------------------------------------------------------------- */

static const char *const parse_en[] = {"en", "EN", "en-US", "en_GB", "En-gb", "en-Latn-US"};
static const char *const parse_zh[] = {"zh",	"ZH",	   "zh-CN",	 "zh_CN",      "zh-cn",
				       "ZH-CN", "zh-Hans", "zh-hans-cn", "zh-Hans-CN", "zh-SG",
				       "zh_sg", "zh-MY",   "zh-Hans-HK"};
static const char *const parse_bad[] = {
    "",
    "zh-TW",
    "zh_TW",
    "zh-tw",
    "zh-Hant",
    "zh-Hant-TW",
    "zh-HK",
    "zh-MO",
    "zh-Hant-CN",
    "fr",
    "de-DE",
    "eng",
    "e",
    "english",
    "zh-",
    "-zh",
    "zh--CN",
    "zh CN",
    "zh-CN;q=1",
    "zh-toolongsubtag",
    "*",
    "en-US-x-averyveryveryveryveryveryveryveryveryveryveryverylongtagthatgoesonandon"};

START_TEST(test_parse_en)
{
	enum lang out = LANG_ZH_CN;
	ck_assert_msg(i18n_lang_parse(parse_en[_i], &out) == 0, "%s", parse_en[_i]);
	ck_assert_int_eq(out, LANG_EN);
}
END_TEST

START_TEST(test_parse_zh)
{
	enum lang out = LANG_EN;
	ck_assert_msg(i18n_lang_parse(parse_zh[_i], &out) == 0, "%s", parse_zh[_i]);
	ck_assert_int_eq(out, LANG_ZH_CN);
}
END_TEST

START_TEST(test_parse_bad)
{
	enum lang out = LANG__MAX;
	ck_assert_msg(i18n_lang_parse(parse_bad[_i], &out) == -1, "%s", parse_bad[_i]);
	ck_assert_int_eq(out, LANG__MAX); /* untouched */
}
END_TEST

START_TEST(test_parse_null)
{
	enum lang out = LANG__MAX;
	ck_assert_int_eq(i18n_lang_parse(NULL, &out), -1);
	ck_assert_int_eq(i18n_lang_parse("en", NULL), -1);
}
END_TEST

/* --- i18n_negotiate ---------------------------------------------------------------------- */

struct nego_case {
	const char *header;
	enum lang fallback;
	enum lang want;
};

static const struct nego_case nego_cases[] = {
    /* simple */
    {"zh-CN", LANG_EN, LANG_ZH_CN},
    {"en", LANG_ZH_CN, LANG_EN},
    {"zh", LANG_EN, LANG_ZH_CN},
    {"zh-Hans-CN", LANG_EN, LANG_ZH_CN},
    /* highest q wins regardless of order */
    {"en;q=0.5, zh-CN;q=0.9", LANG_EN, LANG_ZH_CN},
    {"zh-CN;q=0.5, en;q=0.9", LANG_ZH_CN, LANG_EN},
    {"fr-FR, fr;q=0.9, en;q=0.8, zh-CN;q=0.7", LANG_ZH_CN, LANG_EN},
    {"fr-FR, fr;q=0.9, zh;q=0.8, en;q=0.7", LANG_EN, LANG_ZH_CN},
    {"en;q=0.001, zh;q=0.002", LANG_EN, LANG_ZH_CN},
    /* no q means 1 */
    {"en;q=0.999, zh", LANG_EN, LANG_ZH_CN},
    /* ties go to the first listed */
    {"zh-CN, en", LANG_EN, LANG_ZH_CN},
    {"en, zh-CN", LANG_ZH_CN, LANG_EN},
    {"en;q=0.5, zh;q=0.500", LANG_ZH_CN, LANG_EN},
    /* unsupported languages are skipped */
    {"zh-TW, en;q=0.1", LANG_ZH_CN, LANG_EN},
    {"zh-Hant, zh-HK;q=0.9, en;q=0.1", LANG_ZH_CN, LANG_EN},
    {"zh-TW, zh;q=0.5", LANG_EN, LANG_ZH_CN},
    {"fr", LANG_EN, LANG_EN},
    {"fr", LANG_ZH_CN, LANG_ZH_CN},
    {"de-DE, fr;q=0.5", LANG_ZH_CN, LANG_ZH_CN},
    /* the wildcard means the fallback */
    {"*", LANG_EN, LANG_EN},
    {"*", LANG_ZH_CN, LANG_ZH_CN},
    {"fr, *;q=0.5", LANG_ZH_CN, LANG_ZH_CN},
    {"*;q=0.5, zh;q=0.8", LANG_EN, LANG_ZH_CN},
    {"*;q=0.9, zh;q=0.8", LANG_EN, LANG_EN},
    {"en;q=0, *", LANG_EN, LANG_ZH_CN}, /* "*" covers only what is not listed */
    /* q=0 excludes */
    {"zh;q=0, en;q=0.1", LANG_ZH_CN, LANG_EN},
    {"zh-CN;q=0", LANG_EN, LANG_EN},
    {"zh-CN;q=0.000, en;q=0.2", LANG_ZH_CN, LANG_EN},
    {"en;q=0", LANG_EN, LANG_ZH_CN},		  /* the refused fallback is not forced on them */
    {"zh;q=0, fr", LANG_ZH_CN, LANG_EN},	  /* likewise */
    {"*;q=0, zh;q=0", LANG_ZH_CN, LANG_ZH_CN},	  /* everything refused: the fallback */
    {"zh;q=0, zh-CN;q=0.5", LANG_EN, LANG_ZH_CN}, /* best q among ranges for one language */
    /* whitespace (OWS: spaces and tabs) around elements, before and after ';' */
    {"  zh-CN  ", LANG_EN, LANG_ZH_CN},
    {"en;q=0.1 ,\tzh-CN\t;\tq=0.9", LANG_EN, LANG_ZH_CN},
    {"en ; q=0.2 , zh ; q=0.3", LANG_EN, LANG_ZH_CN},
    {",, ,zh,", LANG_EN, LANG_ZH_CN},
    {"en;q=0.5,zh;q=0.6", LANG_EN, LANG_ZH_CN},
    /* case-insensitive tags and q */
    {"ZH-CN", LANG_EN, LANG_ZH_CN},
    {"EN-US;Q=0.9, ZH-HANS;Q=0.1", LANG_ZH_CN, LANG_EN},
    /* malformed elements are skipped; the rest still counts */
    {"zh;q=abc", LANG_EN, LANG_EN},
    {"zh;q=abc", LANG_ZH_CN, LANG_ZH_CN},
    {"zh;q=abc, en;q=0.1", LANG_ZH_CN, LANG_EN},
    {"zh;q=1.5, en;q=0.1", LANG_ZH_CN, LANG_EN},
    {"zh;q=0.5000, en;q=0.1", LANG_ZH_CN, LANG_EN},
    {"zh;q=.5, en;q=0.1", LANG_ZH_CN, LANG_EN},
    {"zh;q=, en;q=0.1", LANG_ZH_CN, LANG_EN},
    {"zh;q, en;q=0.1", LANG_ZH_CN, LANG_EN},
    {"zh;level=1, en;q=0.1", LANG_ZH_CN, LANG_EN},
    {"zh;q=0.5;q=0.6, en;q=0.1", LANG_ZH_CN, LANG_EN},
    {"zh q=0.5, en;q=0.1", LANG_ZH_CN, LANG_EN},
    {"zh;q=-1, en;q=0.1", LANG_ZH_CN, LANG_EN},
    {"zh-, en;q=0.1", LANG_ZH_CN, LANG_EN},
    {";q=0.5, zh;q=0.1", LANG_EN, LANG_ZH_CN},
    /* garbage and empty headers */
    {"", LANG_ZH_CN, LANG_ZH_CN},
    {"   ", LANG_EN, LANG_EN},
    {",,,", LANG_ZH_CN, LANG_ZH_CN},
    {"\x01\xff\xfe;;;===", LANG_ZH_CN, LANG_ZH_CN},
    {"这不是语言", LANG_EN, LANG_EN},
    {"zh;q=1.000", LANG_EN, LANG_ZH_CN},
    {"zh;q=1.001", LANG_EN, LANG_EN},
    {"zh;q=1.", LANG_EN, LANG_ZH_CN},
};

START_TEST(test_negotiate)
{
	const struct nego_case *c = &nego_cases[_i];
	ck_assert_msg(
	    i18n_negotiate(c->header, c->fallback) == c->want,
	    "\"%s\" with fallback %s: got %s, want %s", c->header, i18n_lang_tag(c->fallback),
	    i18n_lang_tag(i18n_negotiate(c->header, c->fallback)), i18n_lang_tag(c->want));
}
END_TEST

START_TEST(test_negotiate_null)
{
	ck_assert_int_eq(i18n_negotiate(NULL, LANG_EN), LANG_EN);
	ck_assert_int_eq(i18n_negotiate(NULL, LANG_ZH_CN), LANG_ZH_CN);
	ck_assert_int_eq(i18n_negotiate("zh", LANG__MAX), LANG_ZH_CN);
	ck_assert_int_eq(i18n_negotiate("fr", LANG__MAX), LANG_EN);
}
END_TEST

START_TEST(test_negotiate_long)
{
	/* A very long header with one good element at the end still works, and the overlong
	 * range in front of it is skipped without overrunning anything. */
	size_t n = 64 * 1024;
	char *h = malloc(n + 32);
	ck_assert_ptr_nonnull(h);
	memset(h, 'a', n);
	strcpy(h + n, ", fr;q=0.9, zh;q=0.8");
	ck_assert_int_eq(i18n_negotiate(h, LANG_EN), LANG_ZH_CN);
	for (size_t i = 0; i < n; i += 3)
		memcpy(h + i, "en,", i + 3 <= n ? 3 : n - i);
	ck_assert_int_eq(i18n_negotiate(h, LANG_ZH_CN), LANG_EN);
	free(h);
}
END_TEST

/* --- the real catalogue ------------------------------------------------------------------- */

static char locale_dir[4096];

static void
setup_catalogue(void)
{
	const char *builddir = getenv("PARASOL_BUILDDIR");
	ck_assert_msg(builddir != NULL && builddir[0] != '\0',
		      "set PARASOL_BUILDDIR to the build directory (it holds locale/)");
	snprintf(locale_dir, sizeof locale_dir, "%s/locale", builddir);
	char mo[4200];
	snprintf(mo, sizeof mo, "%s/zh_CN/LC_MESSAGES/parasol.mo", locale_dir);
	ck_assert_msg(access(mo, R_OK) == 0,
		      "%s is missing: build it with msgfmt -o %s po/zh_CN.po", mo, mo);
	/* LANGUAGE in the environment must not override the per-request language. */
	setenv("LANGUAGE", "en", 1);
	struct err err = {0};
	ck_assert_msg(i18n_init(locale_dir, &err) == 0, "i18n_init: %s", err.detail);
}

static void
teardown_catalogue(void)
{
	i18n_shutdown();
}

START_TEST(test_gettext_zh)
{
	ck_assert_str_eq(i18n_gettext(LANG_ZH_CN, "Sign in"), "登录");
	ck_assert_str_eq(i18n_gettext(LANG_ZH_CN, "Page not found"), "页面未找到");
	ck_assert_ptr_null(getenv("LANGUAGE"));
}
END_TEST

START_TEST(test_gettext_en)
{
	const char *msgid = "Sign in";
	ck_assert_ptr_eq(i18n_gettext(LANG_EN, msgid), msgid);
	ck_assert_str_eq(i18n_gettext(LANG_EN, "Sign in"), "Sign in");
}
END_TEST

START_TEST(test_gettext_edges)
{
	const char *unknown = "No catalogue has this sentence.";
	ck_assert_ptr_eq(i18n_gettext(LANG_ZH_CN, unknown), unknown);
	ck_assert_str_eq(i18n_gettext(LANG_ZH_CN, ""), ""); /* not the catalogue header */
	ck_assert_str_eq(i18n_gettext(LANG_ZH_CN, NULL), "");
	ck_assert_str_eq(i18n_gettext(LANG__MAX, "Sign in"), "Sign in");
}
END_TEST

START_TEST(test_translate_cb)
{
	enum lang zh = LANG_ZH_CN, en = LANG_EN;
	ck_assert_str_eq(i18n_translate_cb(&zh, "Sign in"), "登录");
	ck_assert_str_eq(i18n_translate_cb(&en, "Sign in"), "Sign in");
	ck_assert_str_eq(i18n_translate_cb(NULL, "Sign in"), "Sign in");
}
END_TEST

START_TEST(test_init_twice)
{
	struct err err = {0};
	ck_assert_int_eq(i18n_init(locale_dir, &err), 0);
	ck_assert_str_eq(i18n_gettext(LANG_ZH_CN, "Sign in"), "登录");
}
END_TEST

START_TEST(test_after_shutdown)
{
	i18n_shutdown();
	ck_assert_str_eq(i18n_gettext(LANG_ZH_CN, "Sign in"), "Sign in");
	i18n_shutdown(); /* twice is harmless */
}
END_TEST

START_TEST(test_init_bad_args)
{
	struct err err = {0};
	ck_assert_int_eq(i18n_init(NULL, &err), -1);
	ck_assert_int_eq(err.code, ERR_INTERNAL);
	ck_assert_int_eq(i18n_init("", &err), -1);
}
END_TEST

struct worker {
	enum lang lang;
	const char *want;
	int wrong;
};

static void *
translate_many(void *arg)
{
	struct worker *w = arg;
	for (int i = 0; i < 1000; i++) {
		const char *got = i18n_gettext(w->lang, "Sign in");
		if (strcmp(got, w->want) != 0)
			w->wrong++;
	}
	return NULL;
}

START_TEST(test_gettext_threads)
{
	struct worker workers[2] = {
	    {.lang = LANG_ZH_CN, .want = "登录"},
	    {.lang = LANG_EN, .want = "Sign in"},
	};
	pthread_t threads[2];
	for (int i = 0; i < 2; i++)
		ck_assert_int_eq(pthread_create(&threads[i], NULL, translate_many, &workers[i]), 0);
	for (int i = 0; i < 2; i++)
		ck_assert_int_eq(pthread_join(threads[i], NULL), 0);
	ck_assert_int_eq(workers[0].wrong, 0);
	ck_assert_int_eq(workers[1].wrong, 0);
	/* The main thread's own locale was never changed by the workers. */
	ck_assert_str_eq(i18n_gettext(LANG_EN, "Sign in"), "Sign in");
}
END_TEST

static Suite *
i18n_suite(void)
{
	Suite *s = suite_create("i18n");

	TCase *tags = tcase_create("tags");
	tcase_add_test(tags, test_lang_tag);
	tcase_add_test(tags, test_lang_tag_roundtrip);
	tcase_add_loop_test(tags, test_parse_en, 0, (int)(sizeof parse_en / sizeof parse_en[0]));
	tcase_add_loop_test(tags, test_parse_zh, 0, (int)(sizeof parse_zh / sizeof parse_zh[0]));
	tcase_add_loop_test(tags, test_parse_bad, 0, (int)(sizeof parse_bad / sizeof parse_bad[0]));
	tcase_add_test(tags, test_parse_null);
	suite_add_tcase(s, tags);

	TCase *nego = tcase_create("negotiate");
	tcase_add_loop_test(nego, test_negotiate, 0,
			    (int)(sizeof nego_cases / sizeof nego_cases[0]));
	tcase_add_test(nego, test_negotiate_null);
	tcase_add_test(nego, test_negotiate_long);
	suite_add_tcase(s, nego);

	TCase *cat = tcase_create("catalogue");
	tcase_add_checked_fixture(cat, setup_catalogue, teardown_catalogue);
	tcase_add_test(cat, test_gettext_zh);
	tcase_add_test(cat, test_gettext_en);
	tcase_add_test(cat, test_gettext_edges);
	tcase_add_test(cat, test_translate_cb);
	tcase_add_test(cat, test_init_twice);
	tcase_add_test(cat, test_after_shutdown);
	tcase_add_test(cat, test_gettext_threads);
	suite_add_tcase(s, cat);

	TCase *init = tcase_create("init");
	tcase_add_test(init, test_init_bad_args);
	suite_add_tcase(s, init);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(i18n_suite());
	srunner_run_all(sr, CK_ENV);
	int failures = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failures ? 1 : 0;
}
