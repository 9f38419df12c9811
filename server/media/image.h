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
 * member's pixels outlive the call.
 *
 * The decoding runs in another process: image_process hands the bytes to a fresh
 * parasol-image program (media/image_main.c, media/convert.c) over a socket and reads the
 * result back. That program holds no database connection, key, session or other open file,
 * gets an empty environment and a CPU-time limit, and exits after one image, so a decoder
 * that a crafted file crashes or subverts reaches none of the server's memory; and the server
 * itself doesn't load libvips and the hundred libraries behind it. */
#ifndef PARASOL_MEDIA_IMAGE_H
#define PARASOL_MEDIA_IMAGE_H

#include <stddef.h>

#include "util/blurhash.h"
#include "util/imghead.h"

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

/* Chooses the parasol-image program to run: program when not NULL or empty, else the one
 * beside the running executable (a build tree), else PARASOL_LIBEXECDIR's. Checks that it can
 * be run. Call once at start. 0 or -1 + err (ERR_INTERNAL, naming the path). */
int image_init(const char *program, struct err *err);

/* The checks made before any decoding, by both processes: len within lim->max_bytes
 * (ERR_TOO_LARGE), a format we read from the first bytes, a header that parses and declares
 * no more than lim->max_pixels (ERR_UNPROCESSABLE). Fills *head. 0 or -1 + err. Pure. */
int image_precheck(const void *data, size_t len, const struct image_limits *lim,
		   struct img_head *head, struct err *err);

/* The message for an image that is damaged or cut short (untranslated; N_). */
extern const char image_damaged_msg[];

/* Turns len bytes at data into *out (see above), in a parasol-image process that may run at
 * most IMAGE_SECONDS of CPU time. Waits while IMAGE_CONCURRENCY other images are being
 * processed, but never behind more than IMAGE_WAITERS other waiting requests: each waits on
 * a handler thread, and a flood of uploads must not take them all from the rest of the site
 * (ERR_UNAVAILABLE then, at once). Fails, with nothing allocated, with ERR_TOO_LARGE
 * (bytes), ERR_UNPROCESSABLE (not an image we read, damaged or cut short, too many pixels),
 * ERR_UNAVAILABLE (too many images at once) or ERR_INTERNAL (the program could not run,
 * crashed or took too long); err->safe says which, in words a member understands. */
int image_process(const void *data, size_t len, const struct image_limits *lim,
		  struct image_result *out, struct err *err);

/* Frees what image_process made; out may be zeroed. */
void image_result_free(struct image_result *out);

#define IMAGE_CONCURRENCY 2
#define IMAGE_WAITERS 1 /* requests that may wait for a slot; more are refused */
#define IMAGE_SECONDS 30 /* CPU seconds a parasol-image process may use */

#endif
