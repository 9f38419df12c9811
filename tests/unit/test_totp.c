/* test_totp.c - two-factor sign-in's pure parts: HOTP against RFC 4226's test values, TOTP
 * against RFC 6238's (SHA-1), the window and the replay rule with the time passed in,
 * base32 against RFC 4648's test vectors, the otpauth URI, sealing secrets with the node key
 * (util/secretbox.h) and the QR code's SVG path against libqrencode's own matrix. */
#include <check.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/totp.h"
#include "util/arena.h"
#include "util/base32.h"
#include "util/err.h"
#include "util/qr.h"
#include "util/secretbox.h"

/* RFC 4226 appendix D and RFC 6238 appendix B: the ASCII secret "12345678901234567890". */
static const unsigned char rfc_key[] = "12345678901234567890";
#define RFC_KEYLEN 20

START_TEST(test_hotp_rfc4226)
{
	static const long want[10] = {755224, 287082, 359152, 969429, 338314,
				      254676, 287922, 162583, 399871, 520489};
	for (uint64_t c = 0; c < 10; c++)
		ck_assert_int_eq(totp_hotp(rfc_key, RFC_KEYLEN, c, 6), want[c]);
	ck_assert_int_eq(totp_hotp(rfc_key, RFC_KEYLEN, 0, 5), -1);
	ck_assert_int_eq(totp_hotp(rfc_key, RFC_KEYLEN, 0, 9), -1);
}
END_TEST

START_TEST(test_totp_rfc6238)
{
	static const struct {
		int64_t t;
		long code;
	} v[] = {
		{59, 94287082},		 {1111111109, 7081804}, {1111111111, 14050471},
		{1234567890, 89005924}, {2000000000, 69279037}, {20000000000LL, 65353130},
	};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		ck_assert_int_eq(totp_hotp(rfc_key, RFC_KEYLEN, (uint64_t)totp_step(v[i].t), 8),
				 v[i].code);
	ck_assert_int_eq(totp_step(0), 0);
	ck_assert_int_eq(totp_step(29), 0);
	ck_assert_int_eq(totp_step(30), 1);
}
END_TEST

/* The 6-digit code of step s for the RFC key. */
static void
code_at(int64_t s, char out[8])
{
	snprintf(out, 8, "%06ld", totp_hotp(rfc_key, RFC_KEYLEN, (uint64_t)s, 6));
}

START_TEST(test_match_window)
{
	const int64_t now = 1111111111, step = totp_step(now);
	char c[8];
	for (int off = -1; off <= 1; off++) {
		code_at(step + off, c);
		ck_assert_int_eq(totp_match(rfc_key, RFC_KEYLEN, c, now, TOTP_WINDOW, 0),
				 step + off);
	}
	for (int off = -3; off <= 3; off += 5) {
		code_at(step + off, c);
		ck_assert_int_eq(totp_match(rfc_key, RFC_KEYLEN, c, now, TOTP_WINDOW, 0), -1);
	}
	code_at(step + 2, c);
	ck_assert_int_eq(totp_match(rfc_key, RFC_KEYLEN, c, now, TOTP_WINDOW, 0), -1);
	code_at(step - 2, c);
	ck_assert_int_eq(totp_match(rfc_key, RFC_KEYLEN, c, now, TOTP_WINDOW, 0), -1);
	/* the clock moved on: the same code, a step later, is the step before */
	code_at(step, c);
	ck_assert_int_eq(totp_match(rfc_key, RFC_KEYLEN, c, now + 30, TOTP_WINDOW, 0), step);
	ck_assert_int_eq(totp_match(rfc_key, RFC_KEYLEN, c, now + 60, TOTP_WINDOW, 0), -1);
}
END_TEST

START_TEST(test_match_replay_and_shape)
{
	const int64_t now = 1234567890, step = totp_step(now);
	char c[8];
	code_at(step, c);
	ck_assert_int_eq(totp_match(rfc_key, RFC_KEYLEN, c, now, 1, step - 1), step);
	ck_assert_int_eq(totp_match(rfc_key, RFC_KEYLEN, c, now, 1, step), -1); /* used */
	ck_assert_int_eq(totp_match(rfc_key, RFC_KEYLEN, c, now, 1, step + 1), -1);
	code_at(step + 1, c);
	ck_assert_int_eq(totp_match(rfc_key, RFC_KEYLEN, c, now, 1, step), step + 1);
	const char *bad[] = {"", "12345", "1234567", "12345a", " 12345", "-12345", "+12345", NULL};
	for (int i = 0; bad[i]; i++) {
		ck_assert(!totp_is_code(bad[i]));
		ck_assert_int_eq(totp_match(rfc_key, RFC_KEYLEN, bad[i], now, 1, 0), -1);
	}
	ck_assert(totp_is_code("000000"));
}
END_TEST

START_TEST(test_base32_rfc4648)
{
	static const char *const in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
	static const char *const padded[] = {"",	 "MY======", "MZXQ====", "MZXW6===",
					     "MZXW6YQ=", "MZXW6YTB", "MZXW6YTBOI======"};
	static const char *const bare[] = {"", "MY", "MZXQ", "MZXW6", "MZXW6YQ", "MZXW6YTB",
					   "MZXW6YTBOI"};
	char out[64];
	for (int i = 0; i < 7; i++) {
		size_t n = strlen(in[i]);
		ck_assert_uint_eq(base32_encode((const unsigned char *)in[i], n, true, out),
				  strlen(padded[i]));
		ck_assert_str_eq(out, padded[i]);
		ck_assert_uint_eq(base32_len(n, true), strlen(padded[i]));
		base32_encode((const unsigned char *)in[i], n, false, out);
		ck_assert_str_eq(out, bare[i]);
		ck_assert_uint_eq(base32_len(n, false), strlen(bare[i]));
	}
	/* RFC 6238's key, as authenticator apps are given it */
	base32_encode(rfc_key, RFC_KEYLEN, false, out);
	ck_assert_str_eq(out, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
}
END_TEST

START_TEST(test_uri)
{
	struct arena *a = arena_new();
	ck_assert_str_eq(totp_uri(a, "Sex Work & Co", "rose", "GEZDGNBV"),
			 "otpauth://totp/Sex%20Work%20%26%20Co:rose?secret=GEZDGNBV&issuer="
			 "Sex%20Work%20%26%20Co&algorithm=SHA1&digits=6&period=30");
	arena_free(a);
}
END_TEST

START_TEST(test_secretbox)
{
	struct arena *a = arena_new();
	struct err err;
	char dir[] = "/tmp/parasol-test-totp-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char path[128];
	snprintf(path, sizeof path, "%s/node.key", dir);
	unsigned char key[SECRETBOX_KEY_BYTES], again[SECRETBOX_KEY_BYTES];
	ck_assert_int_eq(secretbox_key_load(path, key, &err), 0); /* made */
	ck_assert_int_eq(secretbox_key_load(path, again, &err), 0); /* read back */
	ck_assert_mem_eq(key, again, sizeof key);
	char *s1 = secretbox_seal(a, key, "parasol totp 1", rfc_key, RFC_KEYLEN, &err);
	char *s2 = secretbox_seal(a, key, "parasol totp 1", rfc_key, RFC_KEYLEN, &err);
	ck_assert_ptr_nonnull(s1);
	ck_assert_str_ne(s1, s2); /* a fresh nonce each time */
	ck_assert_uint_eq(strlen(s1), 2 * (12 + RFC_KEYLEN + 16));
	unsigned char out[64];
	ck_assert_int_eq(secretbox_open(key, "parasol totp 1", s1, out, sizeof out, &err),
			 RFC_KEYLEN);
	ck_assert_mem_eq(out, rfc_key, RFC_KEYLEN);
	/* another owner, another key, a changed byte, garbage: nothing opens */
	ck_assert_int_eq(secretbox_open(key, "parasol totp 2", s1, out, sizeof out, &err), -1);
	unsigned char other[SECRETBOX_KEY_BYTES];
	memcpy(other, key, sizeof other);
	other[0] ^= 1;
	ck_assert_int_eq(secretbox_open(other, "parasol totp 1", s1, out, sizeof out, &err), -1);
	s1[30] = s1[30] == '0' ? '1' : '0';
	ck_assert_int_eq(secretbox_open(key, "parasol totp 1", s1, out, sizeof out, &err), -1);
	ck_assert_int_eq(secretbox_open(key, "parasol totp 1", "zz", out, sizeof out, &err), -1);
	ck_assert_int_eq(secretbox_open(key, "parasol totp 1", "", out, sizeof out, &err), -1);
	/* a key file of the wrong size is refused, not used */
	FILE *f = fopen(path, "w");
	fputs("short", f);
	fclose(f);
	ck_assert_int_eq(secretbox_key_load(path, again, &err), -1);
	unlink(path);
	rmdir(dir);
	arena_free(a);
}
END_TEST

START_TEST(test_qr_path)
{
	struct arena *a = arena_new();
	struct err err;
	const char *uri = "otpauth://totp/parasol:rose?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
	char *path;
	int size;
	ck_assert_int_eq(qr_svg_path(a, uri, &path, &size, &err), 0);
	QRcode *qr = QRcode_encodeString8bit(uri, 0, QR_ECLEVEL_M);
	ck_assert_ptr_nonnull(qr);
	ck_assert_int_eq(size, qr->width + 2 * QR_QUIET);
	/* every dark module is one square, in order, and nothing else is drawn */
	const char *p = path;
	for (int y = 0; y < qr->width; y++)
		for (int x = 0; x < qr->width; x++) {
			if (!(qr->data[y * qr->width + x] & 1))
				continue;
			char want[32];
			int n = snprintf(want, sizeof want, "M%d %dh1v1h-1z", x + QR_QUIET,
					 y + QR_QUIET);
			ck_assert_int_eq(strncmp(p, want, (size_t)n), 0);
			p += n;
		}
	ck_assert_str_eq(p, "");
	ck_assert_uint_eq(strspn(path, "Mhvz0123456789 -"), strlen(path));
	QRcode_free(qr);
	arena_free(a);
}
END_TEST

static Suite *
totp_suite(void)
{
	Suite *s = suite_create("totp");
	TCase *tc = tcase_create("totp");
	tcase_add_test(tc, test_hotp_rfc4226);
	tcase_add_test(tc, test_totp_rfc6238);
	tcase_add_test(tc, test_match_window);
	tcase_add_test(tc, test_match_replay_and_shape);
	tcase_add_test(tc, test_base32_rfc4648);
	tcase_add_test(tc, test_uri);
	tcase_add_test(tc, test_secretbox);
	tcase_add_test(tc, test_qr_path);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(totp_suite());
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
