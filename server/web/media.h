/* media.h - GET /media/:file, the images this node stores (core/media.h), straight from
 * media_dir. */
#ifndef PARASOL_WEB_MEDIA_H
#define PARASOL_WEB_MEDIA_H

struct router;

/* Adds the media route. 0 or -1. */
int web_media_routes(struct router *r);

#endif
