/* test_body.c - urlencoded, multipart and JSON bodies, and the Content-Type dispatch. */
#include "http/body.h"
#include "util/arena.h"
#include "util/err.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct arena *arena;
static struct err err;
static struct body body;

static void
setup(void)
{
	arena = arena_new();
	err_clear(&err);
	memset(&body, 0, sizeof body);
}

static void
teardown(void)
{
	arena_free(arena);
}

static int
parse(const char *type, const char *data, size_t len)
{
	err_clear(&err);
	return body_parse(arena, type, data, len, &body, &err);
}

static int
parse_str(const char *type, const char *data)
{
	return parse(type, data, strlen(data));
}

#define FORM "application/x-www-form-urlencoded"

/* --- urlencoded --------------------------------------------------------------------------- */

START_TEST(test_form_basic)
{
	static const char data[] = "a=1&b=2";
	ck_assert_int_eq(parse_str(FORM, data), 0);
	ck_assert_int_eq(body.kind, BODY_FORM);
	ck_assert_uint_eq(body.nfields, 2);
	ck_assert_str_eq(body.fields[0].name, "a");
	ck_assert_str_eq(body.fields[0].value, "1");
	ck_assert_uint_eq(body.fields[0].len, 1);
	ck_assert_ptr_null(body.fields[0].filename);
	ck_assert_ptr_null(body.fields[0].content_type);
	ck_assert_str_eq(body_value(&body, "b"), "2");
	ck_assert_ptr_null(body_value(&body, "c"));
	ck_assert_ptr_null(body_field(&body, "A")); /* names are case-sensitive */
	ck_assert_ptr_eq(body.raw, data);	    /* the raw body is the caller's buffer */
	ck_assert_uint_eq(body.raw_len, 7);
}
END_TEST

START_TEST(test_form_empty)
{
	ck_assert_int_eq(parse_str(FORM, ""), 0);
	ck_assert_int_eq(body.kind, BODY_FORM);
	ck_assert_uint_eq(body.nfields, 0);
	ck_assert_ptr_null(body_value(&body, "a"));
	ck_assert_int_eq(parse_str(FORM, "&&"), 0);
	ck_assert_uint_eq(body.nfields, 0);
	ck_assert_int_eq(parse_str(FORM, "&a=1&&b=2&"), 0);
	ck_assert_uint_eq(body.nfields, 2);
	ck_assert_str_eq(body_value(&body, "a"), "1");
	ck_assert_str_eq(body_value(&body, "b"), "2");
}
END_TEST

START_TEST(test_form_no_value)
{
	ck_assert_int_eq(parse_str(FORM, "a&b=&c=x=y"), 0);
	ck_assert_uint_eq(body.nfields, 3);
	ck_assert_str_eq(body_value(&body, "a"), "");
	ck_assert_uint_eq(body_field(&body, "a")->len, 0);
	ck_assert_str_eq(body_value(&body, "b"), "");
	ck_assert_str_eq(body_value(&body, "c"), "x=y"); /* the first '=' splits */
}
END_TEST

START_TEST(test_form_decoding)
{
	ck_assert_int_eq(parse_str(FORM, "na+me=a+b%20c%2B%26%3D&x%5B%5D=%E2%82%AC"), 0);
	ck_assert_str_eq(body_value(&body, "na me"), "a b c+&=");
	ck_assert_str_eq(body_value(&body, "x[]"), "\xe2\x82\xac");
	ck_assert_uint_eq(body_field(&body, "x[]")->len, 3);
}
END_TEST

START_TEST(test_form_repeated)
{
	ck_assert_int_eq(parse_str(FORM, "k=first&k=second"), 0);
	ck_assert_uint_eq(body.nfields, 2);
	ck_assert_str_eq(body_value(&body, "k"), "first");
	ck_assert_str_eq(body.fields[1].value, "second");
}
END_TEST

static const char *const bad_forms[] = {"a=%zz", "a=%4", "a=%", "%zz=1", "a=1&b=%g0", "a=%00"};

START_TEST(test_form_bad_escape)
{
	ck_assert_msg(parse_str(FORM, bad_forms[_i]) == -1, "%s", bad_forms[_i]);
	ck_assert_int_eq(err.code, ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(err.safe, "escape"));
}
END_TEST

START_TEST(test_form_too_many)
{
	char *data = malloc(BODY_MAX_FIELDS * 8 + 16);
	size_t n = 0;
	for (int i = 0; i < BODY_MAX_FIELDS; i++)
		n += (size_t)sprintf(data + n, "%sf%d=1", i ? "&" : "", i);
	ck_assert_int_eq(parse(FORM, data, n), 0);
	ck_assert_uint_eq(body.nfields, BODY_MAX_FIELDS);
	ck_assert_str_eq(body_value(&body, "f255"), "1");
	n += (size_t)sprintf(data + n, "&one=more");
	ck_assert_int_eq(parse(FORM, data, n), -1);
	ck_assert_int_eq(err.code, ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(err.safe, "too many fields"));
	free(data);
}
END_TEST

/* Only len bytes are parsed, not up to a NUL. */
START_TEST(test_form_len)
{
	ck_assert_int_eq(parse(FORM, "a=1&b=2", 3), 0);
	ck_assert_uint_eq(body.nfields, 1);
	ck_assert_str_eq(body_value(&body, "a"), "1");
	ck_assert_ptr_null(body_value(&body, "b"));
}
END_TEST

/* --- multipart ---------------------------------------------------------------------------- */

#define MP "multipart/form-data; boundary=XyZ"

START_TEST(test_multipart_fields_and_file)
{
	static const char data[] = "--XyZ\r\n"
				   "Content-Disposition: form-data; name=\"status\"\r\n"
				   "\r\n"
				   "Hello\r\nworld\r\n"
				   "--XyZ\r\n"
				   "content-disposition: form-data; name=\"visibility\"\r\n"
				   "\r\n"
				   "public\r\n"
				   "--XyZ\r\n"
				   "Content-Disposition: form-data; name=\"media\"; "
				   "filename=\"cat.png\"\r\n"
				   "Content-Type: image/png\r\n"
				   "\r\n"
				   "\x89PNG\r\n\x1a\n\0\0\r\n-\r\n--XY\r\nend\r\n"
				   "--XyZ--\r\n";
	ck_assert_int_eq(parse(MP, data, sizeof data - 1), 0);
	ck_assert_int_eq(body.kind, BODY_FORM);
	ck_assert_uint_eq(body.nfields, 3);

	const struct body_field *f = body_field(&body, "status");
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->value, "Hello\r\nworld");
	ck_assert_uint_eq(f->len, 12);
	ck_assert_ptr_null(f->filename);
	ck_assert_ptr_null(f->content_type);
	ck_assert_str_eq(body_value(&body, "visibility"), "public");

	f = body_field(&body, "media");
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->filename, "cat.png");
	ck_assert_str_eq(f->content_type, "image/png");
	static const char png[] = "\x89PNG\r\n\x1a\n\0\0\r\n-\r\n--XY\r\nend";
	ck_assert_uint_eq(f->len, sizeof png - 1);
	ck_assert_mem_eq(f->value, png, sizeof png - 1);
	ck_assert(f->value[f->len] == '\0');
}
END_TEST

START_TEST(test_multipart_semicolon_in_quoted_filename)
{
	/* The filename comes first and holds "; name=x": the field name must still be the real
	 * one, not text from inside the quotes. */
	static const char data[] = "--XyZ\r\n"
				   "Content-Disposition: form-data; filename=\"a; name=evil\"; "
				   "name=\"media\"\r\n"
				   "\r\n"
				   "x\r\n"
				   "--XyZ--\r\n";
	ck_assert_int_eq(parse(MP, data, sizeof data - 1), 0);
	ck_assert_uint_eq(body.nfields, 1);
	ck_assert_str_eq(body.fields[0].name, "media");
	ck_assert_str_eq(body.fields[0].filename, "a; name=evil");
}
END_TEST

START_TEST(test_multipart_quoted_boundary)
{
	/* A quoted boundary may hold spaces and '=' (RFC 2046 bchars). */
	static const char data[] = "--a b=c\r\n"
				   "Content-Disposition: form-data; name=x\r\n"
				   "\r\n"
				   "1\r\n"
				   "--a b=c--";
	ck_assert_int_eq(parse_str("Multipart/Form-Data ; charset=utf-8; boundary=\"a b=c\"", data),
			 0);
	ck_assert_uint_eq(body.nfields, 1);
	ck_assert_str_eq(body_value(&body, "x"), "1");
}
END_TEST

START_TEST(test_multipart_boundary_forms)
{
	static const char data[] = "--b0undary-1\r\n"
				   "Content-Disposition: form-data; name=\"x\"\r\n"
				   "\r\n"
				   "1\r\n"
				   "--b0undary-1--";
	const char *types[] = {
	    "multipart/form-data; boundary=b0undary-1",
	    "multipart/form-data; boundary=\"b0undary-1\"",
	    "multipart/form-data;boundary=b0undary-1",
	    "MULTIPART/FORM-DATA; charset=utf-8; BOUNDARY=b0undary-1",
	    "multipart/form-data; boundary=b0undary-1; charset=utf-8",
	};
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
		ck_assert_msg(parse_str(types[i], data) == 0, "%s: %s", types[i], err.safe);
		ck_assert_uint_eq(body.nfields, 1);
		ck_assert_str_eq(body_value(&body, "x"), "1");
	}
}
END_TEST

START_TEST(test_multipart_missing_boundary)
{
	static const char data[] =
	    "--x\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--x--";
	ck_assert_int_eq(parse_str("multipart/form-data", data), -1);
	ck_assert_int_eq(err.code, ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(err.safe, "boundary"));
	ck_assert_int_eq(parse_str("multipart/form-data; boundary=", data), -1);
	ck_assert_int_eq(err.code, ERR_INVALID);
	ck_assert_int_eq(parse_str("multipart/form-data; boundary=\"x", data), -1);
	ck_assert_int_eq(err.code, ERR_INVALID);
}
END_TEST

static const char *const bad_multiparts[] = {
    /* no delimiter at all */
    "just some text",
    /* truncated in the headers */
    "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n",
    /* truncated in the content */
    "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nhello",
    /* no closing delimiter after the last part */
    "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nhello\r\n--XyZ",
    "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nhello\r\n--XyZ\r\n",
    /* junk after a delimiter */
    "--XyZjunk\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nhello\r\n--XyZ--",
    /* a header line without a colon */
    "--XyZ\r\nContent-Disposition form-data\r\n\r\nhello\r\n--XyZ--",
    /* not form-data */
    "--XyZ\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nhello\r\n--XyZ--",
};

START_TEST(test_multipart_malformed)
{
	ck_assert_msg(parse_str(MP, bad_multiparts[_i]) == -1, "case %d", _i);
	ck_assert_int_eq(err.code, ERR_INVALID);
	ck_assert_str_ne(err.safe, "");
}
END_TEST

START_TEST(test_multipart_no_name)
{
	static const char data[] = "--XyZ\r\n"
				   "Content-Disposition: form-data; filename=\"f.txt\"\r\n"
				   "\r\n"
				   "x\r\n"
				   "--XyZ--\r\n";
	ck_assert_int_eq(parse_str(MP, data), -1);
	ck_assert_int_eq(err.code, ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(err.safe, "name"));
	static const char no_disp[] = "--XyZ\r\n"
				      "Content-Type: text/plain\r\n"
				      "\r\n"
				      "x\r\n"
				      "--XyZ--\r\n";
	ck_assert_int_eq(parse_str(MP, no_disp), -1);
	ck_assert_int_eq(err.code, ERR_INVALID);
}
END_TEST

START_TEST(test_multipart_preamble_epilogue)
{
	static const char data[] = "This is the preamble. It is to be ignored.\r\n"
				   "--XyZ\r\n"
				   "Content-Disposition: form-data; name=\"a\"\r\n"
				   "\r\n"
				   "\r\n"
				   "--XyZ\r\n"
				   "Content-Disposition: form-data; name=\"b\"\r\n"
				   "\r\n"
				   "2\r\n"
				   "--XyZ--\r\n"
				   "This is the epilogue, also ignored.";
	ck_assert_int_eq(parse_str(MP, data), 0);
	ck_assert_uint_eq(body.nfields, 2);
	ck_assert_str_eq(body_value(&body, "a"), "");
	ck_assert_uint_eq(body_field(&body, "a")->len, 0);
	ck_assert_str_eq(body_value(&body, "b"), "2");
}
END_TEST

/* A part whose content merely contains the boundary text (not after CRLF) is not split. */
START_TEST(test_multipart_boundary_in_content)
{
	static const char data[] = "--XyZ\r\n"
				   "Content-Disposition: form-data; name=\"a\"\r\n"
				   "\r\n"
				   "x--XyZ y --XyZ--\r\n"
				   "--XyZ--";
	ck_assert_int_eq(parse_str(MP, data), 0);
	ck_assert_uint_eq(body.nfields, 1);
	ck_assert_str_eq(body_value(&body, "a"), "x--XyZ y --XyZ--");
}
END_TEST

START_TEST(test_multipart_too_many)
{
	char *data = malloc(100000);
	size_t n = 0;
	for (int i = 0; i <= BODY_MAX_FIELDS; i++)
		n += (size_t)sprintf(data + n,
				     "--XyZ\r\nContent-Disposition: form-data; name=\"f%d\"\r\n"
				     "\r\nv\r\n",
				     i);
	n += (size_t)sprintf(data + n, "--XyZ--\r\n");
	ck_assert_int_eq(parse(MP, data, n), -1);
	ck_assert_int_eq(err.code, ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(err.safe, "too many fields"));
	free(data);
}
END_TEST

/* --- JSON --------------------------------------------------------------------------------- */

START_TEST(test_json_object)
{
	ck_assert_int_eq(parse_str("application/json", "{\"status\": \"hi\", \"n\": [1, 2]}"), 0);
	ck_assert_int_eq(body.kind, BODY_JSON);
	ck_assert_ptr_nonnull(body.json);
	ck_assert(json_is_object(body.json));
	ck_assert_str_eq(json_string_value(json_object_get(body.json, "status")), "hi");
	ck_assert_uint_eq(json_array_size(json_object_get(body.json, "n")), 2);
	ck_assert_uint_eq(body.nfields, 0);
	ck_assert_ptr_null(body_value(&body, "status")); /* JSON members are not form fields */
}
END_TEST

START_TEST(test_json_invalid)
{
	ck_assert_int_eq(parse_str("application/json", "{\n  \"a\": 1,\n  \"b\": }"), -1);
	ck_assert_int_eq(err.code, ERR_INVALID);
	ck_assert_msg(strstr(err.safe, "line 3") != NULL, "%s", err.safe);
	ck_assert_msg(strstr(err.safe, "column") != NULL, "%s", err.safe);
	ck_assert_ptr_null(body.json);

	ck_assert_int_eq(parse_str("application/json", ""), -1);
	ck_assert_int_eq(err.code, ERR_INVALID);
	ck_assert_int_eq(parse_str("application/json", "{} trailing"), -1);
	ck_assert_int_eq(err.code, ERR_INVALID);
	ck_assert_int_eq(parse_str("application/json", "{\"a\": \"\\ud800\"}"), -1);
	ck_assert_int_eq(err.code, ERR_INVALID);
}
END_TEST

START_TEST(test_json_duplicate_keys)
{
	ck_assert_int_eq(parse_str("application/json", "{\"a\": 1, \"a\": 2}"), -1);
	ck_assert_int_eq(err.code, ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(err.safe, "line 1"));
	/* Nested objects too. */
	ck_assert_int_eq(parse_str("application/json", "{\"o\": {\"k\": 1, \"k\": 1}}"), -1);
	ck_assert_int_eq(err.code, ERR_INVALID);
}
END_TEST

/* Many documents parsed into one arena: every one is released with it (LeakSanitizer). */
START_TEST(test_json_released_with_arena)
{
	struct arena *a = arena_new();
	for (int i = 0; i < 50; i++) {
		struct body b;
		struct err e;
		const char *doc = "{\"type\": \"Note\", \"to\": [\"x\", \"y\"]}";
		ck_assert_int_eq(
		    body_parse(a, "application/activity+json", doc, strlen(doc), &b, &e), 0);
		ck_assert_ptr_nonnull(b.json);
	}
	arena_free(a);
}
END_TEST

/* --- dispatch ----------------------------------------------------------------------------- */

START_TEST(test_dispatch_json_types)
{
	const char *types[] = {
	    "application/json",
	    "APPLICATION/JSON",
	    "application/json; charset=utf-8",
	    "application/json;charset=utf-8",
	    "application/activity+json",
	    "application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\"",
	    "Application/LD+JSON",
	};
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
		ck_assert_msg(parse_str(types[i], "[1]") == 0, "%s", types[i]);
		ck_assert_msg(body.kind == BODY_JSON, "%s", types[i]);
		ck_assert(json_is_array(body.json));
	}
}
END_TEST

START_TEST(test_dispatch_form_types)
{
	ck_assert_int_eq(parse_str("Application/X-WWW-Form-Urlencoded; charset=UTF-8", "a=1"), 0);
	ck_assert_int_eq(body.kind, BODY_FORM);
	ck_assert_str_eq(body_value(&body, "a"), "1");
	/* A type that merely starts like a known one is not that type. */
	ck_assert_int_eq(parse_str("application/x-www-form-urlencodedx", "a=1"), -1);
	ck_assert_int_eq(err.code, ERR_UNPROCESSABLE);
	ck_assert_int_eq(parse_str("application/jsonp", "[1]"), -1);
	ck_assert_int_eq(err.code, ERR_UNPROCESSABLE);
}
END_TEST

START_TEST(test_dispatch_unknown_type)
{
	ck_assert_int_eq(parse_str("text/plain", "hello"), -1);
	ck_assert_int_eq(err.code, ERR_UNPROCESSABLE);
	ck_assert_str_ne(err.safe, "");
	ck_assert_int_eq(parse_str("application/octet-stream", "\x01\x02"), -1);
	ck_assert_int_eq(err.code, ERR_UNPROCESSABLE);
	/* With nothing to parse, any type is fine (a POST with an empty body). */
	ck_assert_int_eq(parse("text/plain", "", 0), 0);
	ck_assert_uint_eq(body.nfields, 0);
	ck_assert_ptr_null(body.json);
}
END_TEST

START_TEST(test_dispatch_none)
{
	ck_assert_int_eq(parse(NULL, NULL, 0), 0);
	ck_assert_int_eq(body.kind, BODY_NONE);
	ck_assert_uint_eq(body.nfields, 0);
	ck_assert_ptr_null(body_value(&body, "a"));
	ck_assert_int_eq(parse("", "", 0), 0);
	ck_assert_int_eq(body.kind, BODY_NONE);
	/* A body without a type is refused. */
	ck_assert_int_eq(parse_str(NULL, "a=1"), -1);
	ck_assert_int_eq(err.code, ERR_UNPROCESSABLE);
	ck_assert_int_eq(parse_str("", "a=1"), -1);
	ck_assert_int_eq(err.code, ERR_UNPROCESSABLE);
}
END_TEST

/* A second parse into the same struct starts from scratch. */
START_TEST(test_dispatch_resets)
{
	ck_assert_int_eq(parse_str(FORM, "a=1&b=2"), 0);
	ck_assert_int_eq(parse_str("application/json", "{}"), 0);
	ck_assert_int_eq(body.kind, BODY_JSON);
	ck_assert_uint_eq(body.nfields, 0);
	ck_assert_ptr_null(body_value(&body, "a"));
	ck_assert_int_eq(parse_str(FORM, "c=3"), 0);
	ck_assert_ptr_null(body.json);
	ck_assert_uint_eq(body.nfields, 1);
	ck_assert_str_eq(body.raw, "c=3");
}
END_TEST

static Suite *
body_suite(void)
{
	Suite *s = suite_create("body");
	TCase *form = tcase_create("urlencoded");
	tcase_add_checked_fixture(form, setup, teardown);
	tcase_add_test(form, test_form_basic);
	tcase_add_test(form, test_form_empty);
	tcase_add_test(form, test_form_no_value);
	tcase_add_test(form, test_form_decoding);
	tcase_add_test(form, test_form_repeated);
	tcase_add_loop_test(form, test_form_bad_escape, 0,
			    (int)(sizeof bad_forms / sizeof bad_forms[0]));
	tcase_add_test(form, test_form_too_many);
	tcase_add_test(form, test_form_len);
	suite_add_tcase(s, form);

	TCase *mp = tcase_create("multipart");
	tcase_add_checked_fixture(mp, setup, teardown);
	tcase_add_test(mp, test_multipart_fields_and_file);
	tcase_add_test(mp, test_multipart_quoted_boundary);
	tcase_add_test(mp, test_multipart_boundary_forms);
	tcase_add_test(mp, test_multipart_missing_boundary);
	tcase_add_loop_test(mp, test_multipart_malformed, 0,
			    (int)(sizeof bad_multiparts / sizeof bad_multiparts[0]));
	tcase_add_test(mp, test_multipart_no_name);
	tcase_add_test(mp, test_multipart_preamble_epilogue);
	tcase_add_test(mp, test_multipart_boundary_in_content);
	tcase_add_test(mp, test_multipart_too_many);
	suite_add_tcase(s, mp);

	TCase *json = tcase_create("json");
	tcase_add_checked_fixture(json, setup, teardown);
	tcase_add_test(json, test_json_object);
	tcase_add_test(json, test_json_invalid);
	tcase_add_test(json, test_json_duplicate_keys);
	tcase_add_test(json, test_json_released_with_arena);
	suite_add_tcase(s, json);

	TCase *disp = tcase_create("dispatch");
	tcase_add_checked_fixture(disp, setup, teardown);
	tcase_add_test(disp, test_dispatch_json_types);
	tcase_add_test(disp, test_dispatch_form_types);
	tcase_add_test(disp, test_dispatch_unknown_type);
	tcase_add_test(disp, test_dispatch_none);
	tcase_add_test(disp, test_dispatch_resets);
	tcase_add_test(disp, test_multipart_semicolon_in_quoted_filename);
	suite_add_tcase(s, disp);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(body_suite());
	srunner_run_all(sr, CK_ENV);
	int failures = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failures ? 1 : 0;
}
