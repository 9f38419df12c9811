/* finish.c - Cache-Control, Vary, ETag, gzip and 304 for a finished response. */
#include "finish.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

#include "http/compress.h"
#include "http/etag.h"
#include "http/request.h"
#include "http/respond.h"
#include "util/arena.h"

static bool
has_body(int status)
{
	return status >= 200 && status != MHD_HTTP_NO_CONTENT && status != MHD_HTTP_NOT_MODIFIED;
}

static bool
get_or_head(const struct req *req)
{
	return strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0;
}

/* Replaces the body with its gzip variant; false (nothing changed) when it can't. */
static bool
gzip_body(struct req *req, int level)
{
	struct resp *r = &req->resp;
	if (r->gz_body != NULL) {
		r->body = r->gz_body;
		r->len = r->gz_len;
		return true;
	}
	size_t len = 0;
	unsigned char *gz = compress_gzip(r->body, r->len, level, &len);
	if (gz == NULL)
		return false;
	arena_defer(req->arena, free, gz);
	r->body = (const char *)gz;
	r->len = len;
	return true;
}

void
finish_response(struct req *req, int gzip_level)
{
	struct resp *r = &req->resp;
	if (resp_get_header(req, MHD_HTTP_HEADER_CACHE_CONTROL) == NULL)
		resp_header(req, MHD_HTTP_HEADER_CACHE_CONTROL,
			    req->signed_in ? "no-store" : "no-cache");
	if (!has_body(r->status) || r->has_file || r->stream != NULL)
		return;
	bool compressible = compress_type_ok(r->content_type) &&
			    resp_get_header(req, MHD_HTTP_HEADER_CONTENT_ENCODING) == NULL;
	if (compressible)
		resp_vary(req, MHD_HTTP_HEADER_ACCEPT_ENCODING);

	const char *tag = NULL;
	if (r->status == MHD_HTTP_OK && get_or_head(req)) {
		tag = resp_get_header(req, MHD_HTTP_HEADER_ETAG);
		if (tag == NULL) {
			char buf[ETAG_MAX];
			etag_of(r->body, r->len, buf);
			tag = arena_strdup(req->arena, buf);
			resp_header(req, MHD_HTTP_HEADER_ETAG, tag);
		}
	}
	if (!compressible || r->len < COMPRESS_MIN_BYTES ||
	    !compress_accepts_gzip(req_header(req, MHD_HTTP_HEADER_ACCEPT_ENCODING)) ||
	    !gzip_body(req, gzip_level))
		return;
	resp_header(req, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
	char variant[ETAG_MAX];
	if (tag != NULL && etag_variant(tag, "-gz", variant) == 0)
		resp_replace_header(req, MHD_HTTP_HEADER_ETAG, arena_strdup(req->arena, variant));
	else if (tag != NULL) /* a tag we can't vary must not name both bodies */
		resp_remove_header(req, MHD_HTTP_HEADER_ETAG);
}

bool
finish_not_modified(struct req *req)
{
	if (req->resp.status != MHD_HTTP_OK || !get_or_head(req) || req->resp.has_file ||
	    req->resp.stream != NULL ||
	    resp_get_header(req, MHD_HTTP_HEADER_SET_COOKIE) != NULL)
		return false;
	const char *tag = resp_get_header(req, MHD_HTTP_HEADER_ETAG);
	return tag != NULL && etag_none_match(req_header(req, MHD_HTTP_HEADER_IF_NONE_MATCH), tag);
}

void
finish_make_304(struct req *req)
{
	resp_remove_header(req, MHD_HTTP_HEADER_CONTENT_ENCODING);
	req->resp.status = MHD_HTTP_NOT_MODIFIED;
	req->resp.content_type = NULL;
	req->resp.body = "";
	req->resp.len = 0;
	req->resp.gz_body = NULL;
}
