/* test_imghead.c - image formats and declared sizes read from the first bytes
 * (util/imghead.h), and BlurHash encoding (util/blurhash.h). */
#include <check.h>
#include <string.h>

#include "util/blurhash.h"
#include "util/imghead.h"

START_TEST(test_png)
{
	unsigned char png[33] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x75\x30\0\0\x75\x30\x08\x02";
	struct img_head h;
	ck_assert_int_eq(imghead_read(png, sizeof png, &h), 0);
	ck_assert_int_eq(h.format, IMG_PNG);
	ck_assert_int_eq(h.width, 30000);
	ck_assert_int_eq(h.height, 30000);
	ck_assert_int_eq(imghead_read(png, 20, &h), -1); /* cut short */
	ck_assert_int_eq(h.format, IMG_PNG);
	png[16] = png[17] = png[18] = png[19] = 0; /* zero width */
	ck_assert_int_eq(imghead_read(png, sizeof png, &h), -1);
}
END_TEST

START_TEST(test_jpeg)
{
	/* SOI, an APP1 segment of 8 bytes to skip, then SOF0 declaring 600 high, 800 wide */
	const unsigned char jpg[] = {0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x08, 'E', 'x', 'i', 'f', 0, 0,
				     0xFF, 0xC0, 0x00, 0x11, 0x08, 0x02, 0x58, 0x03, 0x20, 0x03};
	struct img_head h;
	ck_assert_int_eq(imghead_read(jpg, sizeof jpg, &h), 0);
	ck_assert_int_eq(h.format, IMG_JPEG);
	ck_assert_int_eq(h.width, 800);
	ck_assert_int_eq(h.height, 600);
	/* a segment length pointing past the end, or scan data before any frame */
	const unsigned char bad[] = {0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xF0, 0, 0};
	ck_assert_int_eq(imghead_read(bad, sizeof bad, &h), -1);
	const unsigned char sos[] = {0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x08, 0, 0, 0, 0, 0, 0};
	ck_assert_int_eq(imghead_read(sos, sizeof sos, &h), -1);
	const unsigned char tiny[] = {0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x02};
	ck_assert_int_eq(imghead_read(tiny, sizeof tiny, &h), -1);
}
END_TEST

START_TEST(test_gif_webp_heif)
{
	struct img_head h;
	const unsigned char gif[] = "GIF89a\x40\x01\xf0\x00";
	ck_assert_int_eq(imghead_read(gif, 10, &h), 0);
	ck_assert_int_eq(h.format, IMG_GIF);
	ck_assert_int_eq(h.width, 320);
	ck_assert_int_eq(h.height, 240);

	unsigned char webp[30] = "RIFF\0\0\0\0WEBPVP8X\x0a\0\0\0\0\0\0\0";
	webp[24] = 0x3f; /* width - 1 = 0x00013f: 320 */
	webp[25] = 0x01;
	webp[27] = 0xef; /* height - 1 = 0x0000ef: 240 */
	ck_assert_int_eq(imghead_read(webp, sizeof webp, &h), 0);
	ck_assert_int_eq(h.format, IMG_WEBP);
	ck_assert_int_eq(h.width, 320);
	ck_assert_int_eq(h.height, 240);
	memcpy(webp + 12, "VP9 ", 4);
	ck_assert_int_eq(imghead_read(webp, sizeof webp, &h), -1);

	const unsigned char heic[] = {0, 0, 0, 24, 'f', 't', 'y', 'p', 'h', 'e', 'i', 'c',
				      0, 0, 0, 0, 'm', 'i', 'f', '1', 'h', 'e', 'i', 'c'};
	ck_assert_int_eq(imghead_read(heic, sizeof heic, &h), 0);
	ck_assert_int_eq(h.format, IMG_HEIF);
	ck_assert_int_eq(h.width, 0);
	const unsigned char mp4[] = {0, 0, 0, 16, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm',
				     0, 0, 0, 0};
	ck_assert_int_eq(imghead_read(mp4, sizeof mp4, &h), -1);
	ck_assert_int_eq(h.format, IMG_UNKNOWN);
}
END_TEST

START_TEST(test_not_images)
{
	struct img_head h;
	const char *svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>";
	ck_assert_int_eq(imghead_read((const unsigned char *)svg, strlen(svg), &h), -1);
	ck_assert_int_eq(h.format, IMG_UNKNOWN);
	ck_assert_int_eq(imghead_read((const unsigned char *)"", 0, &h), -1);
	ck_assert_int_eq(imghead_read(NULL, 0, &h), -1);
}
END_TEST

/* The expected hashes are what Wolt's C reference encoder (C/encode.c of woltapp/blurhash,
 * which Mastodon's blurhash gem wraps; compiled once outside this tree) gives for the same
 * pixels. A solid colour still has AC values: the sampled cosines don't sum to zero.
 * (Wolt's TypeScript encoder scales by the largest signed AC value rather than the largest
 * magnitude, so it differs where a negative one is largest, as in the halves below.) */
START_TEST(test_blurhash_solid)
{
	unsigned char px[8 * 6 * 3];
	for (size_t i = 0; i < sizeof px; i += 3) {
		px[i] = 255;
		px[i + 1] = 0;
		px[i + 2] = 0;
	}
	char out[BLURHASH_MAX_LEN];
	ck_assert_int_eq(blurhash_encode(px, 8, 6, 8 * 3, 4, 3, out), 0);
	ck_assert_str_eq(out, "LsTI:j]9fQ]9|csUfQsUfQfQfQfQ");
	ck_assert_int_eq(blurhash_encode(px, 8, 6, 8 * 3, 1, 1, out), 0);
	ck_assert_str_eq(out, "00TI:j");
	ck_assert_int_eq(blurhash_encode(px, 8, 6, 8 * 3, 10, 1, out), -1);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(blurhash_encode(px, 0, 6, 8 * 3, 4, 3, out), -1);
	ck_assert_int_eq(blurhash_encode(px, 8, 6, 8 * 2, 4, 3, out), -1); /* stride too short */
}
END_TEST

START_TEST(test_blurhash_patterns)
{
	unsigned char halves[16 * 4 * 3];
	for (int y = 0; y < 4; y++)
		for (int x = 0; x < 16; x++)
			memset(halves + (y * 16 + x) * 3, x < 8 ? 0 : 255, 3);
	char out[BLURHASH_MAX_LEN];
	ck_assert_int_eq(blurhash_encode(halves, 16, 4, 16 * 3, 2, 2, out), 0);
	ck_assert_str_eq(out, "A~Lqe900-;IU");
	/* 7 x 5, rows 8 bytes apart (stride), every pixel different */
	unsigned char px[5 * 24];
	memset(px, 0xAA, sizeof px);
	for (int y = 0; y < 5; y++)
		for (int x = 0; x < 7; x++) {
			unsigned char *p = px + y * 24 + x * 3;
			p[0] = (unsigned char)((x * 37) % 256);
			p[1] = (unsigned char)((y * 71) % 256);
			p[2] = (unsigned char)(((x + y) * 53) % 256);
		}
	ck_assert_int_eq(blurhash_encode(px, 7, 5, 24, 4, 3, out), 0);
	ck_assert_str_eq(out, "LmF#]~3BWo%3#YNxa[nydHeofKep");
}
END_TEST

static Suite *
imghead_suite(void)
{
	Suite *s = suite_create("imghead");
	TCase *tc = tcase_create("imghead");
	tcase_add_test(tc, test_png);
	tcase_add_test(tc, test_jpeg);
	tcase_add_test(tc, test_gif_webp_heif);
	tcase_add_test(tc, test_not_images);
	tcase_add_test(tc, test_blurhash_solid);
	tcase_add_test(tc, test_blurhash_patterns);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(imghead_suite());
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
