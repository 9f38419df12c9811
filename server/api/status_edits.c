/* status_edits.c - PUT /api/v1/statuses/:id (edit), GET .../history and GET .../source, over
 * core/status.c: the web's edit, which keeps the earlier version, federates an Update and
 * notifies newly mentioned members. Only the author edits (someone else's post: 403, a post
 * one can't see: 404); the earlier versions are read only by the author and the moderators
 * (SAFETY.md: an edit may have taken out what identified someone), so anyone else who may
 * see the post gets its current version alone as its history. */
#include <microhttpd.h>
#include <string.h>

#include "api/api.h"
#include "api/entities.h"
#include "api/params.h"
#include "app.h"
#include "core/media.h"
#include "core/status.h"
#include "db/media.h" /* struct media_row */
#include "util/err.h"
#include "util/id.h"

static int
status_error(struct api_call *call)
{
	if (call->req->err.code == ERR_NOT_FOUND)
		return err_set(&call->req->err, ERR_NOT_FOUND, "Record not found",
			       "no such status");
	return -1;
}

/* media_ids, when sent, must name the post's images as they are (apps send them back with
 * every edit); images are not added or taken away by an edit here. */
static int
same_media(struct api_call *call, int64_t id, const char **ids, int n)
{
	struct media_row *rows;
	int have = media_of_statuses(call->req->arena, &id, 1, &rows, &call->req->err);
	if (have < 0)
		return -1;
	bool same = n == have;
	for (int i = 0; same && i < n; i++) {
		int64_t mid;
		same = id_parse(ids[i], &mid) == 0 && mid == rows[i].id;
	}
	if (!same)
		return err_set(&call->req->err, ERR_UNPROCESSABLE,
			       "The images of a post can't be changed by an edit: delete the post "
			       "and write it again.",
			       "media_ids differ");
	return 0;
}

/* PUT /api/v1/statuses/:id: status, spoiler_text, sensitive, language, media_ids. What is
 * left out keeps its value (a content warning is never dropped because an app did not send
 * it back); the visibility never changes. */
static int
edit(struct api_call *call)
{
	int64_t id;
	if (api_path_id(call, "id", &id) != 0)
		return -1;
	const char *text, *spoiler, *language;
	const char **media;
	int nmedia;
	bool sensitive;
	if (api_str(call, "status", 64 * 1024, &text) != 0 ||
	    api_str(call, "spoiler_text", 4 * 1024, &spoiler) != 0 ||
	    api_str(call, "language", 20, &language) != 0 ||
	    api_list(call, "media_ids", MEDIA_MAX_ATTACHMENTS, &media, &nmedia) != 0)
		return -1;
	struct status *st = status_get_own(call->req->arena, call->me, id, &call->req->err);
	if (st == NULL)
		return status_error(call);
	if (api_bool(call, "sensitive", st->sensitive, &sensitive) != 0 ||
	    (nmedia > 0 && same_media(call, id, media, nmedia) != 0))
		return -1;
	const struct app *app = call->req->app;
	struct status_draft d = {
	    .text = text ? text : st->text,
	    .spoiler_text = spoiler ? spoiler : st->spoiler_text,
	    .sensitive = sensitive,
	    .visibility = st->visibility,
	    .max_chars = app->cfg.post_max_chars,
	};
	if (status_edit(call->req->arena, call->me, id, &d, &call->req->err) != 0)
		return status_error(call);
	st = status_get(call->req->arena, call->me->id, id, &call->req->err);
	if (st == NULL)
		return status_error(call);
	return api_json(call, MHD_HTTP_OK, api_status(call, st));
}

/* One StatusEdit. Every version shows the post's images: an edit never changes them. */
static json_t *
version_json(struct api_call *call, const struct status *st, json_t *media, const char *content,
	     const char *spoiler, bool sensitive, const char *created_at)
{
	return json_pack("{ss ss sb so so sn so s[]}", "content", content ? content : "",
			 "spoiler_text", spoiler ? spoiler : "", "sensitive", sensitive,
			 "created_at", api_time(call, created_at), "account",
			 api_account(call, &st->author, false), "poll", "media_attachments",
			 media ? json_incref(media) : json_array(), "emojis");
}

/* GET /api/v1/statuses/:id/history: the versions oldest first, as Mastodon lists them. */
static int
history(struct api_call *call)
{
	int64_t id;
	if (api_path_id(call, "id", &id) != 0)
		return -1;
	struct arena *a = call->req->arena;
	struct status *st = status_get(a, call->me ? call->me->id : 0, id, &call->req->err);
	if (st == NULL)
		return status_error(call);
	json_t *entity = api_status(call, st);
	json_t *media = entity ? json_object_get(entity, "media_attachments") : NULL;
	json_t *list = json_array();
	if (!status_history_readable(call->me, st)) {
		json_array_append_new(list,
				      version_json(call, st, media, st->content, st->spoiler_text,
						   st->sensitive,
						   st->edited_at ? st->edited_at : st->created_at));
		json_decref(entity);
		return api_json(call, MHD_HTTP_OK, list);
	}
	struct status_version *v;
	int n = status_history(a, call->me, id, &v, &call->req->err);
	if (n < 0) {
		json_decref(list);
		json_decref(entity);
		return status_error(call);
	}
	for (int i = n - 1; i >= 0; i--)
		json_array_append_new(list,
				      version_json(call, st, media, v[i].content, v[i].spoiler_text,
						   v[i].sensitive, v[i].created_at));
	json_decref(entity);
	return api_json(call, MHD_HTTP_OK, list);
}

/* GET /api/v1/statuses/:id/source: the text as written, for the author's edit form. */
static int
source(struct api_call *call)
{
	int64_t id;
	if (api_path_id(call, "id", &id) != 0)
		return -1;
	struct status *st = status_get_own(call->req->arena, call->me, id, &call->req->err);
	if (st == NULL)
		return status_error(call);
	char buf[ID_STRLEN];
	return api_json(call, MHD_HTTP_OK,
			json_pack("{ss ss ss}", "id", id_format(st->id, buf), "text",
				  st->text ? st->text : "", "spoiler_text",
				  st->spoiler_text ? st->spoiler_text : ""));
}

static const struct api_route routes[] = {
    {"PUT", "/api/v1/statuses/:id", edit, API_MEMBER, SCOPE(SCOPE_WRITE_STATUSES)},
    {"GET", "/api/v1/statuses/:id/history", history, API_ANYONE, SCOPE(SCOPE_READ_STATUSES)},
    {"GET", "/api/v1/statuses/:id/source", source, API_MEMBER, SCOPE(SCOPE_READ_STATUSES)},
};

int
api_status_edits_routes(struct router *r)
{
	return api_register(r, routes, sizeof routes / sizeof routes[0]);
}
