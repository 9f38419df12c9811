/* test_zip.c - the zip writer (util/zip.h): entries stored and deflated read back through
 * the central directory with the right names, sizes, CRCs and bytes; an archive of 70,000
 * entries gets the zip64 end records (and Python's zipfile reads it); names that would
 * escape the archive's folder are refused; writing to a full disk fails cleanly. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "util/err.h"
#include "util/zip.h"

static uint32_t
get16(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t
get32(const unsigned char *p)
{
	return get16(p) | get16(p + 2) << 16;
}

static uint64_t
get64(const unsigned char *p)
{
	return get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* The whole file behind fd, malloc'd. */
static unsigned char *
slurp(int fd, size_t *len)
{
	off_t end = lseek(fd, 0, SEEK_END);
	ck_assert_int_ge(end, 22);
	unsigned char *buf = malloc((size_t)end);
	ck_assert_ptr_nonnull(buf);
	ck_assert_int_eq(pread(fd, buf, (size_t)end, 0), end);
	*len = (size_t)end;
	return buf;
}

/* A nameless temporary file. */
static int
temp_fd(void)
{
	FILE *f = tmpfile();
	ck_assert_ptr_nonnull(f);
	int fd = dup(fileno(f));
	fclose(f);
	return fd;
}

/* One entry as the central directory and its local header describe it, data inflated. */
struct got {
	char name[256];
	unsigned char *data;
	size_t len;
};

/* Reads every entry of the archive in buf (no comment, one disk). The count. */
static size_t
read_archive(const unsigned char *buf, size_t len, struct got *out, size_t max)
{
	const unsigned char *end = buf + len - 22;
	ck_assert_uint_eq(get32(end), 0x06054b50);
	uint64_t count = get16(end + 10), cd_size = get32(end + 12), cd_off = get32(end + 16);
	if (count == 0xffff) { /* zip64: the locator sits just before */
		const unsigned char *loc = end - 20;
		ck_assert_uint_eq(get32(loc), 0x07064b50);
		const unsigned char *r = buf + get64(loc + 8);
		ck_assert_uint_eq(get32(r), 0x06064b50);
		count = get64(r + 32);
		cd_size = get64(r + 40);
		cd_off = get64(r + 48);
	}
	ck_assert_uint_le(count, max);
	const unsigned char *p = buf + cd_off;
	for (uint64_t i = 0; i < count; i++) {
		ck_assert_uint_eq(get32(p), 0x02014b50);
		uint32_t method = get16(p + 10), crc = get32(p + 16), csize = get32(p + 20),
			 usize = get32(p + 24), nlen = get16(p + 28), xlen = get16(p + 30);
		uint64_t off = get32(p + 42);
		ck_assert_uint_eq(get16(p + 8) & 0x0800, 0x0800); /* UTF-8 names */
		memcpy(out[i].name, p + 46, nlen);
		out[i].name[nlen] = '\0';
		const unsigned char *lh = buf + off;
		ck_assert_uint_eq(get32(lh), 0x04034b50);
		ck_assert_uint_eq(get32(lh + 14), crc); /* written back into the local header */
		ck_assert_uint_eq(get32(lh + 18), csize);
		ck_assert_uint_eq(get32(lh + 22), usize);
		const unsigned char *data = lh + 30 + get16(lh + 26) + get16(lh + 28);
		out[i].data = malloc(usize + 1);
		out[i].len = usize;
		if (method == 0) {
			ck_assert_uint_eq(csize, usize);
			memcpy(out[i].data, data, usize);
		} else {
			ck_assert_uint_eq(method, 8);
			z_stream z = {0};
			ck_assert_int_eq(inflateInit2(&z, -15), Z_OK);
			z.next_in = (Bytef *)data;
			z.avail_in = csize;
			z.next_out = out[i].data;
			z.avail_out = usize + 1;
			ck_assert_int_eq(inflate(&z, Z_FINISH), Z_STREAM_END);
			ck_assert_uint_eq(z.total_out, usize);
			inflateEnd(&z);
		}
		ck_assert_uint_eq(crc32(0, out[i].data, usize), crc);
		p += 46 + nlen + xlen + get16(p + 32);
	}
	ck_assert_uint_eq((uint64_t)(p - (buf + cd_off)), cd_size);
	return (size_t)count;
}

START_TEST(test_entries_read_back)
{
	int fd = temp_fd();
	struct zipw *z = zipw_new(fd, 1800000000);
	struct err err;
	static char big[300000];
	for (size_t i = 0; i < sizeof big; i++)
		big[i] = (char)('a' + (i * 7 + i / 13) % 26);
	ck_assert_int_eq(zipw_add(z, "actor.json", "{\"a\":1}", 7, true, &err), 0);
	ck_assert_int_eq(zipw_add(z, "media/x.jpg", "\xff\xd8\xff", 3, false, &err), 0);
	ck_assert_int_eq(zipw_add(z, "empty.csv", "", 0, true, &err), 0);
	/* streamed in pieces, bigger than the writer's buffers */
	ck_assert_int_eq(zipw_begin(z, "outbox.json", true, &err), 0);
	for (size_t off = 0; off < sizeof big; off += 7000) {
		size_t n = sizeof big - off < 7000 ? sizeof big - off : 7000;
		ck_assert_int_eq(zipw_write(z, big + off, n, &err), 0);
	}
	ck_assert_int_eq(zipw_end(z, &err), 0);
	ck_assert_int_eq(zipw_add(z, "stored.bin", big, sizeof big, false, &err), 0);
	uint64_t size = 0;
	ck_assert_int_eq(zipw_finish(z, &size, &err), 0);
	zipw_free(z);
	size_t len;
	unsigned char *buf = slurp(fd, &len);
	ck_assert_uint_eq(size, len);
	struct got got[8];
	ck_assert_uint_eq(read_archive(buf, len, got, 8), 5);
	ck_assert_str_eq(got[0].name, "actor.json");
	ck_assert_mem_eq(got[0].data, "{\"a\":1}", 7);
	ck_assert_str_eq(got[1].name, "media/x.jpg");
	ck_assert_uint_eq(got[2].len, 0);
	ck_assert_str_eq(got[3].name, "outbox.json");
	ck_assert_uint_eq(got[3].len, sizeof big);
	ck_assert_mem_eq(got[3].data, big, sizeof big);
	ck_assert_mem_eq(got[4].data, big, sizeof big);
	for (int i = 0; i < 5; i++)
		free(got[i].data);
	free(buf);
	close(fd);
}
END_TEST

START_TEST(test_zip64_past_65535_entries)
{
	enum { N = 70000 };
	int fd = temp_fd();
	struct zipw *z = zipw_new(fd, 1800000000);
	struct err err;
	char name[32];
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof name, "media/%06d", i);
		ck_assert_int_eq(zipw_add(z, name, name, strlen(name), false, &err), 0);
	}
	uint64_t size;
	ck_assert_int_eq(zipw_finish(z, &size, &err), 0);
	zipw_free(z);
	size_t len;
	unsigned char *buf = slurp(fd, &len);
	struct got *got = calloc(N, sizeof *got);
	ck_assert_uint_eq(read_archive(buf, len, got, N), N);
	ck_assert_str_eq(got[N - 1].name, "media/069999");
	ck_assert_mem_eq(got[N - 1].data, "media/069999", 12);
	for (int i = 0; i < N; i++)
		free(got[i].data);
	free(got);
	/* and a reader that is not ours agrees */
	char path[] = "/tmp/parasol-test-zip-XXXXXX";
	int out = mkstemp(path);
	ck_assert_int_ge(out, 0);
	ck_assert_int_eq(write(out, buf, len), (ssize_t)len);
	close(out);
	char cmd[256];
	snprintf(cmd, sizeof cmd,
		 "python3 -c 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]);"
		 " assert z.testzip() is None; assert len(z.namelist()) == %d' %s",
		 N, path);
	int rc = system(cmd);
	unlink(path);
	ck_assert_int_eq(rc, 0);
	free(buf);
	close(fd);
}
END_TEST

START_TEST(test_names_that_escape_are_refused)
{
	int fd = temp_fd();
	struct zipw *z = zipw_new(fd, 0);
	struct err err;
	const char *bad[] = {"",   "/etc/passwd", "../x",     "a/../../x", "a//b",
			     "a/", "./a",	  "a\\..\\b", "a\nb"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ck_assert_int_eq(zipw_begin(z, bad[i], false, &err), -1);
		ck_assert_int_eq(err.code, ERR_INTERNAL);
	}
	/* writing outside an entry, or finishing inside one, is refused too */
	ck_assert_int_eq(zipw_write(z, "x", 1, &err), -1);
	ck_assert_int_eq(zipw_begin(z, "ok.txt", false, &err), 0);
	uint64_t size;
	ck_assert_int_eq(zipw_finish(z, &size, &err), -1);
	ck_assert_int_eq(zipw_end(z, &err), 0);
	ck_assert_int_eq(zipw_finish(z, &size, &err), 0);
	zipw_free(z);
	close(fd);
}
END_TEST

START_TEST(test_full_disk)
{
	int fd = open("/dev/full", O_WRONLY);
	if (fd < 0)
		ck_abort_msg("/dev/full: %s", strerror(errno));
	struct zipw *z = zipw_new(fd, 0);
	struct err err;
	static char big[200000];
	int rc = zipw_add(z, "big.bin", big, sizeof big, false, &err);
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err.code, ERR_UNAVAILABLE);
	zipw_free(z);
	close(fd);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("zip");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_entries_read_back);
	tcase_add_test(tc, test_zip64_past_65535_entries);
	tcase_add_test(tc, test_names_that_escape_are_refused);
	tcase_add_test(tc, test_full_disk);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
