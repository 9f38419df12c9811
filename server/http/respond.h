/* respond.h - handlers describe the response in req->resp; http/server.c sends it with the
 * security headers. Bodies passed here must live in the request's arena (or be static). */
#ifndef PARASOL_RESPOND_H
#define PARASOL_RESPOND_H

#include <jansson.h>
#include <stddef.h>

#include "http/request.h"
#include "util/err.h"

/* Sets status, content type and body. */
void resp_set(struct req *req, int status, const char *content_type, const char *body,
	      size_t len);

/* Sets status and content type, and a body of size bytes read from fd (from offset 0) as it
 * is sent (a download too big for memory: a member's export). fd is the request's from now
 * on: closed when the request ends, however it ends. No gzip, no ETag, never cached. */
void resp_file(struct req *req, int status, const char *content_type, int fd, uint64_t size);

/* text/html; charset=utf-8 */
void resp_html(struct req *req, int status, const char *html, size_t len);

/* application/json; the document is serialised into the arena (doc is not consumed). */
void resp_json(struct req *req, int status, const json_t *doc);

/* application/activity+json for ActivityPub documents. */
void resp_activity_json(struct req *req, int status, const json_t *doc);

/* 303 See Other to location (a path or an absolute URL). */
void resp_redirect(struct req *req, const char *location);

/* Adds a header (name and value arena-owned or static); silently ignores past
 * RESP_MAX_HEADERS, which is a programming error caught by the tests. */
void resp_header(struct req *req, const char *name, const char *value);

/* A response header already set, or NULL. */
const char *resp_get_header(const struct req *req, const char *name);

/* Sets a header's value, replacing the first one of that name already set (value
 * arena-owned or static). */
void resp_replace_header(struct req *req, const char *name, const char *value);

/* Removes every header of that name. */
void resp_remove_header(struct req *req, const char *name);

/* Adds token (e.g. "Accept-Encoding") to the one Vary header, unless it is listed already. */
void resp_vary(struct req *req, const char *token);

/* The HTTP status for an error code: the one place that mapping lives. */
int resp_status_for(enum err_code code);

#endif
