/* entity_instance.c - the Instance entity (v1 and v2 shapes) and the rules list. */
#include "api/entities.h"

#include <string.h>

#include "api/api.h"
#include "app.h"
#include "autoconfig.h"
#include "core/account.h"
#include "core/federation.h"
#include "core/media.h"
#include "core/rules.h"
#include "core/settings.h"
#include "core/status.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"

/* Mastodon.py reads the first three dot-separated numbers of version and refuses
 * endpoints newer than them: 4.0.0 is the newest any of its 1.8 calls needs. */
#define API_VERSION "4.0.0 (compatible; parasol " PACKAGE_VERSION ")"

static const char *
host_of(struct api_call *call)
{
	const char *h = strstr(call->base_url, "://");
	return h ? h + 3 : call->base_url;
}

json_t *
api_rules(struct api_call *call)
{
	struct rule_row *rules;
	struct err err;
	int n = rules_list_in(call->req->arena, call->req->lang, &rules, &err);
	if (n < 0) {
		call->req->err = err;
		return NULL;
	}
	json_t *list = json_array();
	char buf[ID_STRLEN];
	for (int i = 0; i < n; i++)
		json_array_append_new(list, json_pack("{ssssss}", "id", id_format(rules[i].id, buf),
						      "text", rules[i].title, "hint",
						      rules[i].body ? rules[i].body : ""));
	return list;
}

/* The streams' base (api/streaming.c): the node's address with ws:// or wss://, where
 * clients (Mastodon.py) turn it back into http(s) and add /api/v1/streaming/... */
static const char *
streaming_url(struct api_call *call)
{
	const char *b = call->base_url;
	if (strncmp(b, "https://", 8) == 0)
		return arena_printf(call->req->arena, "wss://%s", b + 8);
	if (strncmp(b, "http://", 7) == 0)
		return arena_printf(call->req->arena, "ws://%s", b + 7);
	return b;
}

static json_t *
configuration(struct api_call *call)
{
	const struct app *app = call->req->app;
	return json_pack("{s{si} s{sisisi} s{s[sssss]sisisisi} s{sisisisi}}", "accounts",
			 "max_featured_tags", 0, "statuses", "max_characters",
			 app->cfg.post_max_chars, "max_media_attachments", MEDIA_MAX_ATTACHMENTS,
			 "characters_reserved_per_url", 23, "media_attachments",
			 "supported_mime_types", "image/jpeg", "image/png", "image/webp",
			 "image/gif", "image/heic", "image_size_limit", app->cfg.media_max_bytes,
			 "image_matrix_limit", app->cfg.media_max_pixels, "video_size_limit", 0,
			 "video_matrix_limit", 0, "polls", "max_options", 0,
			 "max_characters_per_option", 0, "min_expiration", 0, "max_expiration", 0);
}

/* Neither shape names a contact account: the node has no such setting, and the about page
 * names nobody either (contact_account is null, as Mastodon allows). */
json_t *
api_instance_v1(struct api_call *call)
{
	const struct instance_settings *s = call->req->settings;
	struct db_node_stats st = {0};
	json_t *rules = NULL;
	if (federation_node_stats(call->req->arena, &st, &call->req->err) != 0 ||
	    (rules = api_rules(call)) == NULL)
		return NULL;
	const char *desc = settings_description(s, call->req->lang);
	return json_pack("{ss ss ss ss ss ss s{ss} s{sIsIsI} sn s[s] sb sb sb so so so}", "uri",
			 host_of(call), "title", s->name, "short_description", desc ? desc : "",
			 "description", desc ? desc : "", "email", "", "version", API_VERSION,
			 "urls", "streaming_api", streaming_url(call), "stats", "user_count",
			 (json_int_t)st.users, "status_count", (json_int_t)st.local_posts, "domain_count", (json_int_t)0,
			 "thumbnail", "languages", s->default_language == LANG_ZH_CN ? "zh" : "en",
			 "registrations",
			 s->registration_mode == REG_OPEN || s->registration_mode == REG_APPROVAL,
			 "approval_required", s->registration_mode == REG_APPROVAL,
			 "invites_enabled", s->registration_mode == REG_INVITE, "configuration",
			 configuration(call), "contact_account", json_null(), "rules", rules);
}

/* v2's configuration also names the streams: configuration.urls.streaming. */
static json_t *
v2_configuration(struct api_call *call)
{
	json_t *c = configuration(call);
	if (c != NULL)
		json_object_set_new(c, "urls", json_pack("{ss}", "streaming", streaming_url(call)));
	return c;
}

json_t *
api_instance_v2(struct api_call *call)
{
	const struct instance_settings *s = call->req->settings;
	struct db_node_stats st = {0};
	json_t *rules = NULL;
	if (federation_node_stats(call->req->arena, &st, &call->req->err) != 0 ||
	    (rules = api_rules(call)) == NULL)
		return NULL;
	const char *desc = settings_description(s, call->req->lang);
	return json_pack("{ss ss ss ss ss s{s{sI}} sn s[s] so s{sb sb sn} s{ss so} so}", "domain",
			 host_of(call), "title", s->name, "version", API_VERSION, "source_url",
			 call->base_url, "description", desc ? desc : "", "usage", "users",
			 "active_month", (json_int_t)st.active_month, "thumbnail", "languages",
			 s->default_language == LANG_ZH_CN ? "zh" : "en", "configuration",
			 v2_configuration(call), "registrations", "enabled",
			 s->registration_mode == REG_OPEN || s->registration_mode == REG_APPROVAL,
			 "approval_required", s->registration_mode == REG_APPROVAL, "message",
			 "contact", "email", "", "account", json_null(), "rules", rules);
}
