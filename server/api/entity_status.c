/* entity_status.c - the Status entity (see entities.h). */
#include "api/entities.h"

#include <string.h>
#include <time.h>

#include "api/api.h"
#include "core/account.h"
#include "core/media.h"
#include "core/remote_media.h"
#include "core/status_refs.h"
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

json_t *
api_attachment(struct api_call *call, const struct media_row *m)
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

/* A peer's attachment, always served through this node as the web shows it
 * (core/remote_media.h): the cached image, or type "unknown" with no URL while it is not
 * here (not fetched yet, refused, failed, not an image) — an app never contacts the peer. */
static json_t *
remote_attachment_json(struct api_call *call, const struct remote_attachment *r,
		       enum remote_show show, int64_t status_id)
{
	struct arena *a = call->req->arena;
	char buf[ID_STRLEN];
	/* no row id of its own: the post's id and the position make one the post keeps */
	const char *id = arena_printf(a, "%s%d", id_format(status_id, buf), r->position);
	const char *alt = r->description && *r->description ? r->description : NULL;
	if (show != REMOTE_SHOW_IMAGE)
		return json_pack("{ss ss sn sn sn ss? sn s{}}", "id", id, "type", "unknown", "url",
				 "preview_url", "remote_url", "description", alt, "blurhash",
				 "meta");
	return json_pack(
	    "{ss ss ss ss sn ss? sn s{s{sisi}s{sisi}}}", "id", id, "type", "image", "url",
	    arena_printf(a, "%s/media/%s", call->base_url, r->file_name), "preview_url",
	    arena_printf(a, "%s/media/%s", call->base_url, r->thumb_name), "remote_url",
	    "description", alt, "blurhash", "meta", "original", "width", r->width, "height",
	    r->height, "small", "width", r->thumb_width, "height", r->thumb_height);
}

/* What the posts of one answer carry besides themselves, read once for all of them. */
struct media_set {
	struct media_row *rows;
	int n;
	struct remote_attachment *remote;
	enum remote_show *shows;
	int nremote;
	struct status_refs refs;
};

static json_t *
attachments_of(struct api_call *call, const struct media_set *ms, int64_t status_id)
{
	json_t *list = json_array();
	for (int i = 0; i < ms->n; i++)
		if (ms->rows[i].status_id == status_id)
			json_array_append_new(list, api_attachment(call, &ms->rows[i]));
	for (int i = 0; i < ms->nremote; i++)
		if (ms->remote[i].status_id == status_id)
			json_array_append_new(
			    list,
			    remote_attachment_json(call, &ms->remote[i], ms->shows[i], status_id));
	return list;
}

/* The Mention entities of a post: ids, usernames, handles and profile URLs of this node's
 * pages (a remote account's page here, as every link the web shows). */
static json_t *
mentions_of(struct api_call *call, const struct media_set *ms, int64_t status_id)
{
	struct arena *a = call->req->arena;
	json_t *list = json_array();
	for (int i = 0; i < ms->refs.nmentions; i++) {
		const struct status_mention *m = &ms->refs.mentions[i];
		if (m->status_id != status_id)
			continue;
		char buf[ID_STRLEN];
		const char *acct =
		    m->domain ? arena_printf(a, "%s@%s", m->username, m->domain) : m->username;
		json_array_append_new(list,
				      json_pack("{ssssssss}", "id", id_format(m->account_id, buf),
						"username", m->username, "acct", acct, "url",
						arena_printf(a, "%s/@%s", call->base_url, acct)));
	}
	return list;
}

static json_t *
tags_of(struct api_call *call, const struct media_set *ms, int64_t status_id)
{
	json_t *list = json_array();
	for (int i = 0; i < ms->refs.ntags; i++) {
		const struct status_tag *t = &ms->refs.tags[i];
		if (t->status_id == status_id)
			json_array_append_new(list,
					      json_pack("{ssss}", "name", t->name, "url",
							arena_printf(call->req->arena, "%s/tags/%s",
								     call->base_url, t->name)));
	}
	return list;
}

const char *
api_id_time(struct api_call *call, int64_t id)
{
	int64_t ms_time = id_time_ms(id);
	char when[32];
	time_t secs = (time_t)(ms_time / 1000);
	struct tm tm;
	gmtime_r(&secs, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
	return arena_printf(call->req->arena, "%s.%03dZ", when, (int)(ms_time % 1000));
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
	    "{ss so so so sb ss ss sn ss ss sI sI sI so sb sb sb sb ss sn so so so s[] sn sn "
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
	    "reblog", "account", account, "mentions", mentions_of(call, ms, st->id), "tags",
	    tags_of(call, ms, st->id), "emojis", "card", "poll", "application", "media_attachments",
	    attachments_of(call, ms, st->id), "filtered");
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
	const char *acct = account_handle(call->req->arena, booster);
	const char *id = id_format(st->key, idbuf);
	return json_pack(
	    "{ss ss sn sn sb ss ss sn ss ss sI sI sI sn sb sb sb sb ss so so s[] s[] s[] s[] sn "
	    "sn sn s[]}",
	    "id", id, "created_at", api_id_time(call, st->key), "in_reply_to_id",
	    "in_reply_to_account_id", "sensitive", 0, "spoiler_text", "", "visibility",
	    api_visibility_name(st->visibility), "language", "uri",
	    arena_printf(call->req->arena, "%s/@%s/%s", call->base_url, acct, id), "url",
	    arena_printf(call->req->arena, "%s/@%s/%s", call->base_url, acct, id), "replies_count",
	    (json_int_t)0, "reblogs_count", (json_int_t)0, "favourites_count", (json_int_t)0,
	    "edited_at", "favourited", st->favourited, "reblogged", st->reblogged, "muted", 0,
	    "bookmarked", st->bookmarked, "content", "", "reblog", inner, "account",
	    api_account(call, booster, false), "media_attachments", "mentions", "tags", "emojis",
	    "card", "poll", "application", "filtered");
}

/* The images, mentions and tags of the posts in items (a query each). What can't be read
 * is logged and left out: the posts are still answered. */
static void
load_media(struct api_call *call, const struct status *items, int n, struct media_set *ms)
{
	memset(ms, 0, sizeof *ms);
	if (n == 0)
		return;
	struct arena *a = call->req->arena;
	int64_t *ids = arena_alloc(a, sizeof *ids * (size_t)n);
	for (int i = 0; i < n; i++)
		ids[i] = items[i].id;
	struct err err;
	int got = media_of_statuses(a, ids, n, &ms->rows, &err);
	if (got < 0)
		log_msg(LOG_WARN, "api: images not read: %s", err.detail);
	ms->n = got > 0 ? got : 0;
	got = remote_media_of_statuses(a, ids, n, &ms->remote, &ms->shows, &err);
	if (got < 0)
		log_msg(LOG_WARN, "api: remote images not read: %s", err.detail);
	ms->nremote = got > 0 ? got : 0;
	if (status_refs_of(a, ids, n, &ms->refs, &err) != 0)
		log_msg(LOG_WARN, "api: mentions and tags not read: %s", err.detail);
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
