/* test_csv.c - the strict CSV reader (util/csv.h): RFC 4180 quoting, both line endings, the
 * byte-order mark, and every refusal with the line it names. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/csv.h"

static const struct csv_limits LIM = {
    .max_bytes = 1024, .max_rows = 5, .max_fields = 4, .max_field_bytes = 40};

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

static enum csv_error
parse_n(const char *text, size_t len, struct csv_table *t, size_t *line)
{
	return csv_parse(a, text, len, &LIM, t, line);
}

static enum csv_error
parse(const char *text, struct csv_table *t, size_t *line)
{
	return parse_n(text, strlen(text), t, line);
}

START_TEST(plain_rows_lf_and_crlf)
{
	struct csv_table t;
	size_t line;
	ck_assert_int_eq(parse("Account address,Hide notifications\nbob@a.example,true\r\n"
			       "carol,false",
			       &t, &line),
			 CSV_OK);
	ck_assert_uint_eq(t.nrows, 3);
	ck_assert_uint_eq(t.rows[0].nfields, 2);
	ck_assert_str_eq(t.rows[0].fields[0], "Account address");
	ck_assert_str_eq(t.rows[1].fields[0], "bob@a.example");
	ck_assert_str_eq(t.rows[1].fields[1], "true");
	ck_assert_str_eq(t.rows[2].fields[0], "carol");
	ck_assert_uint_eq(t.rows[2].line, 3);
}
END_TEST

START_TEST(quoted_fields)
{
	struct csv_table t;
	ck_assert_int_eq(
	    parse("\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"\"\nnext,x,y,z\n", &t, NULL),
	    CSV_OK);
	ck_assert_uint_eq(t.nrows, 2);
	ck_assert_uint_eq(t.rows[0].nfields, 4);
	ck_assert_str_eq(t.rows[0].fields[0], "a,b");
	ck_assert_str_eq(t.rows[0].fields[1], "say \"hi\"");
	ck_assert_str_eq(t.rows[0].fields[2], "two\nlines");
	ck_assert_str_eq(t.rows[0].fields[3], "");
	/* the line break inside the quotes counts: the next record starts on line 3 */
	ck_assert_uint_eq(t.rows[1].line, 3);
}
END_TEST

START_TEST(bom_empty_lines_and_empty_fields)
{
	struct csv_table t;
	ck_assert_int_eq(parse("\xEF\xBB\xBF"
			       "a@b.example\n\n\r\nc,\n,d",
			       &t, NULL),
			 CSV_OK);
	ck_assert_uint_eq(t.nrows, 3);
	ck_assert_str_eq(t.rows[0].fields[0], "a@b.example"); /* the BOM is not in the field */
	ck_assert_uint_eq(t.rows[1].nfields, 2);
	ck_assert_str_eq(t.rows[1].fields[1], "");
	ck_assert_uint_eq(t.rows[1].line, 4);
	ck_assert_str_eq(t.rows[2].fields[0], "");
	ck_assert_str_eq(t.rows[2].fields[1], "d");
}
END_TEST

START_TEST(utf8_text)
{
	struct csv_table t;
	ck_assert_int_eq(parse("性工作者@例子.example,是\n", &t, NULL), CSV_OK);
	ck_assert_str_eq(t.rows[0].fields[1], "是");
}
END_TEST

struct refusal {
	const char *text;
	size_t len; /* 0: strlen */
	enum csv_error want;
	size_t line;
};

static const struct refusal refusals[] = {
    {"", 0, CSV_EMPTY, 0},
    {"\xEF\xBB\xBF", 0, CSV_EMPTY, 0},
    {"\n\r\n\n", 0, CSV_EMPTY, 0},
    {"a\nb\0c\n", 6, CSV_NUL, 2},
    {"a\nb\n\xFF\xD8\xFF\xE0", 0, CSV_NOT_UTF8, 3}, /* a JPEG's first bytes */
    {"a\n\xC0\xAF\n", 0, CSV_NOT_UTF8, 2},	    /* overlong */
    {"a\nb\x01\n", 0, CSV_BINARY, 2},
    {"a\x7f\n", 0, CSV_BINARY, 1},
    {"a\nb\nc\nd\ne\nf\n", 0, CSV_TOO_MANY_ROWS, 6},
    {"a,b,c,d,e\n", 0, CSV_TOO_MANY_FIELDS, 1},
    {"ok\n0123456789012345678901234567890123456789x\n", 0, CSV_FIELD_TOO_LONG, 2},
    {"ok\nab\"c\n", 0, CSV_STRAY_QUOTE, 2},
    {"ok\n\"ab\"c,d\n", 0, CSV_AFTER_QUOTE, 2},
    {"ok\n\"ab\" ,d\n", 0, CSV_AFTER_QUOTE, 2},
    {"ok\nx,\"never\nclosed\n", 0, CSV_OPEN_QUOTE, 2},
    {"ok\na\rb\n", 0, CSV_BARE_CR, 2},
    {"ok\r", 0, CSV_BARE_CR, 1},
};

START_TEST(refuses)
{
	const struct refusal *c = &refusals[_i];
	struct csv_table t = {.nrows = 99};
	size_t line = 99;
	enum csv_error got = parse_n(c->text, c->len ? c->len : strlen(c->text), &t, &line);
	ck_assert_msg(got == c->want, "case %d: %s, not %s", _i, csv_error_name(got),
		      csv_error_name(c->want));
	ck_assert_msg(line == c->line, "case %d: line %zu, not %zu", _i, line, c->line);
	ck_assert_uint_eq(t.nrows, 0);
	ck_assert_ptr_null(t.rows);
}
END_TEST

START_TEST(size_is_checked_first)
{
	size_t n = LIM.max_bytes + 1;
	char *big = malloc(n);
	memset(big, 0, n); /* NULs too, but the size is what is reported */
	struct csv_table t;
	size_t line = 7;
	ck_assert_int_eq(parse_n(big, n, &t, &line), CSV_TOO_BIG);
	ck_assert_uint_eq(line, 0);
	free(big);
	/* exactly the limit is fine */
	char *fits = malloc(LIM.max_bytes);
	memset(fits, 'a', LIM.max_bytes);
	struct csv_limits wide = LIM;
	wide.max_field_bytes = LIM.max_bytes;
	ck_assert_int_eq(csv_parse(a, fits, LIM.max_bytes, &wide, &t, NULL), CSV_OK);
	ck_assert_uint_eq(t.nrows, 1);
	free(fits);
}
END_TEST

START_TEST(rows_at_the_limit)
{
	struct csv_table t;
	ck_assert_int_eq(parse("a\nb\nc\nd\ne\n\n\n", &t, NULL), CSV_OK);
	ck_assert_uint_eq(t.nrows, 5);
}
END_TEST

START_TEST(names)
{
	for (int e = 0; e < CSV__MAX; e++)
		ck_assert_ptr_nonnull(csv_error_name((enum csv_error)e));
	ck_assert_str_eq(csv_error_name(CSV__MAX), "?");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("csv");
	TCase *tc = tcase_create("csv");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, plain_rows_lf_and_crlf);
	tcase_add_test(tc, quoted_fields);
	tcase_add_test(tc, bom_empty_lines_and_empty_fields);
	tcase_add_test(tc, utf8_text);
	tcase_add_loop_test(tc, refuses, 0, (int)(sizeof refusals / sizeof refusals[0]));
	tcase_add_test(tc, size_is_checked_first);
	tcase_add_test(tc, rows_at_the_limit);
	tcase_add_test(tc, names);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
