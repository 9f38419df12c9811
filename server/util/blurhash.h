/* blurhash.h - the BlurHash of an image (the public algorithm by Wolt): a short base83 string
 * from which clients draw a blurred placeholder while the real image loads. Pure: no I/O. */
#ifndef PARASOL_BLURHASH_H
#define PARASOL_BLURHASH_H

#include <stddef.h>

#define BLURHASH_MAX_LEN (1 + 1 + 4 + 2 * (9 * 9 - 1) + 1) /* with the NUL */

/* Writes the hash of a width x height image of 8-bit sRGB pixels (3 bytes each, rows
 * stride bytes apart) with xc x yc components (1..9 each) into out (BLURHASH_MAX_LEN bytes).
 * Returns 0, or -1 (out set to "") for bad arguments. */
int blurhash_encode(const unsigned char *rgb, int width, int height, size_t stride, int xc,
		    int yc, char out[BLURHASH_MAX_LEN]);

#endif
