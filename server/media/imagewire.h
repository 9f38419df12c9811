/* imagewire.h - what the server and the parasol-image program say to each other over one
 * socket (media/image.c, media/image_main.c): a request (the limits and the bytes), then an
 * answer (an error, or the two encoded files and the blurhash). Both ends are built from the
 * same source, so integers travel in the machine's own order; every length is checked
 * against the limits before anything is allocated. */
#ifndef PARASOL_MEDIA_IMAGEWIRE_H
#define PARASOL_MEDIA_IMAGEWIRE_H

#include <stddef.h>

#include "media/image.h"

struct err;

/* Sends the request: the limits, then len bytes. 0, or -1 + err (ERR_INTERNAL). */
int imagewire_send_request(int fd, const struct image_limits *lim, const void *data, size_t len,
			   struct err *err);

/* Reads a request into *lim and *data (malloc'd, free it; at most lim->max_bytes, and never
 * more than hard_max bytes whatever the request says). 0, or -1 + err. */
int imagewire_read_request(int fd, size_t hard_max, struct image_limits *lim, void **data,
			   size_t *len, struct err *err);

/* Sends the answer: *out when rc is 0, else the error in *e. 0, or -1 when the socket
 * failed. */
int imagewire_send_answer(int fd, int rc, const struct image_result *out, const struct err *e);

/* Reads the answer into *out (files malloc'd; image_result_free) and returns the program's
 * result: 0, or -1 + err as the program set it, or -1 + ERR_INTERNAL when the answer is cut
 * short, malformed or larger than max_bytes per file. */
int imagewire_read_answer(int fd, size_t max_bytes, struct image_result *out, struct err *err);

#endif
