/* media.h - GET /media/:file, the images this node stores (core/media.h), straight from
 * media_dir. */
#ifndef PARASOL_WEB_MEDIA_H
#define PARASOL_WEB_MEDIA_H

#include <stdbool.h>

struct err;
struct req;
struct router;

/* Adds the media route. 0 or -1. */
int web_media_routes(struct router *r);

/* For a form whose image media_prepare refused with err: a member's image sent while
 * another of theirs is being decoded (ERR_RATE_LIMITED) gets Retry-After. true when the
 * caller asked for JSON: then the answer is made (the error as JSON, with its status and
 * message, Retry-After kept) or, for ERR_UNAVAILABLE and ERR_INTERNAL, req->err is err, and
 * the handler returns req->err.code ? -1 : 0. false: the handler shows the form page. */
bool web_media_refused(struct req *req, const struct err *err);

#endif
