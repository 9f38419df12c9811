/* test_tmpl.c - the template engine: syntax, escaping, load-time HTML checks, rendering. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/arena.h"
#include "util/err.h"
#include "util/strbuf.h"
#include "util/tmpl.h"

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

/* Loads one template called "t"; NULL on failure with err filled. */
static struct tmpl_set *
load_one(const char *text, struct err *err)
{
	const char *names[] = {"t"};
	const char *texts[] = {text};
	return tmpl_set_from_strings(names, texts, 1, err);
}

/* Renders template "name" of set, failing the test on error. */
static const char *
render_set(struct tmpl_set *set, const char *name, const struct tval *ctx, tmpl_translate_fn tr)
{
	struct err err = {0};
	struct strbuf out;
	strbuf_init(&out, arena);
	int rc = tmpl_render(set, name, ctx, tr, NULL, &out, &err);
	ck_assert_msg(rc == 0, "render failed: %s", err.detail);
	return out.data;
}

/* Loads text as "t" and renders it with ctx. */
static const char *
render(const char *text, const struct tval *ctx)
{
	struct err err = {0};
	struct tmpl_set *set = load_one(text, &err);
	ck_assert_msg(set != NULL, "load failed: %s", err.detail);
	const char *out = render_set(set, "t", ctx, NULL);
	tmpl_set_free(set);
	return out;
}

/* Asserts that text fails to load with a detail containing want (e.g. "t.html:3:"). */
static void
assert_load_error(const char *text, const char *want)
{
	struct err err = {0};
	struct tmpl_set *set = load_one(text, &err);
	ck_assert_msg(set == NULL, "loaded but should not: %s", text);
	ck_assert_int_eq(err.code, ERR_INTERNAL);
	ck_assert_msg(strstr(err.detail, want) != NULL, "detail '%s' lacks '%s'", err.detail, want);
}

/* Renders "t" expecting failure; returns the error detail (in the arena). */
static const char *
render_error(const char *text, const struct tval *ctx)
{
	struct err err = {0};
	struct strbuf out;
	strbuf_init(&out, arena);
	struct tmpl_set *set = load_one(text, &err);
	ck_assert_msg(set != NULL, "load failed: %s", err.detail);
	int rc = tmpl_render(set, "t", ctx, NULL, NULL, &out, &err);
	tmpl_set_free(set);
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err.code, ERR_INTERNAL);
	return arena_strdup(arena, err.detail);
}

/* ---- basic output ---- */

START_TEST(test_plain_text)
{
	ck_assert_str_eq(render("<p>Hello, world</p>\n", NULL), "<p>Hello, world</p>\n");
	ck_assert_str_eq(render("", NULL), "");
	ck_assert_str_eq(render("a } b { c", NULL), "a } b { c");
}
END_TEST

START_TEST(test_escape_text)
{
	struct tval *ctx = tval_obj(arena);
	tval_set_str(ctx, "x", "<script>alert(1)</script>");
	ck_assert_str_eq(render("<p>{{x}}</p>", ctx),
			 "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>");
}
END_TEST

START_TEST(test_escape_quotes_in_attributes)
{
	struct tval *ctx = tval_obj(arena);
	tval_set_str(ctx, "x", "a\"b'c&d");
	ck_assert_str_eq(render("<p title=\"{{x}}\">", ctx), "<p title=\"a&quot;b&#39;c&amp;d\">");
	ck_assert_str_eq(render("<p title='{{x}}'>", ctx), "<p title='a&quot;b&#39;c&amp;d'>");
}
END_TEST

START_TEST(test_whitespace_in_tags_and_ints)
{
	struct tval *ctx = tval_obj(arena);
	tval_set_str(ctx, "name", "Ann");
	tval_set_int(ctx, "n", -42);
	tval_set_bool(ctx, "b", 1);
	ck_assert_str_eq(render("{{ name }}|{{n}}|{{  b  }}", ctx), "Ann|-42|true");
}
END_TEST

START_TEST(test_dotted_lookup)
{
	struct tval *ctx = tval_obj(arena);
	struct tval *acct = tval_obj(arena);
	struct tval *profile = tval_obj(arena);
	tval_set_str(profile, "name", "Zoë & co");
	tval_set(acct, "profile", profile);
	tval_set(ctx, "account", acct);
	ck_assert_str_eq(render("{{account.profile.name}}", ctx), "Zoë &amp; co");
}
END_TEST

START_TEST(test_missing_keys)
{
	struct tval *ctx = tval_obj(arena);
	struct tval *a = tval_obj(arena);
	tval_set_str(a, "b", "x");
	tval_set(ctx, "a", a);
	ck_assert_str_eq(render("[{{nope}}][{{a.nope}}][{{nope.b}}][{{a.b.c}}]", ctx), "[][][][]");
	ck_assert_str_eq(render("[{{x}}]", NULL), "[]");
}
END_TEST

START_TEST(test_set_replaces_and_copies)
{
	char buf[16];
	struct tval *ctx = tval_obj(arena);
	strcpy(buf, "first");
	tval_set_str(ctx, "x", buf);
	strcpy(buf, "XXXXX");
	ck_assert_str_eq(render("{{x}}", ctx), "first");
	tval_set_str(ctx, "x", "second");
	ck_assert_str_eq(render("{{x}}", ctx), "second");
}
END_TEST

/* ---- sections ---- */

START_TEST(test_section_list)
{
	struct tval *ctx = tval_obj(arena);
	struct tval *posts = tval_list(arena);
	for (int i = 1; i <= 3; i++) {
		struct tval *p = tval_obj(arena);
		tval_set_int(p, "id", i);
		tval_push(posts, p);
	}
	tval_set(ctx, "posts", posts);
	ck_assert_str_eq(render("<ul>{{#posts}}<li>{{id}}</li>{{/posts}}</ul>", ctx),
			 "<ul><li>1</li><li>2</li><li>3</li></ul>");
}
END_TEST

START_TEST(test_section_object_and_scalars)
{
	struct tval *ctx = tval_obj(arena);
	struct tval *me = tval_obj(arena);
	tval_set_str(me, "name", "ann");
	tval_set(ctx, "me", me);
	tval_set_bool(ctx, "yes", 1);
	tval_set_bool(ctx, "no", 0);
	tval_set_int(ctx, "zero", 0);
	tval_set_int(ctx, "seven", 7);
	tval_set_str(ctx, "empty", "");
	tval_set_str(ctx, "full", "x");
	ck_assert_str_eq(render("{{#me}}hi {{name}}{{/me}}", ctx), "hi ann");
	ck_assert_str_eq(render("{{#yes}}Y{{/yes}}{{#no}}N{{/no}}{{#missing}}M{{/missing}}", ctx),
			 "Y");
	ck_assert_str_eq(render("{{#zero}}0{{/zero}}{{#seven}}7{{/seven}}", ctx), "7");
	ck_assert_str_eq(render("{{#empty}}E{{/empty}}{{#full}}F{{/full}}", ctx), "F");
}
END_TEST

START_TEST(test_section_empty_list)
{
	struct tval *ctx = tval_obj(arena);
	tval_set(ctx, "items", tval_list(arena));
	ck_assert_str_eq(render("a{{#items}}X{{/items}}b", ctx), "ab");
	ck_assert_str_eq(render("{{^items}}none{{/items}}", ctx), "none");
}
END_TEST

START_TEST(test_inverted)
{
	struct tval *ctx = tval_obj(arena);
	tval_set_bool(ctx, "t", 1);
	tval_set_bool(ctx, "f", 0);
	struct tval *list = tval_list(arena);
	tval_push_str(list, "x");
	tval_set(ctx, "list", list);
	ck_assert_str_eq(render("{{^t}}T{{/t}}{{^f}}F{{/f}}{{^m}}M{{/m}}{{^list}}L{{/list}}", ctx),
			 "FM");
}
END_TEST

START_TEST(test_nested_outer_scope)
{
	struct tval *ctx = tval_obj(arena);
	tval_set_str(ctx, "site", "parasol");
	tval_set_str(ctx, "name", "outer");
	struct tval *groups = tval_list(arena);
	for (int g = 0; g < 2; g++) {
		struct tval *group = tval_obj(arena);
		tval_set_str(group, "title", g == 0 ? "A" : "B");
		struct tval *items = tval_list(arena);
		struct tval *item = tval_obj(arena);
		tval_set_str(item, "name", g == 0 ? "a1" : "b1");
		tval_push(items, item);
		tval_set(group, "items", items);
		tval_push(groups, group);
	}
	tval_set(ctx, "groups", groups);
	ck_assert_str_eq(render("{{#groups}}{{#items}}{{site}}/{{title}}/{{name}};{{/items}}"
				"{{/groups}}{{name}}",
				ctx),
			 "parasol/A/a1;parasol/B/b1;outer");
}
END_TEST

START_TEST(test_dot_over_string_list)
{
	struct tval *ctx = tval_obj(arena);
	struct tval *tags = tval_list(arena);
	tval_push_str(tags, "cats");
	tval_push_str(tags, "<b>");
	tval_set(ctx, "tags", tags);
	ck_assert_str_eq(render("{{#tags}}[{{.}}]{{/tags}}", ctx), "[cats][&lt;b&gt;]");
}
END_TEST

START_TEST(test_comments)
{
	ck_assert_str_eq(
	    render("a{{! a comment with <b> and {braces} }}b{{!\nmulti\nline}}c", NULL), "abc");
}
END_TEST

/* ---- partials ---- */

START_TEST(test_partials)
{
	const char *names[] = {"page", "header", "item"};
	const char *texts[] = {"{{> header}}<ul>{{#items}}{{>item}}{{/items}}</ul>",
			       "<h1>{{title}}</h1>", "<li>{{.}} of {{title}}</li>"};
	struct err err = {0};
	struct tmpl_set *set = tmpl_set_from_strings(names, texts, 3, &err);
	ck_assert_msg(set != NULL, "%s", err.detail);
	ck_assert(tmpl_has(set, "item"));
	ck_assert(!tmpl_has(set, "item.html"));
	struct tval *ctx = tval_obj(arena);
	tval_set_str(ctx, "title", "T&C");
	struct tval *items = tval_list(arena);
	tval_push_str(items, "one");
	tval_push_str(items, "two");
	tval_set(ctx, "items", items);
	ck_assert_str_eq(render_set(set, "page", ctx, NULL),
			 "<h1>T&amp;C</h1><ul><li>one of T&amp;C</li><li>two of T&amp;C</li></ul>");
	tmpl_set_free(set);
}
END_TEST

START_TEST(test_partial_recursion_limit)
{
	const char *names[] = {"a", "b"};
	const char *texts[] = {"x{{> b}}", "y{{>a}}"};
	struct err err = {0};
	struct tmpl_set *set = tmpl_set_from_strings(names, texts, 2, &err);
	ck_assert_msg(set != NULL, "%s", err.detail);
	struct strbuf out;
	strbuf_init(&out, arena);
	ck_assert_int_eq(tmpl_render(set, "a", NULL, NULL, NULL, &out, &err), -1);
	ck_assert_int_eq(err.code, ERR_INTERNAL);
	ck_assert_ptr_nonnull(strstr(err.detail, "too deeply"));
	/* Bounded: it stopped after the limit rather than running away. */
	ck_assert_uint_lt(out.len, 40);
	tmpl_set_free(set);
}
END_TEST

START_TEST(test_partial_recursion_over_data_is_fine)
{
	/* A tree rendered by a partial that calls itself for children. */
	const char *names[] = {"node"};
	const char *texts[] = {"({{name}}{{#kids}}{{> node}}{{/kids}})"};
	struct err err = {0};
	struct tmpl_set *set = tmpl_set_from_strings(names, texts, 1, &err);
	ck_assert_msg(set != NULL, "%s", err.detail);
	struct tval *root = tval_obj(arena);
	tval_set_str(root, "name", "r");
	struct tval *kids = tval_list(arena);
	struct tval *kid = tval_obj(arena);
	tval_set_str(kid, "name", "k");
	tval_set(kid, "kids", tval_list(arena));
	tval_push(kids, kid);
	tval_set(root, "kids", kids);
	ck_assert_str_eq(render_set(set, "node", root, NULL), "(r(k))");
	tmpl_set_free(set);
}
END_TEST

START_TEST(test_unknown_partial_rejected)
{
	assert_load_error("ok\n\n{{> nothere}}", "t.html:3: unknown partial 'nothere'");
}
END_TEST

START_TEST(test_unknown_template_render)
{
	struct err err = {0};
	struct tmpl_set *set = load_one("x", &err);
	struct strbuf out;
	strbuf_init(&out, arena);
	ck_assert_int_eq(tmpl_render(set, "nope", NULL, NULL, NULL, &out, &err), -1);
	ck_assert_int_eq(err.code, ERR_INTERNAL);
	tmpl_set_free(set);
}
END_TEST

/* ---- raw HTML ---- */

START_TEST(test_raw_html_value)
{
	struct tval *ctx = tval_obj(arena);
	tval_set_html(ctx, "body", "<p>Hi <a href=\"https://x\">x</a></p>");
	ck_assert_str_eq(render("<div>{{& body}}</div>", ctx),
			 "<div><p>Hi <a href=\"https://x\">x</a></p></div>");
	/* The same value through {{ }} is escaped. */
	ck_assert_str_eq(render("{{body}}", ctx),
			 "&lt;p&gt;Hi &lt;a href=&quot;https://x&quot;&gt;x&lt;/a&gt;&lt;/p&gt;");
	ck_assert_str_eq(render("[{{&missing}}]", ctx), "[]");
}
END_TEST

START_TEST(test_raw_plain_string_fails)
{
	struct tval *ctx = tval_obj(arena);
	tval_set_str(ctx, "body", "<script>alert(1)</script>");
	tval_set_int(ctx, "n", 3);
	const char *detail = render_error("a\n{{& body}}", ctx);
	ck_assert_ptr_nonnull(strstr(detail, "t.html:2:"));
	render_error("{{&n}}", ctx);
}
END_TEST

START_TEST(test_raw_in_attribute_rejected)
{
	assert_load_error("<p>\n<a title=\"{{& x}}\">", "t.html:2:");
	assert_load_error("<p>\n<!-- {{& x}} -->", "t.html:2:");
	assert_load_error("<a title=\"{{> t}}\">", "t.html:1:");
}
END_TEST

START_TEST(test_no_triple_mustache)
{
	assert_load_error("a\n{{{x}}}", "t.html:2: unknown tag sigil");
}
END_TEST

/* ---- translation ---- */

static const char *
tr_fr(void *arg, const char *msgid)
{
	(void)arg;
	if (strcmp(msgid, "Sign in") == 0)
		return "Se connecter";
	if (strcmp(msgid, "Hello, {name}!") == 0)
		return "Bonjour, {name} & {who.n} {missing} {not a name} {x!";
	return NULL;
}

START_TEST(test_translate)
{
	struct err err = {0};
	struct tmpl_set *set = load_one("<b>{{_   Sign in  }}</b><i title=\"{{_ Other}}\">", &err);
	ck_assert_msg(set != NULL, "%s", err.detail);
	ck_assert_str_eq(render_set(set, "t", NULL, tr_fr),
			 "<b>Se connecter</b><i title=\"Other\">");
	ck_assert_str_eq(render_set(set, "t", NULL, NULL), "<b>Sign in</b><i title=\"Other\">");
	tmpl_set_free(set);
}
END_TEST

START_TEST(test_translate_placeholders)
{
	struct err err = {0};
	struct tmpl_set *set = load_one("{{_ Hello, {name}!}}", &err);
	ck_assert_msg(set != NULL, "%s", err.detail);
	struct tval *ctx = tval_obj(arena);
	struct tval *who = tval_obj(arena);
	tval_set_int(who, "n", 5);
	tval_set(ctx, "who", who);
	tval_set_str(ctx, "name", "<i>Bob</i>");
	ck_assert_str_eq(render_set(set, "t", ctx, tr_fr),
			 "Bonjour, &lt;i&gt;Bob&lt;/i&gt; &amp; 5  {not a name} {x!");
	ck_assert_str_eq(render_set(set, "t", ctx, NULL), "Hello, &lt;i&gt;Bob&lt;/i&gt;!");
	tmpl_set_free(set);
}
END_TEST

START_TEST(test_translate_ends_with_placeholder)
{
	/* "}}}": the text ends with a placeholder's brace, then the tag's two. */
	struct err err = {0};
	struct tmpl_set *set = load_one("<h1>{{_ About {name}}}</h1>", &err);
	ck_assert_msg(set != NULL, "%s", err.detail);
	struct tval *ctx = tval_obj(arena);
	tval_set_str(ctx, "name", "Rose & co");
	ck_assert_str_eq(render_set(set, "t", ctx, NULL), "<h1>About Rose &amp; co</h1>");
	tmpl_set_free(set);
}
END_TEST

START_TEST(test_translate_rejects_inner_tag)
{
	assert_load_error("\n{{_ Hello {{name}} }}", "t.html:2:");
	assert_load_error("{{_ }}", "t.html:1: empty name");
	assert_load_error("<a href=\"{{_ Home}}\">", "t.html:1:");
}
END_TEST

/* ---- load errors with line numbers ---- */

START_TEST(test_load_errors_lines)
{
	assert_load_error("a\nb\n{{#open}}\nc\n", "t.html:3: unclosed section");
	assert_load_error("{{#a}}\n{{/b}}", "t.html:2:");
	assert_load_error("x\n{{/a}}", "t.html:2:");
	assert_load_error("a\n\n\n\nb {{name", "t.html:5: unclosed {{");
	assert_load_error("a\n{{name\n<p>{{x}}", "t.html:2:");
	assert_load_error("\n\n{{%x}}", "t.html:3: unknown tag sigil");
	assert_load_error("\n{{}}", "t.html:2:");
	assert_load_error("\n{{#  }}{{/}}", "t.html:2: empty name");
	assert_load_error("{{a..b}}", "t.html:1: invalid name");
	/* A multi-line comment moves the line count on. */
	assert_load_error("{{! one\ntwo\n}}\n{{#x}}", "t.html:4:");
}
END_TEST

/* ---- HTML context checks ---- */

START_TEST(test_url_neutralised)
{
	static const char *const bad[] = {
	    "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)",
	    "\tjavascript:x",	   "java\nscript:x",	  "data:text/html,<b>",
	    "vbscript:x",	   "\x01javascript:x",	  "foo:bar"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct tval *ctx = tval_obj(arena);
		tval_set_str(ctx, "u", bad[i]);
		ck_assert_str_eq(render("<a href=\"{{u}}\">", ctx), "<a href=\"#\">");
		ck_assert_str_eq(render("<img src='{{ u }}'>", ctx), "<img src='#'>");
	}
}
END_TEST

START_TEST(test_url_allowed)
{
	static const char *const good[][2] = {
	    {"https://ex.org/a?b=1&c=2", "https://ex.org/a?b=1&amp;c=2"},
	    {"http://ex.org", "http://ex.org"},
	    {"HTTPS://EX.ORG", "HTTPS://EX.ORG"},
	    {"mailto:a@ex.org", "mailto:a@ex.org"},
	    {"otpauth://totp/n:ann?secret=AB&issuer=n", "otpauth://totp/n:ann?secret=AB&amp;issuer=n"},
	    {"/users/ann", "/users/ann"},
	    {"#top", "#top"},
	    {"?page=2", "?page=2"},
	    {"a/b:c", "a/b:c"},
	    {"x\"onmouseover=\"y", "x&quot;onmouseover=&quot;y"},
	    {"", ""}};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct tval *ctx = tval_obj(arena);
		tval_set_str(ctx, "u", good[i][0]);
		const char *want = arena_printf(arena, "<form action=\"%s\">", good[i][1]);
		ck_assert_str_eq(render("<form action=\"{{u}}\">", ctx), want);
	}
}
END_TEST

START_TEST(test_url_check_follows_sections_and_prefixes)
{
	struct tval *ctx = tval_obj(arena);
	tval_set_str(ctx, "u", "javascript:alert(1)");
	tval_set_str(ctx, "empty", "");
	/* After a literal path the scheme is fixed: the value is only escaped. */
	ck_assert_str_eq(render("<a href=\"/tags/{{u}}\">", ctx),
			 "<a href=\"/tags/javascript:alert(1)\">");
	/* A section that does not render leaves the variable first. */
	ck_assert_str_eq(render("<a href=\"{{#no}}/x{{/no}}{{u}}\">", ctx), "<a href=\"#\">");
	/* An empty variable first leaves the next one first. */
	ck_assert_str_eq(render("<a href=\"{{empty}}{{u}}\">", ctx), "<a href=\"#\">");
	/* Non-URL attributes are not touched. */
	ck_assert_str_eq(render("<a title=\"{{u}}\">", ctx), "<a title=\"javascript:alert(1)\">");
}
END_TEST

START_TEST(test_unquoted_attribute_rejected)
{
	assert_load_error("<p>\n<a href={{x}}>", "t.html:2: template tag in an unquoted");
	assert_load_error("<a class=a{{x}}>", "t.html:1:");
	assert_load_error("<a class= {{x}}>", "t.html:1:");
}
END_TEST

START_TEST(test_tag_and_attribute_name_rejected)
{
	assert_load_error("\n<{{x}}>", "t.html:2: template tag in an HTML tag name");
	assert_load_error("<b{{x}}>", "t.html:1: template tag in an HTML tag name");
	assert_load_error("</{{x}}>", "t.html:1:");
	assert_load_error("<a {{x}}=1>", "t.html:1: template tag in attribute name position");
	assert_load_error("<a data-{{x}}=1>", "t.html:1: template tag in an attribute name");
	assert_load_error("<!DOCTYPE {{x}}>", "t.html:1:");
	/* Sections between attributes are fine. */
	struct tval *ctx = tval_obj(arena);
	tval_set_bool(ctx, "on", 1);
	ck_assert_str_eq(render("<input {{#on}}checked {{/on}}type=\"checkbox\">", ctx),
			 "<input checked type=\"checkbox\">");
}
END_TEST

START_TEST(test_script_and_style_rejected)
{
	assert_load_error("<p>\n<script>\nvar x = \"{{x}}\";</script>", "t.html:3: template tag "
									"inside <script>");
	assert_load_error("<style>p { color: {{c}} }</style>", "t.html:1:");
	assert_load_error("<SCRIPT type=\"text/javascript\">{{! no }}</SCRIPT>", "t.html:1:");
	assert_load_error("<a onclick=\"go('{{x}}')\">", "t.html:1:");
	assert_load_error("<p style=\"color: {{c}}\">", "t.html:1:");
	/* After the element ends, tags are allowed again; "</scripts" does not end it. */
	struct tval *ctx = tval_obj(arena);
	tval_set_str(ctx, "x", "<");
	ck_assert_str_eq(render("<script>a</b></script ><p>{{x}}", ctx),
			 "<script>a</b></script ><p>&lt;");
	assert_load_error("<script>'</scripts>'{{x}}</script>", "t.html:1:");
}
END_TEST

START_TEST(test_html_comment_and_text_lt)
{
	struct tval *ctx = tval_obj(arena);
	tval_set_str(ctx, "x", "-->");
	ck_assert_str_eq(render("<!-- {{x}} -->1 < 2 {{x}}", ctx), "<!-- --&gt; -->1 < 2 --&gt;");
	/* Browsers also end comments with "--!>" and "<!-->": {{& }} is text again after. */
	tval_set_html(ctx, "h", "<b>");
	ck_assert_str_eq(render("<!-- a --!>{{&h}}<!-->{{&h}}<!--->{{&h}}", ctx),
			 "<!-- a --!><b><!--><b><!---><b>");
	assert_load_error("<!-- a --!!>{{&h}} -->", "t.html:1:");
}
END_TEST

START_TEST(test_section_across_contexts_rejected)
{
	assert_load_error("<a href=\"{{#a}}\">\n{{/a}}", "t.html:2: section closed in a different");
	assert_load_error("<a title=\"{{#a}}\" href=\"{{/a}}\">", "t.html:1:");
	assert_load_error("<a {{#a}}><b {{/a}}>", "t.html:1:");
	/* A whole element inside a section is fine. */
	struct tval *ctx = tval_obj(arena);
	tval_set_bool(ctx, "a", 1);
	ck_assert_str_eq(render("{{#a}}<a href=\"/\">x</a>{{/a}}", ctx), "<a href=\"/\">x</a>");
}
END_TEST

START_TEST(test_template_must_end_in_text)
{
	assert_load_error("<a href=\"x\n", "t.html:2: template ends inside");
	assert_load_error("<script>", "t.html:1:");
	assert_load_error("<!-- open", "t.html:1:");
}
END_TEST

START_TEST(test_equals_hidden_by_section_rejected)
{
	/* Without "x", the browser would bind the value to href: the parser must not guess. */
	assert_load_error("<a href {{#a}}x {{/a}}=\"{{u}}\">", "t.html:1: '=' without");
	ck_assert_str_eq(render("<a href = \"/\">", NULL), "<a href = \"/\">");
}
END_TEST

/* ---- loading a directory ---- */

static void
write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static void
remove_files(const char *dir, const char *const *names, size_t n)
{
	char path[512];
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
}

START_TEST(test_load_directory)
{
	char dir[] = "/tmp/parasol-tmpl-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	write_file(dir, "home.html", "<main>{{> post_card}}</main>\n");
	write_file(dir, "post_card.html", "<article>{{text}}</article>");
	write_file(dir, "notes.txt", "{{#not a template");
	write_file(dir, ".hidden.html", "{{#broken");
	struct err err = {0};
	struct tmpl_set *set = tmpl_set_load(dir, &err);
	ck_assert_msg(set != NULL, "%s", err.detail);
	ck_assert(tmpl_has(set, "home"));
	ck_assert(tmpl_has(set, "post_card"));
	ck_assert(!tmpl_has(set, "notes"));
	ck_assert(!tmpl_has(set, ".hidden"));
	struct tval *ctx = tval_obj(arena);
	tval_set_str(ctx, "text", "a<b");
	ck_assert_str_eq(render_set(set, "home", ctx, NULL),
			 "<main><article>a&lt;b</article></main>\n");
	tmpl_set_free(set);

	/* A broken file names itself and the line. */
	write_file(dir, "bad.html", "<p>\n<a href={{x}}>\n");
	set = tmpl_set_load(dir, &err);
	ck_assert_ptr_null(set);
	ck_assert_msg(strstr(err.detail, "bad.html:2:") != NULL, "%s", err.detail);

	static const char *const files[] = {"home.html", "post_card.html", "notes.txt",
					    ".hidden.html", "bad.html"};
	remove_files(dir, files, 5);

	ck_assert_ptr_null(tmpl_set_load(dir, &err)); /* gone now */
	ck_assert_int_eq(err.code, ERR_INTERNAL);
}
END_TEST

static Suite *
tmpl_suite(void)
{
	Suite *s = suite_create("tmpl");
	TCase *tc = tcase_create("render");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_plain_text);
	tcase_add_test(tc, test_escape_text);
	tcase_add_test(tc, test_escape_quotes_in_attributes);
	tcase_add_test(tc, test_whitespace_in_tags_and_ints);
	tcase_add_test(tc, test_dotted_lookup);
	tcase_add_test(tc, test_missing_keys);
	tcase_add_test(tc, test_set_replaces_and_copies);
	tcase_add_test(tc, test_section_list);
	tcase_add_test(tc, test_section_object_and_scalars);
	tcase_add_test(tc, test_section_empty_list);
	tcase_add_test(tc, test_inverted);
	tcase_add_test(tc, test_nested_outer_scope);
	tcase_add_test(tc, test_dot_over_string_list);
	tcase_add_test(tc, test_comments);
	tcase_add_test(tc, test_partials);
	tcase_add_test(tc, test_partial_recursion_limit);
	tcase_add_test(tc, test_partial_recursion_over_data_is_fine);
	tcase_add_test(tc, test_unknown_partial_rejected);
	tcase_add_test(tc, test_unknown_template_render);
	tcase_add_test(tc, test_raw_html_value);
	tcase_add_test(tc, test_raw_plain_string_fails);
	tcase_add_test(tc, test_raw_in_attribute_rejected);
	tcase_add_test(tc, test_no_triple_mustache);
	tcase_add_test(tc, test_translate);
	tcase_add_test(tc, test_translate_placeholders);
	tcase_add_test(tc, test_translate_ends_with_placeholder);
	tcase_add_test(tc, test_translate_rejects_inner_tag);
	suite_add_tcase(s, tc);

	TCase *safety = tcase_create("safety");
	tcase_add_checked_fixture(safety, setup, teardown);
	tcase_add_test(safety, test_load_errors_lines);
	tcase_add_test(safety, test_url_neutralised);
	tcase_add_test(safety, test_url_allowed);
	tcase_add_test(safety, test_url_check_follows_sections_and_prefixes);
	tcase_add_test(safety, test_unquoted_attribute_rejected);
	tcase_add_test(safety, test_tag_and_attribute_name_rejected);
	tcase_add_test(safety, test_script_and_style_rejected);
	tcase_add_test(safety, test_html_comment_and_text_lt);
	tcase_add_test(safety, test_section_across_contexts_rejected);
	tcase_add_test(safety, test_template_must_end_in_text);
	tcase_add_test(safety, test_equals_hidden_by_section_rejected);
	tcase_add_test(safety, test_load_directory);
	suite_add_tcase(s, safety);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(tmpl_suite());
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
