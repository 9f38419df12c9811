/* test_text.c - plain text to safe HTML: escaping, paragraphs, links, mentions, hashtags. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/text.h"
#include "util/arena.h"

static struct arena *arena;

static void
setup(void)
{
	arena = arena_new();
}

static void
teardown(void)
{
	arena_free(arena);
}

/* Two local members: rose (id 7) and Ana_2 (id 9). */
static int64_t
lookup(void *arg, const char *username)
{
	(void)arg;
	if (strcasecmp(username, "rose") == 0)
		return 7;
	if (strcasecmp(username, "ana_2") == 0)
		return 9;
	return 0;
}

static struct text_out
render(const char *text)
{
	struct text_out out;
	text_render(arena, text, lookup, NULL, &out);
	ck_assert_ptr_nonnull(out.html);
	return out;
}

static const char *
html(const char *text)
{
	return render(text).html;
}

START_TEST(test_plain_paragraph)
{
	ck_assert_str_eq(html("hello"), "<p>hello</p>");
	ck_assert_str_eq(html(""), "");
	ck_assert_str_eq(html("  \n\n "), "");
}
END_TEST

START_TEST(test_paragraphs_and_breaks)
{
	ck_assert_str_eq(html("a\nb\n\nc"), "<p>a<br>b</p><p>c</p>");
	ck_assert_str_eq(html("\n\na\n\n\n\nb\n"), "<p>a</p><p>b</p>");
	ck_assert_str_eq(html("a\n  \nb"), "<p>a</p><p>b</p>");
}
END_TEST

START_TEST(test_crlf)
{
	ck_assert_str_eq(html("a\r\nb\r\n\r\nc"), "<p>a<br>b</p><p>c</p>");
	ck_assert_str_eq(html("a\rb"), "<p>a<br>b</p>");
}
END_TEST

START_TEST(test_script_escaped)
{
	const char *h = html("<script>alert(1)</script>");
	ck_assert_str_eq(h, "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>");
	ck_assert_ptr_null(strstr(h, "<script"));
}
END_TEST

START_TEST(test_attribute_breakout_escaped)
{
	const char *h = html("\"><img src=x onerror=alert(1)> & 'q'");
	ck_assert_ptr_null(strstr(h, "<img"));
	ck_assert_ptr_null(strstr(h, "\">"));
	ck_assert_str_eq(h, "<p>&quot;&gt;&lt;img src=x onerror=alert(1)&gt; &amp; &#39;q&#39;</p>");
}
END_TEST

START_TEST(test_javascript_url_not_linked)
{
	const char *h = html("javascript:alert(1) data:text/html,x JaVaScRiPt:alert(2)");
	ck_assert_ptr_null(strstr(h, "<a"));
	h = html("see http://x.test/\"onmouseover=\"alert(1)");
	ck_assert_ptr_null(strstr(h, "\"onmouseover"));
	ck_assert_str_eq(h, "<p>see <a href=\"http://x.test/\" rel=\"nofollow noopener "
			    "noreferrer\" target=\"_blank\">http://x.test/</a>&quot;onmouseover="
			    "&quot;alert(1)</p>");
}
END_TEST

START_TEST(test_url_linked)
{
	ck_assert_str_eq(html("go to https://example.org/a?b=1&c=2 now"),
			 "<p>go to <a href=\"https://example.org/a?b=1&amp;c=2\" rel=\"nofollow "
			 "noopener noreferrer\" target=\"_blank\">https://example.org/a?b=1&amp;c=2</a>"
			 " now</p>");
}
END_TEST

START_TEST(test_url_trailing_punctuation)
{
	const char *h = html("(see https://example.org/x). And http://a.test/wiki/Foo_(bar), ok!");
	ck_assert_ptr_nonnull(strstr(h, "href=\"https://example.org/x\""));
	ck_assert_ptr_nonnull(strstr(h, "</a>). And"));
	ck_assert_ptr_nonnull(strstr(h, "href=\"http://a.test/wiki/Foo_(bar)\""));
	ck_assert_ptr_nonnull(strstr(h, "</a>, ok!"));
	h = html("https://example.org/?");
	ck_assert_ptr_nonnull(strstr(h, "href=\"https://example.org/\""));
	ck_assert_ptr_null(strstr(html("https://"), "<a"));
	ck_assert_ptr_null(strstr(html("xhttps://example.org"), "<a"));
}
END_TEST

START_TEST(test_url_in_cjk_text)
{
	const char *h = html("看https://example.org/a。好");
	ck_assert_ptr_nonnull(strstr(h, "href=\"https://example.org/a\""));
	ck_assert_ptr_nonnull(strstr(h, "</a>。好"));
}
END_TEST

START_TEST(test_mentions)
{
	struct text_out o = render("hi @rose and @ANA_2, not @nobody; @rose again");
	ck_assert_uint_eq(o.nmentions, 2);
	ck_assert_int_eq(o.mention_ids[0], 7);
	ck_assert_int_eq(o.mention_ids[1], 9);
	ck_assert_ptr_nonnull(strstr(o.html, "<a href=\"/@rose\" class=\"mention\">@rose</a>"));
	ck_assert_ptr_nonnull(strstr(o.html, "<a href=\"/@ANA_2\" class=\"mention\">@ANA_2</a>,"));
	ck_assert_ptr_nonnull(strstr(o.html, "not @nobody;"));
	o = render("mail rose@example.org");
	ck_assert_uint_eq(o.nmentions, 0);
	ck_assert_ptr_null(strstr(o.html, "<a"));
}
END_TEST

START_TEST(test_remote_mention_recorded)
{
	struct text_out o = render("cc @rose@other.example. and @x@nodot");
	ck_assert_uint_eq(o.nmentions, 0);
	ck_assert_uint_eq(o.nremote, 1);
	ck_assert_str_eq(o.remote_mentions[0], "rose@other.example");
	ck_assert_str_eq(o.html, "<p>cc @rose@other.example. and @x@nodot</p>");
}
END_TEST

/* The remote accounts the linked rendering knows: rose@other.example only. */
static const char *
remote(void *arg, const char *acct)
{
	(void)arg;
	return strcasecmp(acct, "rose@other.example") == 0 ? "https://other.example/@rose\"x"
							   : NULL;
}

START_TEST(test_remote_mention_linked)
{
	struct text_out o;
	text_render_linked(arena, "hi @rose@other.example, @ana_2 and @nobody@other.example",
			   lookup, remote, NULL, &o);
	ck_assert_uint_eq(o.nremote, 2);
	ck_assert_uint_eq(o.nmentions, 1);
	ck_assert_str_eq(
	    o.html, "<p>hi <span class=\"h-card\"><a class=\"u-url mention\" "
		    "href=\"https://other.example/@rose&quot;x\">@<span>rose</span></a></span>, "
		    "<a href=\"/@ana_2\" class=\"mention\">@ana_2</a> and "
		    "@nobody@other.example</p>");
}
END_TEST

/* A remote name with '.' or '-' inside is one address, never a member's name followed by
 * punctuation: "@rose.b@peer.example" does not mention the member rose. */
START_TEST(test_dotted_remote_name)
{
	struct text_out o = render("@rose.b-c@peer.example:8443 hi @rose. and @rose.b");
	ck_assert_uint_eq(o.nremote, 1);
	ck_assert_str_eq(o.remote_mentions[0], "rose.b-c@peer.example:8443");
	ck_assert_uint_eq(o.nmentions, 1); /* "@rose." and "@rose.b" are the member rose */
	ck_assert_int_eq(o.mention_ids[0], 7);
}
END_TEST

START_TEST(test_mention_without_lookup)
{
	struct text_out o;
	text_render(arena, "@rose", NULL, NULL, &o);
	ck_assert_uint_eq(o.nmentions, 0);
	ck_assert_str_eq(o.html, "<p>@rose</p>");
}
END_TEST

START_TEST(test_hashtags)
{
	struct text_out o = render("#sexwork is work, #SexWork! #rights_2 x#no #1 #");
	ck_assert_uint_eq(o.ntags, 2);
	ck_assert_str_eq(o.tags[0], "sexwork");
	ck_assert_str_eq(o.tags[1], "rights_2");
	ck_assert_ptr_nonnull(strstr(o.html, "<a href=\"/tags/sexwork\" class=\"hashtag\">#sexwork</a> is"));
	ck_assert_ptr_nonnull(strstr(o.html, "<a href=\"/tags/SexWork\" class=\"hashtag\">#SexWork</a>!"));
	ck_assert_ptr_nonnull(strstr(o.html, "x#no #1 #</p>"));
}
END_TEST

START_TEST(test_cjk_hashtag)
{
	struct text_out o = render("支持#性工作者。也支持 #性工作者权利！");
	ck_assert_uint_eq(o.ntags, 1);
	ck_assert_str_eq(o.tags[0], "性工作者权利");
	o = render("我们 #性工作者。");
	ck_assert_uint_eq(o.ntags, 1);
	ck_assert_str_eq(o.tags[0], "性工作者");
	ck_assert_ptr_nonnull(strstr(o.html, "<a href=\"/tags/%E6%80%A7%E5%B7%A5%E4%BD%9C%E8%80%85\" "
					      "class=\"hashtag\">#性工作者</a>。"));
}
END_TEST

START_TEST(test_hashtag_too_long)
{
	char buf[150];
	buf[0] = '#';
	memset(buf + 1, 'a', 120);
	buf[121] = '\0';
	struct text_out o = render(buf);
	ck_assert_uint_eq(o.ntags, 0);
	ck_assert_ptr_null(strstr(o.html, "<a"));
}
END_TEST

START_TEST(test_entity_not_tag)
{
	struct text_out o = render("&#60;b&#62;");
	ck_assert_uint_eq(o.ntags, 0);
	ck_assert_str_eq(o.html, "<p>&amp;#60;b&amp;#62;</p>");
}
END_TEST

START_TEST(test_invalid_utf8_and_controls)
{
	ck_assert_str_eq(html("a\xff" "b\x01" "c"), "<p>a\xEF\xBF\xBD" "bc</p>");
	ck_assert_str_eq(html("\xe6\x80"), "<p>\xEF\xBF\xBD\xEF\xBF\xBD</p>");
}
END_TEST

START_TEST(test_length_and_blank)
{
	ck_assert_uint_eq(text_length("abc"), 3);
	ck_assert_uint_eq(text_length("性工作者"), 4);
	ck_assert_uint_eq(text_length("é😀"), 2);
	ck_assert_uint_eq(text_length(""), 0);
	ck_assert_int_eq(text_is_blank(" \r\n\t　"), 1);
	ck_assert_int_eq(text_is_blank(NULL), 1);
	ck_assert_int_eq(text_is_blank(" x "), 0);
}
END_TEST

START_TEST(test_words_unchanged)
{
	ck_assert_str_eq(html("sex work is work. escort, nude: 性工作者"),
			 "<p>sex work is work. escort, nude: 性工作者</p>");
}
END_TEST

static Suite *
text_suite(void)
{
	Suite *s = suite_create("text");
	TCase *tc = tcase_create("render");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_plain_paragraph);
	tcase_add_test(tc, test_paragraphs_and_breaks);
	tcase_add_test(tc, test_crlf);
	tcase_add_test(tc, test_script_escaped);
	tcase_add_test(tc, test_attribute_breakout_escaped);
	tcase_add_test(tc, test_javascript_url_not_linked);
	tcase_add_test(tc, test_url_linked);
	tcase_add_test(tc, test_url_trailing_punctuation);
	tcase_add_test(tc, test_url_in_cjk_text);
	tcase_add_test(tc, test_mentions);
	tcase_add_test(tc, test_remote_mention_recorded);
	tcase_add_test(tc, test_remote_mention_linked);
	tcase_add_test(tc, test_dotted_remote_name);
	tcase_add_test(tc, test_mention_without_lookup);
	tcase_add_test(tc, test_hashtags);
	tcase_add_test(tc, test_cjk_hashtag);
	tcase_add_test(tc, test_hashtag_too_long);
	tcase_add_test(tc, test_entity_not_tag);
	tcase_add_test(tc, test_invalid_utf8_and_controls);
	tcase_add_test(tc, test_length_and_blank);
	tcase_add_test(tc, test_words_unchanged);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(text_suite());
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
