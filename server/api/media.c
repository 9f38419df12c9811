/* media.c - POST /api/v1/media and /api/v2/media (an image uploaded before the post that
 * carries it), GET and PUT /api/v1/media/:id, over core/media.c: the same checks before
 * decoding, the same sandboxed decoder, the same limits and the same re-encoding that drops
 * everything but the pixels as the web's compose form. An upload is its uploader's alone
 * until a post of theirs takes it (media_ids[] in POST /api/v1/statuses); the sweep deletes
 * it a day later if none does. Processing is synchronous, so v2 answers 200 with the url. */
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/entities.h"
#include "api/params.h"
#include "core/media.h"
#include "http/body.h"
#include "http/respond.h"
#include "util/arena.h"
#include "util/err.h"

/* Alt text arrives in bytes; core counts its characters (MEDIA_DESCRIPTION_MAX). */
#define DESCRIPTION_MAX_BYTES (MEDIA_DESCRIPTION_MAX * 4)

/* "x,y" with both in -1.0..1.0 (Mastodon's focal point), or absent. Nothing stores it (the
 * pages crop nothing), but a malformed one is refused as Mastodon refuses it. */
static int
read_focus(struct api_call *call)
{
	const char *focus;
	if (api_str(call, "focus", 64, &focus) != 0)
		return -1;
	if (focus == NULL || *focus == '\0')
		return 0;
	char *end;
	double x = strtod(focus, &end);
	double y = *end == ',' ? strtod(end + 1, &end) : 2.0;
	if (*end != '\0' || x < -1.0 || x > 1.0 || y < -1.0 || y > 1.0)
		return err_set(&call->req->err, ERR_UNPROCESSABLE,
			       "focus must be two numbers from -1.0 to 1.0, such as \"0.0,0.5\".",
			       "focus");
	return 0;
}

int
api_media_refused(struct api_call *call, const struct err *err)
{
	if (err->code == ERR_RATE_LIMITED)
		resp_replace_header(call->req, "Retry-After",
				    arena_printf(call->req->arena, "%d", MEDIA_RETRY_SECONDS));
	call->req->err = *err;
	return -1;
}

static int
upload(struct api_call *call)
{
	const struct body *b = &call->req->body;
	const struct body_field *f = b->kind == BODY_FORM ? body_field(b, "file") : NULL;
	const char *description;
	if (f == NULL || f->filename == NULL)
		return err_set(&call->req->err, ERR_UNPROCESSABLE,
			       "Send the image as the file part of a multipart form.",
			       "no file part");
	if (api_str(call, "description", DESCRIPTION_MAX_BYTES, &description) != 0 ||
	    read_focus(call) != 0)
		return -1;
	struct media_row m;
	struct err err;
	if (media_upload(call->req->arena, call->me->id, f->value, f->len, description, &m, &err) !=
	    0)
		return api_media_refused(call, &err);
	return api_json(call, MHD_HTTP_OK, api_attachment(call, &m));
}

static int
get(struct api_call *call)
{
	int64_t id;
	if (api_path_id(call, "id", &id) != 0)
		return -1;
	struct media_row *m = media_get_own(call->req->arena, call->me->id, id, &call->req->err);
	return m != NULL ? api_json(call, MHD_HTTP_OK, api_attachment(call, m)) : -1;
}

/* PUT: the alt text (and focus, checked) of an upload no post carries yet. */
static int
update(struct api_call *call)
{
	int64_t id;
	const char *description;
	if (api_path_id(call, "id", &id) != 0 ||
	    api_str(call, "description", DESCRIPTION_MAX_BYTES, &description) != 0 ||
	    read_focus(call) != 0)
		return -1;
	struct arena *a = call->req->arena;
	if (description != NULL &&
	    media_describe(a, call->me->id, id, description, &call->req->err) != 0)
		return -1;
	struct media_row *m = media_get_own(a, call->me->id, id, &call->req->err);
	return m != NULL ? api_json(call, MHD_HTTP_OK, api_attachment(call, m)) : -1;
}

#define MEDIA SCOPE(SCOPE_WRITE_MEDIA)

static const struct api_route routes[] = {
    {"POST", "/api/v1/media", upload, API_MEMBER, MEDIA},
    {"POST", "/api/v2/media", upload, API_MEMBER, MEDIA},
    {"GET", "/api/v1/media/:id", get, API_MEMBER, MEDIA},
    {"PUT", "/api/v1/media/:id", update, API_MEMBER, MEDIA},
};

int
api_media_routes(struct router *r)
{
	return api_register(r, routes, sizeof routes / sizeof routes[0]);
}
