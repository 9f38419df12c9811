/* statuses.c - POST /api/v1/statuses, GET and DELETE /api/v1/statuses/:id, GET
 * .../context, and the actions (favourite, reblog, bookmark, pin and their undoing), over
 * core/status.c: the limits, visibility checks and notifications of the web's forms. */
#include <microhttpd.h>
#include <string.h>

#include "api/api.h"
#include "api/entities.h"
#include "api/params.h"
#include "app.h"
#include "core/expiry.h"
#include "core/idempotency.h"
#include "core/media.h"
#include "core/status.h"
#include "core/timeline.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/log.h"

static int
not_found(struct api_call *call)
{
	return err_set(&call->req->err, ERR_NOT_FOUND, "Record not found", "no such status");
}

/* The member's default expiry (Settings), never when it can't be read. */
static enum post_expiry
default_expiry(struct api_call *call)
{
	struct expiry_settings s;
	struct err err;
	if (expiry_settings_get(call->req->arena, call->me->id, &s, &err) != 0) {
		log_msg(LOG_WARN, "expiry settings not read: %s", err.detail);
		return EXPIRY_NEVER;
	}
	return s.default_expiry;
}

/* A reply that doesn't say its visibility is at least as narrow as the post it answers, as
 * the web's reply form starts: an app that leaves it out never makes a direct or
 * members-only conversation public. A post the member can't see is left to core, which
 * refuses the reply. */
static int
reply_visibility(struct api_call *call, struct status_draft *d)
{
	if (d->in_reply_to_id == 0)
		return 0;
	struct err err;
	struct status *parent = status_get(call->req->arena, call->me->id, d->in_reply_to_id, &err);
	if (parent == NULL) {
		if (err.code == ERR_NOT_FOUND)
			return 0;
		call->req->err = err;
		return -1;
	}
	if (parent->visibility > d->visibility)
		d->visibility = parent->visibility;
	return 0;
}

/* The draft a create call describes, with the ids of images uploaded before
 * (api/media.c). Polls and scheduled posts are refused by name rather than dropped, so an
 * app never believes it attached what was not. */
static int
read_draft(struct api_call *call, struct status_draft *d)
{
	const struct app *app = call->req->app;
	memset(d, 0, sizeof *d);
	d->max_chars = app->cfg.post_max_chars;
	d->visibility = call->me->default_visibility;
	const char *text, *spoiler, *vis, *language, *scheduled;
	const char **media;
	int nmedia;
	if (api_str(call, "status", 64 * 1024, &text) != 0 ||
	    api_str(call, "spoiler_text", 4 * 1024, &spoiler) != 0 ||
	    api_str(call, "visibility", 20, &vis) != 0 ||
	    api_str(call, "language", 20, &language) != 0 ||
	    api_str(call, "scheduled_at", 100, &scheduled) != 0 ||
	    api_bool(call, "sensitive", false, &d->sensitive) != 0 ||
	    api_id(call, "in_reply_to_id", &d->in_reply_to_id) != 0 ||
	    api_list(call, "media_ids", MEDIA_MAX_ATTACHMENTS, &media, &nmedia) != 0)
		return -1;
	int64_t *uploads = arena_alloc(call->req->arena, sizeof *uploads * (size_t)(nmedia + 1));
	for (int i = 0; i < nmedia; i++)
		if (id_parse(media[i], &uploads[i]) != 0 || uploads[i] <= 0)
			return err_set(&call->req->err, ERR_UNPROCESSABLE,
				       "media_ids must be the ids of images you uploaded.",
				       "media_ids");
	d->uploads = uploads; /* core attaches them, or refuses the post (core/status.h) */
	d->nuploads = nmedia;
	if (scheduled != NULL && *scheduled != '\0')
		return err_set(&call->req->err, ERR_UNPROCESSABLE,
			       "This server does not schedule posts.", "scheduled_at");
	const struct body *b = &call->req->body;
	if ((b->kind == BODY_JSON && json_object_get(b->json, "poll") != NULL &&
	     !json_is_null(json_object_get(b->json, "poll"))) ||
	    body_value(b, "poll[expires_in]") != NULL)
		return err_set(&call->req->err, ERR_UNPROCESSABLE, "This server has no polls.",
			       "poll");
	if (vis != NULL && *vis != '\0' && api_visibility_parse(vis, &d->visibility) != 0)
		return err_set(&call->req->err, ERR_UNPROCESSABLE,
			       "visibility must be public, unlisted, private, direct or local.",
			       "bad visibility");
	if ((vis == NULL || *vis == '\0') && reply_visibility(call, d) != 0)
		return -1;
	d->text = text ? text : "";
	d->spoiler_text = spoiler;
	d->expiry = default_expiry(call);
	return 0;
}

static int
answer_status(struct api_call *call, int64_t id)
{
	struct status *st =
	    status_get(call->req->arena, call->me ? call->me->id : 0, id, &call->req->err);
	if (st == NULL)
		return call->req->err.code == ERR_NOT_FOUND ? not_found(call) : -1;
	return api_json(call, MHD_HTTP_OK, api_status(call, st));
}

static int
create(struct api_call *call)
{
	struct status_draft d;
	if (read_draft(call, &d) != 0)
		return -1;
	const char *key = req_header(call->req, "Idempotency-Key");
	int64_t id;
	bool replayed;
	if (idempotency_status_create(call->req->arena, call->me, &d, key, &id, &replayed,
				      &call->req->err) != 0)
		return -1;
	return answer_status(call, id);
}

static int
get(struct api_call *call)
{
	int64_t id;
	if (api_path_id(call, "id", &id) != 0)
		return -1;
	return answer_status(call, id);
}

static int
context(struct api_call *call)
{
	int64_t id;
	struct thread t;
	if (api_path_id(call, "id", &id) != 0)
		return -1;
	if (timeline_thread(call->req->arena, call->me ? call->me->id : 0, id, &t,
			    &call->req->err) != 0)
		return call->req->err.code == ERR_NOT_FOUND ? not_found(call) : -1;
	return api_json(call, MHD_HTTP_OK,
			json_pack("{soso}", "ancestors",
				  api_statuses(call, t.ancestors, t.nancestors), "descendants",
				  api_statuses(call, t.descendants, t.ndescendants)));
}

/* DELETE: answers the post as it was, with its source text ("delete and redraft"). */
static int delete (struct api_call *call)
{
	int64_t id;
	if (api_path_id(call, "id", &id) != 0)
		return -1;
	struct status *st = status_get_own(call->req->arena, call->me, id, &call->req->err);
	if (st == NULL)
		return call->req->err.code == ERR_NOT_FOUND ? not_found(call) : -1;
	json_t *doc = api_status(call, st);
	if (doc == NULL || status_delete(call->req->arena, call->me, id, &call->req->err) != 0) {
		json_decref(doc);
		return call->req->err.code == ERR_NOT_FOUND ? not_found(call) : -1;
	}
	json_object_set_new(doc, "text", json_string(st->text ? st->text : ""));
	return api_json(call, MHD_HTTP_OK, doc);
}

static int
act(struct api_call *call, enum status_action action)
{
	int64_t id;
	if (api_path_id(call, "id", &id) != 0)
		return -1;
	if (status_act(call->req->arena, call->me, id, action, &call->req->err) != 0)
		return call->req->err.code == ERR_NOT_FOUND ? not_found(call) : -1;
	return answer_status(call, id);
}

static int
favourite(struct api_call *call)
{
	return act(call, STATUS_FAVOURITE);
}

static int
unfavourite(struct api_call *call)
{
	return act(call, STATUS_UNFAVOURITE);
}

static int
reblog(struct api_call *call)
{
	return act(call, STATUS_REBLOG);
}

static int
unreblog(struct api_call *call)
{
	return act(call, STATUS_UNREBLOG);
}

static int
bookmark(struct api_call *call)
{
	return act(call, STATUS_BOOKMARK);
}

static int
unbookmark(struct api_call *call)
{
	return act(call, STATUS_UNBOOKMARK);
}

static int
pin(struct api_call *call)
{
	return act(call, STATUS_PIN);
}

static int
unpin(struct api_call *call)
{
	return act(call, STATUS_UNPIN);
}

#define WRITE(s) SCOPE(SCOPE_WRITE_##s)

static const struct api_route routes[] = {
    {"POST", "/api/v1/statuses", create, API_MEMBER, WRITE(STATUSES)},
    {"GET", "/api/v1/statuses/:id", get, API_ANYONE, SCOPE(SCOPE_READ_STATUSES)},
    {"DELETE", "/api/v1/statuses/:id", delete, API_MEMBER, WRITE(STATUSES)},
    {"GET", "/api/v1/statuses/:id/context", context, API_ANYONE, SCOPE(SCOPE_READ_STATUSES)},
    {"POST", "/api/v1/statuses/:id/favourite", favourite, API_MEMBER, WRITE(FAVOURITES)},
    {"POST", "/api/v1/statuses/:id/unfavourite", unfavourite, API_MEMBER, WRITE(FAVOURITES)},
    {"POST", "/api/v1/statuses/:id/reblog", reblog, API_MEMBER, WRITE(STATUSES)},
    {"POST", "/api/v1/statuses/:id/unreblog", unreblog, API_MEMBER, WRITE(STATUSES)},
    {"POST", "/api/v1/statuses/:id/bookmark", bookmark, API_MEMBER, WRITE(BOOKMARKS)},
    {"POST", "/api/v1/statuses/:id/unbookmark", unbookmark, API_MEMBER, WRITE(BOOKMARKS)},
    {"POST", "/api/v1/statuses/:id/pin", pin, API_MEMBER, WRITE(ACCOUNTS)},
    {"POST", "/api/v1/statuses/:id/unpin", unpin, API_MEMBER, WRITE(ACCOUNTS)},
};

int
api_statuses_routes(struct router *r)
{
	return api_register(r, routes, sizeof routes / sizeof routes[0]);
}
