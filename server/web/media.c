/* media.c - serving stored images. A name is 32 random bytes, so knowing it is the only way
 * to fetch a file (as on Mastodon); it is never listed. Answers are private to the browser
 * (no shared cache keeps a copy after a post is deleted), never sniffed, and carry a CSP of
 * their own that forbids everything: an image opened on its own runs nothing. */
#include "web/media.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/media.h"
#include "http/request.h"
#include "http/respond.h"
#include "http/router.h"
#include "media/store.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/fileio.h"
#include "web/web.h"

#define MEDIA_READ_MAX (64L << 20)

static int
media_get(struct req *req)
{
	const char *name = req_param(req, "file");
	const char *type = name ? store_media_type(name) : NULL;
	if (name == NULL || !store_name_valid(name) || type == NULL || media_dir() == NULL)
		return err_set(&req->err, ERR_NOT_FOUND, "There is no such image.",
			       "bad media name");
	char *path = arena_printf(req->arena, "%s/%s", media_dir(), name);
	size_t len;
	char *data = fileio_read(path, MEDIA_READ_MAX, &len, &req->err);
	if (data == NULL) {
		if (req->err.code == ERR_NOT_FOUND)
			err_set(&req->err, ERR_NOT_FOUND, "There is no such image.", "no media file");
		return -1;
	}
	arena_defer(req->arena, free, data);
	resp_set(req, 200, type, data, len);
	resp_header(req, "Cache-Control", "private, max-age=86400, immutable");
	resp_header(req, "Content-Security-Policy", "default-src 'none'; sandbox");
	req->resp.not_for_page_cache = true;
	return 0;
}

int
web_media_routes(struct router *r)
{
	return router_add(r, "GET", "/media/:file", media_get);
}

bool
web_media_refused(struct req *req, const struct err *err)
{
	if (err->code == ERR_RATE_LIMITED)
		resp_replace_header(req, "Retry-After",
				    arena_printf(req->arena, "%d", MEDIA_RETRY_SECONDS));
	if (!req_wants_json(req))
		return false;
	if (err->code == ERR_UNAVAILABLE || err->code == ERR_INTERNAL) {
		req->err = *err; /* not the member's doing: logged, and answered as any such error */
		return true;
	}
	web_render_error(req, resp_status_for(err->code), err->safe);
	return true;
}
