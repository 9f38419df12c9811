/* test_compress.c - Accept-Encoding negotiation (q-values, "*", identity, malformed input),
 * the compressible types, and gzip that inflates back to the input. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "http/compress.h"

START_TEST(test_accepts_plain_lists)
{
	ck_assert(compress_accepts_gzip("gzip"));
	ck_assert(compress_accepts_gzip("gzip, deflate, br"));
	ck_assert(compress_accepts_gzip("br;q=1.0, gzip;q=0.8, *;q=0.1"));
	ck_assert(compress_accepts_gzip("deflate,GZIP"));
	ck_assert(compress_accepts_gzip("x-gzip"));
	ck_assert(compress_accepts_gzip("*"));
	ck_assert(compress_accepts_gzip("  gzip  ;  q=0.001 "));
	ck_assert(compress_accepts_gzip("gzip;Q=1"));
}
END_TEST

START_TEST(test_refusals)
{
	ck_assert(!compress_accepts_gzip(NULL));
	ck_assert(!compress_accepts_gzip(""));
	ck_assert(!compress_accepts_gzip("identity"));
	ck_assert(!compress_accepts_gzip("deflate, br"));
	ck_assert(!compress_accepts_gzip("gzip;q=0"));
	ck_assert(!compress_accepts_gzip("gzip;q=0.000"));
	ck_assert(!compress_accepts_gzip("gzip; q=0, *")); /* listed beats "*" */
	ck_assert(!compress_accepts_gzip("*;q=0"));
	ck_assert(!compress_accepts_gzip("*, gzip;q=0"));
	/* not gzip, only a name that starts with it */
	ck_assert(!compress_accepts_gzip("gzipper"));
	ck_assert(!compress_accepts_gzip("gzip2;q=1"));
	/* identity preferred explicitly */
	ck_assert(!compress_accepts_gzip("gzip;q=0.5, identity;q=0.9"));
	ck_assert(compress_accepts_gzip("gzip;q=0.9, identity;q=0.5"));
	ck_assert(compress_accepts_gzip("gzip, identity"));
}
END_TEST

START_TEST(test_malformed_elements_skipped)
{
	/* a malformed weight makes the element unusable, not the header */
	ck_assert(!compress_accepts_gzip("gzip;q=2"));
	ck_assert(!compress_accepts_gzip("gzip;q=1.5"));
	ck_assert(!compress_accepts_gzip("gzip;q=abc"));
	ck_assert(!compress_accepts_gzip("gzip;q=0.1234"));
	ck_assert(!compress_accepts_gzip("gzip;level=1"));
	ck_assert(compress_accepts_gzip("gzip;q=oops, x-gzip"));
	ck_assert(compress_accepts_gzip(",,, gzip ,"));
	ck_assert(compress_accepts_gzip("gzip;q=1.000"));
	ck_assert(!compress_accepts_gzip("gzip;q=1.001"));
}
END_TEST

START_TEST(test_types)
{
	ck_assert(compress_type_ok("text/html; charset=utf-8"));
	ck_assert(compress_type_ok("text/css; charset=utf-8"));
	ck_assert(compress_type_ok("text/plain"));
	ck_assert(compress_type_ok("application/json; charset=utf-8"));
	ck_assert(compress_type_ok("application/activity+json"));
	ck_assert(compress_type_ok(
	    "application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\""));
	ck_assert(compress_type_ok("application/jrd+json"));
	ck_assert(compress_type_ok("application/xrd+xml; charset=utf-8"));
	ck_assert(compress_type_ok("application/xml"));
	ck_assert(compress_type_ok("image/svg+xml"));
	ck_assert(compress_type_ok("Text/HTML"));
	ck_assert(!compress_type_ok(NULL));
	ck_assert(!compress_type_ok(""));
	ck_assert(!compress_type_ok("image/png"));
	ck_assert(!compress_type_ok("image/webp"));
	ck_assert(!compress_type_ok("font/woff2"));
	ck_assert(!compress_type_ok("application/octet-stream"));
	ck_assert(!compress_type_ok("application/gzip"));
	ck_assert(!compress_type_ok("text/"));
}
END_TEST

static void
check_round_trip(const char *in, size_t len, int level)
{
	size_t gz_len = 0;
	unsigned char *gz = compress_gzip(in, len, level, &gz_len);
	ck_assert_ptr_nonnull(gz);
	ck_assert_uint_lt(gz_len, len);
	ck_assert_uint_eq(gz[0], 0x1f); /* the gzip magic */
	ck_assert_uint_eq(gz[1], 0x8b);
	char *out = malloc(len + 1);
	z_stream z = {0};
	ck_assert_int_eq(inflateInit2(&z, 15 + 16), Z_OK);
	z.next_in = gz;
	z.avail_in = (uInt)gz_len;
	z.next_out = (Bytef *)out;
	z.avail_out = (uInt)len + 1;
	ck_assert_int_eq(inflate(&z, Z_FINISH), Z_STREAM_END);
	ck_assert_uint_eq(z.total_out, len);
	ck_assert_mem_eq(out, in, len);
	inflateEnd(&z);
	free(out);
	free(gz);
}

START_TEST(test_gzip_round_trip)
{
	size_t len = 20000;
	char *page = malloc(len);
	for (size_t i = 0; i < len; i++)
		page[i] = "<p>a post about parasols</p>\n"[i % 29];
	/* the same thread's stream is reused, at different levels */
	check_round_trip(page, len, 5);
	check_round_trip(page, len, 9);
	check_round_trip(page, 1500, 1);
	check_round_trip(page, len, 5);
	free(page);
}
END_TEST

START_TEST(test_gzip_refuses_what_does_not_shrink)
{
	unsigned char noise[256];
	unsigned x = 12345;
	for (size_t i = 0; i < sizeof noise; i++) {
		x = x * 1103515245 + 12345;
		noise[i] = (unsigned char)(x >> 16);
	}
	size_t len = 99;
	ck_assert_ptr_null(compress_gzip(noise, sizeof noise, 5, &len));
	ck_assert_uint_eq(len, 99);
	ck_assert_ptr_null(compress_gzip("abc", 3, 0, &len));
	ck_assert_ptr_null(compress_gzip("abc", 3, 10, &len));
}
END_TEST

static Suite *
compress_suite(void)
{
	Suite *s = suite_create("compress");
	TCase *tc = tcase_create("compress");
	tcase_add_test(tc, test_accepts_plain_lists);
	tcase_add_test(tc, test_refusals);
	tcase_add_test(tc, test_malformed_elements_skipped);
	tcase_add_test(tc, test_types);
	tcase_add_test(tc, test_gzip_round_trip);
	tcase_add_test(tc, test_gzip_refuses_what_does_not_shrink);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(compress_suite());
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
