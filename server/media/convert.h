/* convert.h - the libvips pipeline itself, linked only into the parasol-image program
 * (media/image_main.c), never into the server: decoding runs in a process of its own that
 * holds no database connection, key or session, and libvips's hundred libraries stay out of
 * the server's memory. What goes and what stays is described in image.h. */
#ifndef PARASOL_MEDIA_CONVERT_H
#define PARASOL_MEDIA_CONVERT_H

#include <stddef.h>

#include "media/image.h"

struct err;

/* Starts libvips (in memory only, no operation cache, one thread, untrusted loaders
 * blocked); argv0 as given to main. Once per process, before convert_image. 0 or -1 + err. */
int convert_init(const char *argv0, struct err *err);

/* Turns len bytes at data into *out as image.h describes (image_precheck first). Fails with
 * nothing allocated: ERR_TOO_LARGE, ERR_UNPROCESSABLE (err->safe in a member's words) or
 * ERR_INTERNAL. */
int convert_image(const void *data, size_t len, const struct image_limits *lim,
		  struct image_result *out, struct err *err);

#endif
