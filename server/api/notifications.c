/* notifications.c - GET /api/v1/notifications (types[], exclude_types[], account_id, keyset
 * paging), GET /api/v1/notifications/:id, POST .../:id/dismiss and POST
 * /api/v1/notifications/clear (only the member's own: another's is 404), over
 * core/notification.h, the list the web's notifications page shows. The post of a
 * notification is read again through status_get, so it is shown only while the member may
 * see it. Moderators' actions on the member's account or posts, and decided appeals, come
 * as "moderation_warning" (Mastodon 4.3's type), so that an app never hides them; they are
 * all a suspended member's apps show. */
#include <microhttpd.h>
#include <string.h>

#include "api/api.h"
#include "api/entities.h"
#include "api/paging.h"
#include "api/params.h"
#include "core/moderation.h"
#include "core/notification.h"
#include "core/status.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/id.h"

/* Mastodon's name for a stored type ("reply" is a mention on Mastodon). */
static const char *
api_type(const char *stored)
{
	if (strcmp(stored, "reply") == 0)
		return "mention";
	if (strcmp(stored, "moderation") == 0 || strcmp(stored, "appeal") == 0 ||
	    strcmp(stored, "report") == 0)
		return "moderation_warning";
	return stored;
}

static bool
listed(const char *type, const char **list, int n)
{
	for (int i = 0; i < n; i++)
		if (strcmp(list[i], type) == 0)
			return true;
	return false;
}

/* A reporter's answer reads as the web's notifications page says it: only whether the
 * moderators acted or found nothing to do (core/moderation.c). What was done, its reason
 * and the action's id (which the moderation log would match to what was done) are the
 * reported member's business: the id is the notification's own, the action "none". */
static json_t *
report_answer(struct api_call *call, const struct notification_row *row)
{
	enum mod_kind k = MOD_NOTE;
	mod_kind_parse(row->mod_kind ? row->mod_kind : "", &k);
	const char *text =
	    k == MOD_DISMISS
		? N_("The moderators reviewed a report you sent and found nothing that needed "
		     "doing.")
		: N_("The moderators reviewed a report you sent and acted on it. Thank you.");
	char buf[ID_STRLEN];
	return json_pack("{ss ss ss sn so}", "id", id_format(row->id, buf), "action", "none",
			 "text", i18n_gettext(call->req->lang, text), "status_ids", "created_at",
			 api_time(call, row->created_at));
}

bool
api_notification_shown(const struct api_call *call, const struct notification_row *row)
{
	if (strcmp(row->type, "alert") == 0) /* bad-date alerts never reach apps (core/alerts.h) */
		return false;
	return !call->me->suspended || strcmp(api_type(row->type), "moderation_warning") == 0;
}

json_t *
api_notification(struct api_call *call, const struct notification_row *row)
{
	char buf[ID_STRLEN];
	const char *type = api_type(row->type);
	json_t *doc = json_pack("{ss ss so}", "id", id_format(row->id, buf), "type", type,
				"created_at", api_time(call, row->created_at));
	if (doc == NULL)
		return NULL;
	if (row->from.id != 0)
		json_object_set_new(doc, "account", api_account(call, &row->from, false));
	else
		json_object_set_new(doc, "account", api_account(call, call->me, false));
	if (row->status_id != 0) {
		struct err err;
		struct status *st =
		    status_get(call->req->arena, call->me->id, row->status_id, &err);
		if (st != NULL)
			json_object_set_new(doc, "status", api_status(call, st));
	}
	if (strcmp(type, "moderation_warning") == 0)
		json_object_set_new(
		    doc, "moderation_warning",
		    strcmp(row->type, "report") == 0
			? report_answer(call, row)
			: json_pack("{ss ss ss sn so}", "id", id_format(row->mod_action_id, buf),
				    "action", row->mod_kind ? row->mod_kind : row->type, "text",
				    row->mod_reason ? row->mod_reason : "", "status_ids",
				    "created_at", api_time(call, row->created_at)));
	return doc;
}

static int
list(struct api_call *call)
{
	struct timeline_query q;
	int64_t since;
	const char **types, **exclude;
	int ntypes, nexclude;
	int64_t from;
	if (api_page_params(call, &q, &since) != 0 ||
	    api_list(call, "types", 20, &types, &ntypes) != 0 ||
	    api_list(call, "exclude_types", 20, &exclude, &nexclude) != 0 ||
	    api_id(call, "account_id", &from) != 0)
		return -1;
	struct notification_page p;
	if (notification_list(call->req->arena, call->me->id, q.max_id, q.min_id, q.limit, &p,
			      &call->req->err) != 0)
		return -1;
	int64_t newest = p.n ? p.items[0].id : 0, oldest = p.n ? p.items[p.n - 1].id : 0;
	json_t *out = json_array();
	for (int i = 0; i < p.n; i++) {
		const char *type = api_type(p.items[i].type);
		if (p.items[i].id <= since || (ntypes > 0 && !listed(type, types, ntypes)) ||
		    listed(type, exclude, nexclude) || (from != 0 && p.items[i].from.id != from) ||
		    !api_notification_shown(call, &p.items[i]))
			continue;
		json_t *doc = api_notification(call, &p.items[i]);
		if (doc != NULL)
			json_array_append_new(out, doc);
	}
	if (api_json(call, MHD_HTTP_OK, out) != 0)
		return -1;
	api_page_links(call, newest, oldest, p.has_older);
	return 0;
}

static int
not_found(struct api_call *call)
{
	return err_set(&call->req->err, ERR_NOT_FOUND, "Record not found", "no such notification");
}

static int
get(struct api_call *call)
{
	int64_t id;
	struct notification_row row;
	if (api_path_id(call, "id", &id) != 0)
		return -1;
	if (notification_get(call->req->arena, call->me->id, id, &row, &call->req->err) != 0)
		return call->req->err.code == ERR_NOT_FOUND ? not_found(call) : -1;
	if (!api_notification_shown(call, &row))
		return not_found(call);
	return api_json(call, MHD_HTTP_OK, api_notification(call, &row));
}

static int
dismiss(struct api_call *call)
{
	int64_t id;
	if (api_path_id(call, "id", &id) != 0)
		return -1;
	if (notification_dismiss(call->req->arena, call->me->id, id, &call->req->err) != 0)
		return call->req->err.code == ERR_NOT_FOUND ? not_found(call) : -1;
	return api_json(call, MHD_HTTP_OK, json_object());
}

static int
clear(struct api_call *call)
{
	if (notification_clear(call->req->arena, call->me->id, &call->req->err) != 0)
		return -1;
	return api_json(call, MHD_HTTP_OK, json_object());
}

#define READ SCOPE(SCOPE_READ_NOTIFICATIONS)
#define WRITE SCOPE(SCOPE_WRITE_NOTIFICATIONS)

static const struct api_route routes[] = {
    {"GET", "/api/v1/notifications", list, API_MEMBER, READ},
    {"GET", "/api/v1/notifications/:id", get, API_MEMBER, READ},
    {"POST", "/api/v1/notifications/:id/dismiss", dismiss, API_MEMBER, WRITE},
    {"POST", "/api/v1/notifications/clear", clear, API_MEMBER, WRITE},
};

int
api_notifications_routes(struct router *r)
{
	return api_register(r, routes, sizeof routes / sizeof routes[0]);
}
