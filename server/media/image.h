/* image.h - the image pipeline: bytes a member or a peer sent, in memory, become a clean
 * image and a thumbnail with no metadata at all, and a blurhash.
 *
 * The format is read from the bytes (util/imghead.h), never from a name or a declared type,
 * and only that format's libvips loader runs; images whose header declares more pixels than
 * allowed are refused before any decoding. Each image is turned upright (EXIF orientation),
 * converted to sRGB (an embedded ICC profile is applied, then dropped), copied pixel by pixel
 * into a fresh image that carries nothing else — no EXIF, GPS, serials, XMP, IPTC, ICC,
 * comments or embedded thumbnails — and encoded as JPEG, or as PNG when it has an alpha
 * channel. An animated GIF or WebP keeps its first frame only. Nothing here touches the disk:
 * libvips is told to keep decoded pixels in memory, and its operation cache is off so no
 * member's pixels outlive the call. */
#ifndef PARASOL_MEDIA_IMAGE_H
#define PARASOL_MEDIA_IMAGE_H

#include <stddef.h>

#include "util/blurhash.h"

struct err;

struct image_limits {
	size_t max_bytes;  /* larger inputs: ERR_TOO_LARGE */
	long max_pixels;   /* declared width x height above this: ERR_UNPROCESSABLE */
	int max_side;	   /* the stored image fits in max_side x max_side (scaled down) */
	int thumb_side;	   /* the thumbnail fits in thumb_side x thumb_side */
};

struct image_file {
	unsigned char *data; /* malloc'd; image_result_free frees it */
	size_t len;
	int width, height;
	const char *media_type; /* "image/jpeg" or "image/png" (static) */
	const char *ext;	/* "jpg" or "png" (static) */
};

struct image_result {
	struct image_file full, thumb;
	char blurhash[BLURHASH_MAX_LEN];
};

/* Starts libvips once per process (in memory only, no operation cache, one thread per
 * operation, untrusted loaders blocked); argv0 as given to main. 0 or -1 + err. Safe to call
 * again. */
int image_init(const char *argv0, struct err *err);

/* Turns len bytes at data into *out (see above). Waits while IMAGE_CONCURRENCY other
 * images are being processed. Fails, with nothing allocated, with ERR_TOO_LARGE (bytes),
 * ERR_UNPROCESSABLE (not an image we read, damaged or cut short, too many pixels) or
 * ERR_INTERNAL; err->safe says which, in words a member understands. */
int image_process(const void *data, size_t len, const struct image_limits *lim,
		  struct image_result *out, struct err *err);

/* Frees what image_process made; out may be zeroed. */
void image_result_free(struct image_result *out);

#define IMAGE_CONCURRENCY 2

#endif
