/* entity_account.c - the Account entity (see entities.h). */
#include "api/entities.h"

#include <string.h>

#include "api/api.h"
#include "core/account.h"
#include "core/follow.h"
#include "core/media.h"
#include "core/remote_media.h"
#include "core/text.h"
#include "core/timeline.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/log.h"

json_t *
api_time(struct api_call *call, const char *iso)
{
	if (iso == NULL)
		return json_null();
	size_t n = strlen(iso);
	/* "YYYY-MM-DDTHH:MM:SSZ" -> ".000Z"; a time with a fraction already stays */
	if (n == 20 && iso[19] == 'Z')
		return json_string(arena_printf(call->req->arena, "%.19s.000Z", iso));
	return json_string(iso);
}

/* What is read once per account and request. */
struct account_memo {
	int64_t id;
	json_t *doc;
	struct account_memo *next;
};

/* The call's memo list, kept in the request (freed with the arena: the documents are
 * released by arena_defer). */
static struct account_memo **
memo_head(struct api_call *call)
{
	return (struct account_memo **)&call->memo;
}

static void
memo_release(void *p)
{
	json_decref((json_t *)p);
}

static const char *
media_url(struct api_call *call, const char *file)
{
	if (file == NULL)
		return arena_printf(call->req->arena, "%s/static/favicon.svg", call->base_url);
	return arena_printf(call->req->arena, "%s/media/%s", call->base_url, file);
}

static json_t *
fields_json(struct api_call *call, const struct account *acct, bool raw)
{
	json_t *list = json_array();
	for (int i = 0; i < acct->nfields; i++) {
		const char *value = acct->fields[i].value;
		if (!raw) {
			struct text_out out;
			text_render(call->req->arena, value, NULL, NULL, &out);
			value = out.html;
		}
		json_array_append_new(list, json_pack("{sssssn}", "name", acct->fields[i].name,
						      "value", value, "verified_at"));
	}
	return list;
}

json_t *
api_account(struct api_call *call, const struct account *acct, bool with_source)
{
	struct arena *a = call->req->arena;
	if (!with_source)
		for (struct account_memo *m = *memo_head(call); m; m = m->next)
			if (m->id == acct->id)
				return json_incref(m->doc);
	char idbuf[ID_STRLEN];
	const char *acct_name = account_handle(a, acct);
	/* a remote account's profile is its page here, as the web links it: an app that opens
	 * it doesn't contact the peer */
	const char *url = arena_printf(a, "%s/@%s", call->base_url, acct_name);
	const char *pic = NULL, *head = NULL;
	if (acct->domain != NULL) {
		pic = remote_media_profile(a, acct->id, "avatar");
		head = remote_media_profile(a, acct->id, "header");
	} else {
		struct media_row *p = media_profile(a, acct->id, "avatar");
		struct media_row *h = media_profile(a, acct->id, "header");
		pic = p ? p->thumb_name : NULL;
		head = h ? h->thumb_name : NULL;
	}
	long posts = 0, followers = 0, following = 0;
	struct err err;
	if (timeline_account_counts(a, acct->id, &posts, &followers, &following, &err) != 0)
		log_msg(LOG_WARN, "api: account counts not read: %s", err.detail);
	/* hidden lists are hidden counts too, as on the profile page and to peers */
	if (!follow_lists_visible(acct, call->me ? call->me->id : 0))
		followers = following = 0;
	struct text_out note;
	text_render(a, acct->bio ? acct->bio : "", NULL, NULL, &note);
	json_t *doc = json_pack(
	    "{ss ss ss ss sb sb sb sb so ss ss? ss? ss ss ss ss sI sI sI sn s[] so}", "id",
	    id_format(acct->id, idbuf), "username", acct->username, "acct", acct_name,
	    "display_name", acct->display_name ? acct->display_name : "", "locked", acct->locked,
	    "bot", 0, "discoverable", acct->discoverable, "group", 0, "created_at",
	    api_time(call, acct->created_at), "note", acct->bio && *acct->bio ? note.html : "",
	    "url", url, "uri",
	    acct->domain == NULL ? arena_printf(a, "%s/users/%s", call->base_url, acct->username)
				 : acct->uri,
	    "avatar", media_url(call, pic), "avatar_static", media_url(call, pic), "header",
	    media_url(call, head), "header_static", media_url(call, head), "followers_count",
	    (json_int_t)followers, "following_count", (json_int_t)following, "statuses_count",
	    (json_int_t)posts, "last_status_at", "emojis", "fields",
	    fields_json(call, acct, false));
	if (doc == NULL)
		return NULL;
	if (with_source) {
		json_object_set_new(doc, "source",
				    json_pack("{ss ss sb ss? so}", "privacy",
					      api_visibility_name(acct->default_visibility), "note",
					      acct->bio ? acct->bio : "", "sensitive", 0,
					      "language", acct->language, "fields",
					      fields_json(call, acct, true)));
		return doc;
	}
	struct account_memo *m = arena_alloc(a, sizeof *m);
	m->id = acct->id;
	m->doc = json_incref(doc);
	m->next = *memo_head(call);
	*memo_head(call) = m;
	arena_defer(a, memo_release, m->doc);
	return doc;
}
