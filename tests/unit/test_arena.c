/* test_arena.c - the arena allocator, arena strings and deferred callbacks, strbuf, and
 * struct err. */
#include "util/arena.h"
#include "util/err.h"
#include "util/strbuf.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- allocation --------------------------------------------------------------------------- */

static int
all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0)
			return 0;
	return 1;
}

/* Allocates blocks of many sizes (small, around the block size, and far past it), fills each
 * with its own byte, then checks every block still holds only its byte: any overlap between
 * two allocations would show up as a foreign byte. */
START_TEST(test_alloc_zeroed_aligned_independent)
{
	static const size_t sizes[] = {1,    2,	   3,	 7,    8,     15,    16,   17,	 31,
				       32,   33,   100,	 255,  256,   1000,  4095, 4096, 4097,
				       5000, 8191, 8192, 8193, 20000, 65536, 1,	   24,	 3};
	enum { ROUNDS = 4, NSIZES = sizeof sizes / sizeof sizes[0] };
	struct arena *a = arena_new();
	unsigned char *blocks[ROUNDS * NSIZES];
	size_t lens[ROUNDS * NSIZES];
	size_t total = 0;
	for (int r = 0; r < ROUNDS; r++) {
		for (size_t i = 0; i < NSIZES; i++) {
			size_t k = (size_t)r * NSIZES + i;
			size_t n = sizes[(i + (size_t)r * 5) % NSIZES];
			unsigned char *p = arena_alloc(a, n);
			ck_assert_ptr_nonnull(p);
			ck_assert_msg(((uintptr_t)p & 15) == 0, "size %zu: %p not 16-aligned", n,
				      (void *)p);
			ck_assert_msg(all_zero(p, n), "size %zu not zeroed", n);
			memset(p, (int)(k % 251) + 1, n);
			blocks[k] = p;
			lens[k] = n;
			total += n;
		}
	}
	for (size_t k = 0; k < ROUNDS * NSIZES; k++)
		for (size_t j = 0; j < lens[k]; j++)
			ck_assert_msg(blocks[k][j] == (unsigned char)(k % 251) + 1,
				      "block %zu byte %zu overwritten", k, j);
	ck_assert_uint_eq(arena_used(a), total);
	arena_free(a);
}
END_TEST

/* Many tiny allocations: every one distinct and 16 bytes apart at least. */
START_TEST(test_alloc_many_small)
{
	struct arena *a = arena_new();
	enum { N = 5000 };
	uint32_t **ptrs = malloc(N * sizeof *ptrs);
	for (int i = 0; i < N; i++) {
		ptrs[i] = arena_alloc(a, sizeof(uint32_t));
		ck_assert_uint_eq(*ptrs[i], 0);
		ck_assert_uint_eq((uintptr_t)ptrs[i] % 16, 0);
		*ptrs[i] = (uint32_t)i * 2654435761u;
	}
	for (int i = 0; i < N; i++)
		ck_assert_uint_eq(*ptrs[i], (uint32_t)i * 2654435761u);
	free(ptrs);
	arena_free(a);
}
END_TEST

/* A big one-off block must not waste the free space of the current block, and what was
 * allocated before and after it stays intact. */
START_TEST(test_alloc_large_between_small)
{
	struct arena *a = arena_new();
	char *s1 = arena_strdup(a, "before");
	unsigned char *big = arena_alloc(a, 100000);
	ck_assert(all_zero(big, 100000));
	memset(big, 0xAB, 100000);
	char *s2 = arena_strdup(a, "after");
	ck_assert_str_eq(s1, "before");
	ck_assert_str_eq(s2, "after");
	ck_assert(big[0] == 0xAB && big[99999] == 0xAB);
	ck_assert(!(s2 >= (char *)big && s2 < (char *)big + 100000));
	arena_free(a);
}
END_TEST

START_TEST(test_alloc_zero_size)
{
	struct arena *a = arena_new();
	void *p = arena_alloc(a, 0);
	void *q = arena_alloc(a, 0);
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(q);
	ck_assert_ptr_ne(p, q);
	arena_free(a);
	arena_free(NULL); /* a no-op */
}
END_TEST

/* --- strings ------------------------------------------------------------------------------ */

START_TEST(test_printf)
{
	struct arena *a = arena_new();
	ck_assert_str_eq(arena_printf(a, "%s-%d-%05.1f", "x", 42, 3.14159), "x-42-003.1");
	ck_assert_str_eq(arena_printf(a, "%s", ""), "");
	/* Longer than one block. */
	char *long_s = arena_printf(a, "%*s|", 10000, "end");
	ck_assert_uint_eq(strlen(long_s), 10001);
	ck_assert_str_eq(long_s + 9997, "end|");
	ck_assert(long_s[0] == ' ');
	arena_free(a);
}
END_TEST

START_TEST(test_strndup_strdup)
{
	struct arena *a = arena_new();
	const char src[] = "hello, world";
	char *p = arena_strndup(a, src, 5);
	ck_assert_str_eq(p, "hello");
	ck_assert_ptr_ne(p, src);
	/* Not NUL-terminated input: only n bytes are read. */
	char raw[3] = {'a', 'b', 'c'};
	ck_assert_str_eq(arena_strndup(a, raw, 3), "abc");
	ck_assert_str_eq(arena_strndup(a, src, 0), "");
	char buf[16] = "mutable";
	char *d = arena_strdup(a, buf);
	buf[0] = 'X';
	ck_assert_str_eq(d, "mutable");
	ck_assert_ptr_null(arena_strdup(a, NULL));
	arena_free(a);
}
END_TEST

/* --- deferred callbacks ------------------------------------------------------------------- */

static int order[16];
static int norder;

static void
record(void *p)
{
	order[norder++] = *(int *)p;
}

static void
free_it(void *p)
{
	free(p);
}

START_TEST(test_defer_reverse_once)
{
	static int vals[5] = {1, 2, 3, 4, 5};
	norder = 0;
	struct arena *a = arena_new();
	for (int i = 0; i < 5; i++) {
		arena_defer(a, record, &vals[i]);
		arena_alloc(a, 3000); /* interleave with allocations that fill blocks */
	}
	ck_assert_int_eq(norder, 0); /* nothing runs before the free */
	arena_free(a);
	ck_assert_int_eq(norder, 5);
	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(order[i], 5 - i);
}
END_TEST

/* A deferred free() is what keeps foreign objects from leaking (LeakSanitizer checks). */
START_TEST(test_defer_frees)
{
	struct arena *a = arena_new();
	for (int i = 0; i < 10; i++)
		arena_defer(a, free_it, malloc(100));
	arena_free(a);
}
END_TEST

/* --- strbuf ------------------------------------------------------------------------------- */

START_TEST(test_strbuf_grow)
{
	struct arena *a = arena_new();
	struct strbuf sb;
	strbuf_init(&sb, a);
	ck_assert_uint_eq(sb.len, 0);
	ck_assert_str_eq(sb.data, "");
	char expect[20000];
	size_t n = 0;
	for (int i = 0; i < 2000; i++) {
		char piece[16];
		int m = snprintf(piece, sizeof piece, "%d,", i);
		if (i % 3 == 0)
			strbuf_puts(&sb, piece);
		else if (i % 3 == 1)
			strbuf_printf(&sb, "%d,", i);
		else
			strbuf_append(&sb, piece, (size_t)m);
		memcpy(expect + n, piece, (size_t)m);
		n += (size_t)m;
	}
	expect[n] = '\0';
	ck_assert_uint_gt(n, 8000);
	ck_assert_uint_eq(sb.len, n);
	ck_assert_uint_ge(sb.cap, sb.len + 1);
	ck_assert_str_eq(sb.data, expect);
	ck_assert(sb.data[sb.len] == '\0');
	arena_free(a);
}
END_TEST

START_TEST(test_strbuf_binary_and_big_printf)
{
	struct arena *a = arena_new();
	struct strbuf sb;
	strbuf_init(&sb, a);
	strbuf_append(&sb, "a\0b", 3);
	strbuf_putc(&sb, 'c');
	ck_assert_uint_eq(sb.len, 4);
	ck_assert_mem_eq(sb.data, "a\0bc", 5);
	/* One printf far larger than the current capacity. */
	strbuf_printf(&sb, "%5000d", 7);
	ck_assert_uint_eq(sb.len, 5004);
	ck_assert_mem_eq(sb.data, "a\0bc    ", 8);
	ck_assert(sb.data[5003] == '7' && sb.data[5004] == '\0');
	strbuf_printf(&sb, "%s", ""); /* empty output changes nothing */
	ck_assert_uint_eq(sb.len, 5004);
	arena_free(a);
}
END_TEST

START_TEST(test_strbuf_html)
{
	struct arena *a = arena_new();
	struct strbuf sb;
	strbuf_init(&sb, a);
	const char *in = "<a href=\"x\" title='y'>Tom & Jerry</a> plain";
	strbuf_put_html(&sb, in, strlen(in));
	ck_assert_str_eq(sb.data, "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;Tom &amp; "
				  "Jerry&lt;/a&gt; plain");
	/* Only n bytes are read, and an escape at the very end is kept. */
	struct strbuf sb2;
	strbuf_init(&sb2, a);
	strbuf_put_html(&sb2, "ab&cd", 3);
	ck_assert_str_eq(sb2.data, "ab&amp;");
	struct strbuf sb3;
	strbuf_init(&sb3, a);
	strbuf_put_html(&sb3, "&&<<", 4);
	strbuf_put_html(&sb3, "", 0);
	strbuf_put_html(&sb3, "no escapes", 10);
	ck_assert_str_eq(sb3.data, "&amp;&amp;&lt;&lt;no escapes");
	/* Many escapes grow the buffer. */
	struct strbuf sb4;
	strbuf_init(&sb4, a);
	char amps[1001];
	memset(amps, '&', 1000);
	amps[1000] = '\0';
	strbuf_put_html(&sb4, amps, 1000);
	ck_assert_uint_eq(sb4.len, 5000);
	ck_assert(strncmp(sb4.data + 4995, "&amp;", 5) == 0);
	arena_free(a);
}
END_TEST

/* --- err ---------------------------------------------------------------------------------- */

START_TEST(test_err_set)
{
	struct err e;
	memset(&e, 0x55, sizeof e);
	ck_assert_int_eq(err_set(&e, ERR_CONFLICT, "Name taken.", "user %s id %d", "ann", 7), -1);
	ck_assert_int_eq(e.code, ERR_CONFLICT);
	ck_assert_str_eq(e.safe, "Name taken.");
	ck_assert_str_eq(e.detail, "user ann id 7");

	ck_assert_int_eq(err_set(&e, ERR_NOT_FOUND, NULL, NULL), -1);
	ck_assert_int_eq(e.code, ERR_NOT_FOUND);
	ck_assert_str_eq(e.safe, "Not found.");
	ck_assert_str_eq(e.detail, ""); /* the previous detail is gone */

	ck_assert_int_eq(err_set(&e, ERR_INVALID, NULL, "x"), -1);
	ck_assert_str_eq(e.safe, "The request was malformed.");
	ck_assert_int_eq(err_set(NULL, ERR_INVALID, NULL, "x"), -1);
}
END_TEST

START_TEST(test_err_defaults_all_codes)
{
	for (int c = ERR_INVALID; c < ERR__MAX; c++) {
		struct err e;
		err_set(&e, (enum err_code)c, NULL, NULL);
		ck_assert_int_eq(e.code, c);
		ck_assert_msg(strlen(e.safe) > 0, "code %d has no default message", c);
	}
	/* A code out of range is an internal error, never ERR_NONE. */
	struct err e;
	err_set(&e, ERR_NONE, NULL, NULL);
	ck_assert_int_eq(e.code, ERR_INTERNAL);
	err_set(&e, (enum err_code)999, NULL, NULL);
	ck_assert_int_eq(e.code, ERR_INTERNAL);
}
END_TEST

START_TEST(test_err_truncates)
{
	struct err e;
	char long_s[2000];
	memset(long_s, 'x', sizeof long_s - 1);
	long_s[sizeof long_s - 1] = '\0';
	err_set(&e, ERR_INTERNAL, long_s, "%s", long_s);
	ck_assert_uint_eq(strlen(e.safe), sizeof e.safe - 1);
	ck_assert_uint_eq(strlen(e.detail), sizeof e.detail - 1);
	err_show_detail(&e);
	ck_assert_uint_eq(strlen(e.safe), sizeof e.safe - 1);
	err_set(&e, ERR_INVALID, "hidden", "cfg:3: bad key");
	err_show_detail(&e);
	ck_assert_str_eq(e.safe, "cfg:3: bad key");
	err_clear(&e);
	ck_assert_int_eq(e.code, ERR_NONE);
	ck_assert_str_eq(e.safe, "");
	ck_assert_str_eq(e.detail, "");
}
END_TEST

START_TEST(test_err_code_name)
{
	ck_assert_str_eq(err_code_name(ERR_NONE), "none");
	ck_assert_str_eq(err_code_name(ERR_INVALID), "invalid");
	ck_assert_str_eq(err_code_name(ERR_NOT_FOUND), "not_found");
	ck_assert_str_eq(err_code_name(ERR_CONFLICT), "conflict");
	ck_assert_str_eq(err_code_name(ERR_UNPROCESSABLE), "unprocessable");
	ck_assert_str_eq(err_code_name(ERR_RATE_LIMITED), "rate_limited");
	ck_assert_str_eq(err_code_name(ERR_INTERNAL), "internal");
	ck_assert_str_eq(err_code_name(ERR__MAX), "internal");
	ck_assert_str_eq(err_code_name((enum err_code) - 1), "internal");
	/* Every code has its own distinct name. */
	for (int i = 0; i < ERR__MAX; i++)
		for (int j = i + 1; j < ERR__MAX; j++)
			ck_assert_str_ne(err_code_name((enum err_code)i),
					 err_code_name((enum err_code)j));
}
END_TEST

static Suite *
arena_suite(void)
{
	Suite *s = suite_create("arena");
	TCase *alloc = tcase_create("alloc");
	tcase_add_test(alloc, test_alloc_zeroed_aligned_independent);
	tcase_add_test(alloc, test_alloc_many_small);
	tcase_add_test(alloc, test_alloc_large_between_small);
	tcase_add_test(alloc, test_alloc_zero_size);
	tcase_add_test(alloc, test_printf);
	tcase_add_test(alloc, test_strndup_strdup);
	tcase_add_test(alloc, test_defer_reverse_once);
	tcase_add_test(alloc, test_defer_frees);
	suite_add_tcase(s, alloc);

	TCase *sb = tcase_create("strbuf");
	tcase_add_test(sb, test_strbuf_grow);
	tcase_add_test(sb, test_strbuf_binary_and_big_printf);
	tcase_add_test(sb, test_strbuf_html);
	suite_add_tcase(s, sb);

	TCase *err = tcase_create("err");
	tcase_add_test(err, test_err_set);
	tcase_add_test(err, test_err_defaults_all_codes);
	tcase_add_test(err, test_err_truncates);
	tcase_add_test(err, test_err_code_name);
	suite_add_tcase(s, err);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(arena_suite());
	srunner_run_all(sr, CK_ENV);
	int failures = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failures ? 1 : 0;
}
