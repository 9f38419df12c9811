/* static.h - the files under /static/: read into memory at start, with a gzip variant of the
 * compressible ones made then too, served with a strong ETag (a hash of the content) and
 * long-lived cache headers; http/finish.c picks the variant and answers If-None-Match. */
#ifndef PARASOL_STATIC_H
#define PARASOL_STATIC_H

struct err;
struct req;

struct static_files;

/* Loads every regular file in dir (not recursive). NULL + err on failure. */
struct static_files *static_load(const char *dir, struct err *err);
void static_free(struct static_files *sf);

/* Answers GET /static/:file from sf into req->resp; -1 + ERR_NOT_FOUND for unknown names. */
int static_serve(const struct static_files *sf, struct req *req, const char *name);

#endif
