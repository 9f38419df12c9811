/* imghead.h - what kind of image a byte string claims to be, and its declared size, read from
 * the first bytes only (no decoding). The upload pipeline (media/media.c) refuses
 * decompression bombs and unknown formats with it before any decoder sees the bytes, and
 * picks the one decoder for the format found (never by the name or type the sender gave).
 * Pure: no I/O, no allocation. */
#ifndef PARASOL_IMGHEAD_H
#define PARASOL_IMGHEAD_H

#include <stddef.h>

enum img_format { IMG_UNKNOWN, IMG_JPEG, IMG_PNG, IMG_GIF, IMG_WEBP, IMG_HEIF, IMG__MAX };

struct img_head {
	enum img_format format;
	long width, height; /* 0 when the header does not say (HEIF: the decoder's header does) */
};

/* Reads the format and declared dimensions of data. Returns 0 with *out filled, or -1 when
 * the bytes are no image format we take or the header is cut short or malformed (for JPEG:
 * no frame header among the markers). */
int imghead_read(const unsigned char *data, size_t len, struct img_head *out);

/* "jpeg", "png", ... for logs. */
const char *imghead_format_name(enum img_format f);

#endif
