/* entity_status.c - the Status entity (see entities.h). */
#include "api/entities.h"

#include <string.h>
#include <time.h>

#include "api/api.h"
#include "core/account.h"
#include "core/media.h"
#include "db/media.h" /* struct media_row */
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/log.h"

static const char *const vis_names[VIS__MAX] = {
    [VIS_PUBLIC] = "public", [VIS_UNLISTED] = "unlisted", [VIS_PRIVATE] = "private",
    [VIS_MEMBERS] = "local", [VIS_DIRECT] = "direct",
};

const char *
api_visibility_name(enum visibility v)
{
	return v >= 0 && v < VIS__MAX ? vis_names[v] : "direct";
}

int
api_visibility_parse(const char *s, enum visibility *out)
{
	for (int v = 0; v < VIS__MAX; v++)
		if (strcmp(vis_names[v], s) == 0) {
			*out = (enum visibility)v;
			return 0;
		}
	return -1;
}

static json_t *
id_json(int64_t id)
{
	char buf[ID_STRLEN];
	return id != 0 ? json_string(id_format(id, buf)) : json_null();
}

/* The MediaAttachment entity of a local image. */
static json_t *
attachment_json(struct api_call *call, const struct media_row *m)
{
	struct arena *a = call->req->arena;
	char buf[ID_STRLEN];
	return json_pack(
	    "{ss ss ss ss sn ss? ss? s{s{sisi}s{sisi}}}", "id", id_format(m->id, buf), "type",
	    "image", "url", arena_printf(a, "%s/media/%s", call->base_url, m->file_name),
	    "preview_url", arena_printf(a, "%s/media/%s", call->base_url, m->thumb_name),
	    "remote_url", "description", m->description && *m->description ? m->description : NULL,
	    "blurhash", m->blurhash, "meta", "original", "width", m->width, "height", m->height,
	    "small", "width", m->thumb_width, "height", m->thumb_height);
}

struct media_set {
	struct media_row *rows;
	int n;
};

static json_t *
attachments_of(struct api_call *call, const struct media_set *ms, int64_t status_id)
{
	json_t *list = json_array();
	for (int i = 0; ms != NULL && i < ms->n; i++)
		if (ms->rows[i].status_id == status_id)
			json_array_append_new(list, attachment_json(call, &ms->rows[i]));
	return list;
}

/* The post itself (never a boost row). */
static json_t *
post_json(struct api_call *call, const struct status *st, const struct media_set *ms)
{
	struct arena *a = call->req->arena;
	char idbuf[ID_STRLEN];
	const char *acct = account_handle(a, &st->author);
	const char *id = id_format(st->id, idbuf);
	json_t *account = api_account(call, &st->author, false);
	json_t *doc = json_pack(
	    "{ss so so so sb ss ss sn ss ss sI sI sI so sb sb sb sb ss sn so s[] s[] s[] sn sn "
	    "sn so s[]}",
	    "id", id, "created_at", api_time(call, st->created_at), "in_reply_to_id",
	    id_json(st->in_reply_to_id), "in_reply_to_account_id",
	    id_json(st->in_reply_to_account_id), "sensitive", st->sensitive, "spoiler_text",
	    st->spoiler_text ? st->spoiler_text : "", "visibility",
	    api_visibility_name(st->visibility), "language", "uri",
	    st->author.domain == NULL ? arena_printf(a, "%s/users/%s/statuses/%s", call->base_url,
						     st->author.username, id)
				      : arena_printf(a, "%s/@%s/%s", call->base_url, acct, id),
	    "url", arena_printf(a, "%s/@%s/%s", call->base_url, acct, id), "replies_count",
	    (json_int_t)st->replies_count, "reblogs_count", (json_int_t)st->reblogs_count,
	    "favourites_count", (json_int_t)st->favourites_count, "edited_at",
	    api_time(call, st->edited_at), "favourited", st->favourited, "reblogged", st->reblogged,
	    "muted", 0, "bookmarked", st->bookmarked, "content", st->content ? st->content : "",
	    "reblog", "account", account, "mentions", "tags", "emojis", "card", "poll",
	    "application", "media_attachments", attachments_of(call, ms, st->id), "filtered");
	if (doc != NULL && call->me != NULL && st->author.id == call->me->id)
		json_object_set_new(doc, "pinned", json_boolean(st->pinned));
	return doc;
}

static json_t *
status_json(struct api_call *call, const struct status *st, const struct media_set *ms)
{
	if (st->booster_id == 0)
		return post_json(call, st, ms);
	/* a boost: the booster's status, with the post in "reblog" */
	struct err err;
	struct account *booster = account_by_id(call->req->arena, st->booster_id, &err);
	if (booster == NULL) {
		log_msg(LOG_WARN, "api: booster not read: %s", err.detail);
		return post_json(call, st, ms);
	}
	json_t *inner = post_json(call, st, ms);
	char idbuf[ID_STRLEN];
	int64_t ms_time = id_time_ms(st->key);
	char when[32];
	time_t secs = (time_t)(ms_time / 1000);
	struct tm tm;
	gmtime_r(&secs, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
	const char *acct = account_handle(call->req->arena, booster);
	const char *id = id_format(st->key, idbuf);
	return json_pack(
	    "{ss ss sn sn sb ss ss sn ss ss sI sI sI sn sb sb sb sb ss so so s[] s[] s[] s[] sn "
	    "sn sn s[]}",
	    "id", id, "created_at",
	    arena_printf(call->req->arena, "%s.%03dZ", when, (int)(ms_time % 1000)),
	    "in_reply_to_id", "in_reply_to_account_id", "sensitive", 0, "spoiler_text", "",
	    "visibility", api_visibility_name(st->visibility), "language", "uri",
	    arena_printf(call->req->arena, "%s/@%s/%s", call->base_url, acct, id), "url",
	    arena_printf(call->req->arena, "%s/@%s/%s", call->base_url, acct, id), "replies_count",
	    (json_int_t)0, "reblogs_count", (json_int_t)0, "favourites_count", (json_int_t)0,
	    "edited_at", "favourited", st->favourited, "reblogged", st->reblogged, "muted", 0,
	    "bookmarked", st->bookmarked, "content", "", "reblog", inner, "account",
	    api_account(call, booster, false), "media_attachments", "mentions", "tags", "emojis",
	    "card", "poll", "application", "filtered");
}

/* The images of the posts in items (one query). */
static void
load_media(struct api_call *call, const struct status *items, int n, struct media_set *ms)
{
	ms->rows = NULL;
	ms->n = 0;
	if (n == 0)
		return;
	int64_t *ids = arena_alloc(call->req->arena, sizeof *ids * (size_t)n);
	for (int i = 0; i < n; i++)
		ids[i] = items[i].id;
	struct err err;
	int got = media_of_statuses(call->req->arena, ids, n, &ms->rows, &err);
	if (got < 0)
		log_msg(LOG_WARN, "api: images not read: %s", err.detail);
	ms->n = got > 0 ? got : 0;
}

json_t *
api_status(struct api_call *call, const struct status *st)
{
	struct media_set ms;
	load_media(call, st, 1, &ms);
	return status_json(call, st, &ms);
}

json_t *
api_statuses(struct api_call *call, const struct status *items, int n)
{
	struct media_set ms;
	load_media(call, items, n, &ms);
	json_t *list = json_array();
	for (int i = 0; i < n; i++) {
		json_t *doc = status_json(call, &items[i], &ms);
		if (doc != NULL)
			json_array_append_new(list, doc);
	}
	return list;
}
