/* zip.c - see zip.h. The layout is PKWARE's APPNOTE.TXT (sections 4.3 and 4.4): a local
 * header and the data of each entry, then the central directory, then the end records. */
#include "util/zip.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "util/err.h"
#include "util/log.h"

#define BUF_SIZE 65536
#define NAME_MAX_BYTES 255
#define U32_MAX 0xffffffffu
#define U16_MAX 0xffffu
#define LOCAL_SIG 0x04034b50u
#define CENTRAL_SIG 0x02014b50u
#define END_SIG 0x06054b50u
#define END64_SIG 0x06064b50u
#define LOCATOR64_SIG 0x07064b50u
#define FLAG_UTF8 0x0800u
#define METHOD_STORED 0
#define METHOD_DEFLATE 8
#define VERSION_20 20
#define VERSION_45 45	    /* zip64 */
#define MADE_BY_UNIX 0x031e /* Unix, spec 3.0 */
#define MODE_FILE 0100644u
#define LOCAL_HEADER 30
#define CRC_OFFSET 14 /* crc, compressed and uncompressed sizes follow one another */

struct entry {
	char *name;
	uint64_t offset; /* of its local header */
	uint32_t crc, csize, usize;
	uint16_t method;
};

struct zipw {
	int fd;
	uint16_t dos_time, dos_date;
	uint64_t written; /* bytes handed to the file so far, buffer included */
	unsigned char buf[BUF_SIZE];
	size_t nbuf;
	struct entry *entries;
	size_t nentries, cap;
	bool open; /* an entry was begun and not ended */
	bool finished;
	z_stream z;
	bool z_ready;
	uint64_t usize, csize; /* of the open entry */
	uint32_t crc;
	unsigned char zout[BUF_SIZE];
};

static void
put16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void
put32(unsigned char *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static void
put64(unsigned char *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static int
write_error(int e, struct err *err)
{
	if (e == ENOSPC || e == EDQUOT)
		return err_set(err, ERR_UNAVAILABLE,
			       "There is no room on the server right now. Please try again later, "
			       "and tell the admins.",
			       "zip: %s", strerror(e));
	return err_set(err, ERR_INTERNAL, NULL, "zip: write: %s", strerror(e));
}

static int
flush(struct zipw *z, struct err *err)
{
	size_t done = 0;
	while (done < z->nbuf) {
		ssize_t n = write(z->fd, z->buf + done, z->nbuf - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return write_error(n < 0 ? errno : EIO, err);
		done += (size_t)n;
	}
	z->nbuf = 0;
	return 0;
}

/* Appends raw bytes to the file (through the buffer). */
static int
out(struct zipw *z, const void *data, size_t len, struct err *err)
{
	const unsigned char *p = data;
	while (len > 0) {
		if (z->nbuf == BUF_SIZE && flush(z, err) != 0)
			return -1;
		size_t room = BUF_SIZE - z->nbuf;
		size_t n = len < room ? len : room;
		memcpy(z->buf + z->nbuf, p, n);
		z->nbuf += n;
		z->written += n;
		p += n;
		len -= n;
	}
	return 0;
}

struct zipw *
zipw_new(int fd, time_t mtime)
{
	struct zipw *z = calloc(1, sizeof *z);
	if (z == NULL) {
		log_msg(LOG_ERROR, "out of memory");
		abort();
	}
	z->fd = fd;
	struct tm tm;
	if (gmtime_r(&mtime, &tm) == NULL || tm.tm_year < 80)
		tm = (struct tm){.tm_year = 80, .tm_mday = 1};
	z->dos_time = (uint16_t)(tm.tm_hour << 11 | tm.tm_min << 5 | tm.tm_sec / 2);
	z->dos_date = (uint16_t)((tm.tm_year - 80) << 9 | (tm.tm_mon + 1) << 5 | tm.tm_mday);
	return z;
}

void
zipw_free(struct zipw *z)
{
	if (z == NULL)
		return;
	for (size_t i = 0; i < z->nentries; i++)
		free(z->entries[i].name);
	free(z->entries);
	if (z->z_ready)
		deflateEnd(&z->z);
	free(z);
}

static bool
name_ok(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > NAME_MAX_BYTES || name[0] == '/' || name[n - 1] == '/')
		return false;
	for (const char *seg = name; seg != NULL;) {
		const char *slash = strchr(seg, '/');
		size_t len = slash ? (size_t)(slash - seg) : strlen(seg);
		if (len == 0 || (len == 2 && seg[0] == '.' && seg[1] == '.') ||
		    (len == 1 && seg[0] == '.'))
			return false;
		seg = slash ? slash + 1 : NULL;
	}
	for (const char *p = name; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == '\\')
			return false;
	return true;
}

int
zipw_begin(struct zipw *z, const char *name, bool deflate, struct err *err)
{
	if (z->open || z->finished || !name_ok(name))
		return err_set(err, ERR_INTERNAL, NULL, "zip: bad entry or call order");
	if (z->nentries == z->cap) {
		size_t cap = z->cap ? z->cap * 2 : 64;
		struct entry *e = realloc(z->entries, cap * sizeof *e);
		if (e == NULL) {
			log_msg(LOG_ERROR, "out of memory");
			abort();
		}
		z->entries = e;
		z->cap = cap;
	}
	struct entry *e = &z->entries[z->nentries];
	*e = (struct entry){.offset = z->written,
			    .method = deflate ? METHOD_DEFLATE : METHOD_STORED};
	e->name = strdup(name);
	if (e->name == NULL) {
		log_msg(LOG_ERROR, "out of memory");
		abort();
	}
	z->nentries++;
	if (deflate) {
		int rc = z->z_ready ? deflateReset(&z->z)
				    : deflateInit2(&z->z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8,
						   Z_DEFAULT_STRATEGY);
		if (rc != Z_OK)
			return err_set(err, ERR_INTERNAL, NULL, "zip: deflate init %d", rc);
		z->z_ready = true;
	}
	z->open = true;
	z->usize = z->csize = 0;
	z->crc = (uint32_t)crc32(0L, Z_NULL, 0);
	size_t n = strlen(name);
	unsigned char h[LOCAL_HEADER];
	put32(h, LOCAL_SIG);
	put16(h + 4, VERSION_20);
	put16(h + 6, FLAG_UTF8);
	put16(h + 8, e->method);
	put16(h + 10, z->dos_time);
	put16(h + 12, z->dos_date);
	memset(h + CRC_OFFSET, 0, 12); /* written back by zipw_end */
	put16(h + 26, (uint16_t)n);
	put16(h + 28, 0);
	if (out(z, h, sizeof h, err) != 0 || out(z, name, n, err) != 0)
		return -1;
	return 0;
}

/* Runs deflate over input (flush Z_FINISH at the end of the entry) and writes its output. */
static int
deflate_out(struct zipw *z, const void *data, size_t len, int mode, struct err *err)
{
	z->z.next_in = (Bytef *)data;
	z->z.avail_in = (uInt)len;
	int rc;
	do {
		z->z.next_out = z->zout;
		z->z.avail_out = sizeof z->zout;
		rc = deflate(&z->z, mode);
		if (rc == Z_STREAM_ERROR)
			return err_set(err, ERR_INTERNAL, NULL, "zip: deflate failed");
		size_t have = sizeof z->zout - z->z.avail_out;
		z->csize += have;
		if (out(z, z->zout, have, err) != 0)
			return -1;
	} while (z->z.avail_out == 0 || (mode == Z_FINISH && rc != Z_STREAM_END));
	return 0;
}

int
zipw_write(struct zipw *z, const void *data, size_t len, struct err *err)
{
	if (!z->open)
		return err_set(err, ERR_INTERNAL, NULL, "zip: write outside an entry");
	const unsigned char *p = data;
	while (len > 0) { /* zlib counts in uInt */
		size_t n = len < (1u << 30) ? len : (1u << 30);
		if (z->usize + n >= U32_MAX)
			return err_set(err, ERR_TOO_LARGE, "A file of the archive is too large.",
				       "zip: entry past 4 GiB");
		z->crc = (uint32_t)crc32(z->crc, p, (uInt)n);
		z->usize += n;
		struct entry *e = &z->entries[z->nentries - 1];
		if (e->method == METHOD_DEFLATE) {
			if (deflate_out(z, p, n, Z_NO_FLUSH, err) != 0)
				return -1;
		} else {
			z->csize += n;
			if (out(z, p, n, err) != 0)
				return -1;
		}
		p += n;
		len -= n;
	}
	return 0;
}

int
zipw_end(struct zipw *z, struct err *err)
{
	if (!z->open)
		return err_set(err, ERR_INTERNAL, NULL, "zip: end outside an entry");
	struct entry *e = &z->entries[z->nentries - 1];
	if (e->method == METHOD_DEFLATE && deflate_out(z, NULL, 0, Z_FINISH, err) != 0)
		return -1;
	if (z->csize >= U32_MAX)
		return err_set(err, ERR_TOO_LARGE, "A file of the archive is too large.",
			       "zip: entry past 4 GiB");
	e->crc = z->crc;
	e->csize = (uint32_t)z->csize;
	e->usize = (uint32_t)z->usize;
	z->open = false;
	/* the header is behind us: write its crc and sizes where they belong */
	if (flush(z, err) != 0)
		return -1;
	unsigned char f[12];
	put32(f, e->crc);
	put32(f + 4, e->csize);
	put32(f + 8, e->usize);
	ssize_t n;
	do
		n = pwrite(z->fd, f, sizeof f, (off_t)(e->offset + CRC_OFFSET));
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof f)
		return write_error(n < 0 ? errno : EIO, err);
	return 0;
}

int
zipw_add(struct zipw *z, const char *name, const void *data, size_t len, bool deflate,
	 struct err *err)
{
	if (zipw_begin(z, name, deflate, err) != 0 || zipw_write(z, data, len, err) != 0 ||
	    zipw_end(z, err) != 0)
		return -1;
	return 0;
}

/* One central directory record; entries whose local header lies past 4 GiB carry it in a
 * zip64 extra field. */
static int
central_record(struct zipw *z, const struct entry *e, struct err *err)
{
	bool far = e->offset >= U32_MAX;
	size_t n = strlen(e->name);
	unsigned char h[46], extra[12];
	put32(h, CENTRAL_SIG);
	put16(h + 4, MADE_BY_UNIX);
	put16(h + 6, far ? VERSION_45 : VERSION_20);
	put16(h + 8, FLAG_UTF8);
	put16(h + 10, e->method);
	put16(h + 12, z->dos_time);
	put16(h + 14, z->dos_date);
	put32(h + 16, e->crc);
	put32(h + 20, e->csize);
	put32(h + 24, e->usize);
	put16(h + 28, (uint16_t)n);
	put16(h + 30, far ? sizeof extra : 0);
	put16(h + 32, 0); /* comment */
	put16(h + 34, 0); /* disk */
	put16(h + 36, 0); /* internal attributes */
	put32(h + 38, MODE_FILE << 16);
	put32(h + 42, far ? U32_MAX : (uint32_t)e->offset);
	if (out(z, h, sizeof h, err) != 0 || out(z, e->name, n, err) != 0)
		return -1;
	if (!far)
		return 0;
	put16(extra, 0x0001);
	put16(extra + 2, 8);
	put64(extra + 4, e->offset);
	return out(z, extra, sizeof extra, err);
}

int
zipw_finish(struct zipw *z, uint64_t *size, struct err *err)
{
	if (z->open || z->finished)
		return err_set(err, ERR_INTERNAL, NULL, "zip: finish with an entry open");
	z->finished = true;
	uint64_t cd_start = z->written;
	for (size_t i = 0; i < z->nentries; i++)
		if (central_record(z, &z->entries[i], err) != 0)
			return -1;
	uint64_t cd_size = z->written - cd_start;
	bool zip64 = z->nentries >= U16_MAX || cd_start >= U32_MAX || cd_size >= U32_MAX;
	if (zip64) {
		uint64_t end64 = z->written;
		unsigned char r[56], loc[20];
		put32(r, END64_SIG);
		put64(r + 4, sizeof r - 12);
		put16(r + 12, MADE_BY_UNIX);
		put16(r + 14, VERSION_45);
		put32(r + 16, 0);
		put32(r + 20, 0);
		put64(r + 24, z->nentries);
		put64(r + 32, z->nentries);
		put64(r + 40, cd_size);
		put64(r + 48, cd_start);
		put32(loc, LOCATOR64_SIG);
		put32(loc + 4, 0);
		put64(loc + 8, end64);
		put32(loc + 16, 1);
		if (out(z, r, sizeof r, err) != 0 || out(z, loc, sizeof loc, err) != 0)
			return -1;
	}
	unsigned char e[22];
	uint16_t count = zip64 ? U16_MAX : (uint16_t)z->nentries;
	put32(e, END_SIG);
	put16(e + 4, 0);
	put16(e + 6, 0);
	put16(e + 8, count);
	put16(e + 10, count);
	put32(e + 12, zip64 ? U32_MAX : (uint32_t)cd_size);
	put32(e + 16, zip64 ? U32_MAX : (uint32_t)cd_start);
	put16(e + 20, 0);
	if (out(z, e, sizeof e, err) != 0 || flush(z, err) != 0)
		return -1;
	*size = z->written;
	return 0;
}
