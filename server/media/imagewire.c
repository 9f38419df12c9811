/* imagewire.c - the request and answer between the server and parasol-image; see
 * imagewire.h. */
#include "imagewire.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util/err.h"

#define REQUEST_MAGIC 0x50494d31u /* "PIM1" */
#define ANSWER_MAGIC 0x50494d32u  /* "PIM2" */

struct wire_request {
	uint32_t magic;
	uint32_t max_side, thumb_side;
	uint64_t max_bytes;
	int64_t max_pixels;
	uint64_t len;
};

struct wire_file {
	int32_t width, height;
	uint32_t png; /* 0: JPEG */
	uint64_t len;
};

struct wire_answer {
	uint32_t magic;
	int32_t rc;
	uint32_t code;
	char safe[sizeof(((struct err *)0)->safe)];
	char detail[sizeof(((struct err *)0)->detail)];
	char blurhash[BLURHASH_MAX_LEN];
	struct wire_file full, thumb;
};

/* Writes all of len bytes; MSG_NOSIGNAL so a peer gone away is an error, not a SIGPIPE. */
static int
put(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len > 0) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Reads exactly len bytes (a timeout set on fd ends it with -1). */
static int
get(int fd, void *buf, size_t len)
{
	char *p = buf;
	while (len > 0) {
		ssize_t n = read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
imagewire_send_request(int fd, const struct image_limits *lim, const void *data, size_t len,
		       struct err *err)
{
	struct wire_request rq = {.magic = REQUEST_MAGIC,
				  .max_side = (uint32_t)lim->max_side,
				  .thumb_side = (uint32_t)lim->thumb_side,
				  .max_bytes = lim->max_bytes,
				  .max_pixels = lim->max_pixels,
				  .len = len};
	if (put(fd, &rq, sizeof rq) != 0 || put(fd, data, len) != 0)
		return err_set(err, ERR_INTERNAL, NULL, "parasol-image: could not send the image: %s",
			       strerror(errno));
	return 0;
}

int
imagewire_read_request(int fd, size_t hard_max, struct image_limits *lim, void **data,
		       size_t *len, struct err *err)
{
	struct wire_request rq;
	*data = NULL;
	if (get(fd, &rq, sizeof rq) != 0 || rq.magic != REQUEST_MAGIC)
		return err_set(err, ERR_INTERNAL, NULL, "no request");
	if (rq.len > rq.max_bytes || rq.len > hard_max || rq.max_side == 0 || rq.thumb_side == 0 ||
	    rq.max_side > 65535 || rq.thumb_side > 65535 || rq.max_pixels <= 0)
		return err_set(err, ERR_INTERNAL, NULL, "a request out of bounds");
	*lim = (struct image_limits){.max_bytes = rq.max_bytes,
				     .max_pixels = rq.max_pixels,
				     .max_side = (int)rq.max_side,
				     .thumb_side = (int)rq.thumb_side};
	*len = rq.len;
	*data = malloc(rq.len ? rq.len : 1);
	if (*data == NULL)
		return err_set(err, ERR_INTERNAL, NULL, "out of memory");
	if (get(fd, *data, rq.len) != 0) {
		free(*data);
		*data = NULL;
		return err_set(err, ERR_INTERNAL, NULL, "the request was cut short");
	}
	return 0;
}

static struct wire_file
file_head(const struct image_file *f)
{
	return (struct wire_file){.width = f->width,
				  .height = f->height,
				  .png = f->media_type != NULL && strcmp(f->media_type, "image/png") == 0,
				  .len = f->len};
}

int
imagewire_send_answer(int fd, int rc, const struct image_result *out, const struct err *e)
{
	struct wire_answer an = {.magic = ANSWER_MAGIC, .rc = rc};
	if (rc != 0) {
		an.code = (uint32_t)e->code;
		memcpy(an.safe, e->safe, sizeof an.safe);
		memcpy(an.detail, e->detail, sizeof an.detail);
		an.safe[sizeof an.safe - 1] = an.detail[sizeof an.detail - 1] = '\0';
		return put(fd, &an, sizeof an);
	}
	memcpy(an.blurhash, out->blurhash, sizeof an.blurhash);
	an.full = file_head(&out->full);
	an.thumb = file_head(&out->thumb);
	if (put(fd, &an, sizeof an) != 0 || put(fd, out->full.data, out->full.len) != 0 ||
	    put(fd, out->thumb.data, out->thumb.len) != 0)
		return -1;
	return 0;
}

/* Fills f from its head and reads its bytes. */
static int
read_file(int fd, const struct wire_file *w, size_t max_bytes, struct image_file *f)
{
	if (w->len == 0 || w->len > max_bytes || w->width <= 0 || w->height <= 0)
		return -1;
	f->width = w->width;
	f->height = w->height;
	f->media_type = w->png ? "image/png" : "image/jpeg";
	f->ext = w->png ? "png" : "jpg";
	f->len = w->len;
	f->data = malloc(w->len);
	return f->data != NULL && get(fd, f->data, w->len) == 0 ? 0 : -1;
}

int
imagewire_read_answer(int fd, size_t max_bytes, struct image_result *out, struct err *err)
{
	struct wire_answer an;
	memset(out, 0, sizeof *out);
	if (get(fd, &an, sizeof an) != 0 || an.magic != ANSWER_MAGIC)
		return err_set(err, ERR_INTERNAL, NULL, "parasol-image gave no answer");
	if (an.rc != 0) {
		an.safe[sizeof an.safe - 1] = an.detail[sizeof an.detail - 1] = '\0';
		enum err_code code = an.code > ERR_NONE && an.code < ERR__MAX ? (enum err_code)an.code
									     : ERR_INTERNAL;
		return err_set(err, code, an.safe[0] ? an.safe : NULL, "%s", an.detail);
	}
	an.blurhash[sizeof an.blurhash - 1] = '\0';
	memcpy(out->blurhash, an.blurhash, sizeof out->blurhash);
	if (read_file(fd, &an.full, max_bytes, &out->full) != 0 ||
	    read_file(fd, &an.thumb, max_bytes, &out->thumb) != 0) {
		image_result_free(out);
		return err_set(err, ERR_INTERNAL, NULL, "parasol-image's answer was malformed");
	}
	return 0;
}
