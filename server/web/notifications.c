/* notifications.c - the notifications page and "mark all as read". */
#include "web/notifications.h"

#include <microhttpd.h>
#include <string.h>

#include "core/account.h"
#include "core/move.h"
#include "core/notification.h"
#include "http/request.h"
#include "http/router.h"
#include "util/arena.h"
#include "util/i18n.h"
#include "util/tmpl.h"
#include "util/id.h"
#include "web/moderation.h"
#include "web/move.h"
#include "web/statuses.h"
#include "web/web.h"

static struct tval *
notification_view(struct req *req, const struct notification_row *n)
{
	struct tval *v = tval_obj(req->arena);
	web_page_shows_status(req, n->status_id);
	if (n->from.id != 0)
		tval_set(v, "from", web_account_view(req, &n->from));
	if (n->mod_action_id != 0) {
		enum mod_kind k = MOD_NOTE;
		mod_kind_parse(n->mod_kind, &k);
		char buf[ID_STRLEN];
		tval_set_str(v, "mod_id", id_format(n->mod_action_id, buf));
		tval_set_str(v, "mod_label", i18n_gettext(req->lang, web_mod_kind_label(k)));
		bool for_reporter = strcmp(n->type, "report") == 0;
		tval_set_str(v, "mod_reason", n->mod_reason && !for_reporter ? n->mod_reason : "");
		tval_set_bool(v, "appeal_granted",
			      n->appeal_state && strcmp(n->appeal_state, "granted") == 0);
		/* a reporter reads only whether their report led to action (core/moderation.c) */
		tval_set_bool(v, "report_dismissed", k == MOD_DISMISS);
	}
	tval_set_bool(v, "unread", !n->read);
	tval_set_str(v, "created_at", web_time(req, n->created_at));
	tval_set_str(v, "created_iso", n->created_at);
	for (int t = 0; t < NOTIF__MAX; t++)
		tval_set_bool(v, notification_type_names[t],
			      strcmp(n->type, notification_type_names[t]) == 0);
	if (strcmp(n->type, "move") == 0 && n->from.id != 0) {
		/* "X moved to Y": Y as this node knows it (its profile here), else its id */
		struct move_info mi;
		struct err ignored;
		const char *url = "", *handle = "";
		if (move_info_get(req->arena, &n->from, &mi, &ignored) == 0)
			web_move_target(req, &mi, &url, &handle);
		tval_set_str(v, "moved_to_url", url);
		tval_set_str(v, "moved_to_handle", handle);
	}
	if (n->alert_id != 0) {
		tval_set_str(v, "alert_url",
			     arena_printf(req->arena, "/alerts/%lld", (long long)n->alert_id));
		tval_set_str(v, "alert_area", n->alert_area ? n->alert_area : "");
	}
	tval_set_str(v, "status_url", "");
	if (n->status_id != 0 && n->status_author != NULL) {
		tval_set_str(v, "status_url", web_status_url(req, n->status_author, n->status_id));
		tval_set_html(v, "content", n->status_content); /* core/text.c output */
		tval_set_str(v, "spoiler_text", n->status_spoiler);
	}
	return v;
}

static int
list_page(struct req *req)
{
	struct page pg;
	if (web_page_params(req, &pg) != 0)
		return -1;
	struct notification_page p;
	if (notification_list(req->arena, req->viewer->id, pg.max_id, pg.min_id, pg.limit, &p,
			      &req->err) != 0)
		return -1;
	struct tval *ctx = tval_obj(req->arena);
	struct tval *items = tval_list(req->arena);
	for (int i = 0; i < p.n; i++)
		tval_push(items, notification_view(req, &p.items[i]));
	long unread = notification_unread_count(req->arena, req->viewer->id, &req->err);
	if (unread < 0)
		return -1;
	tval_set(ctx, "notifications", items);
	tval_set_bool(ctx, "has_unread", unread > 0);
	if (p.n > 0)
		web_page_links(req, ctx, "/notifications", p.items[0].id, p.items[p.n - 1].id,
			       p.has_newer, p.has_older);
	return web_render(req, MHD_HTTP_OK, "notifications", N_("Notifications"), ctx);
}

static int
list(struct req *req)
{
	if (!req->viewer)
		return web_need_signin(req);
	return web_member_page(req, list_page);
}

static int
mark_read(struct req *req)
{
	if (!req->viewer)
		return web_need_signin(req);
	if (notification_mark_all_read(req->arena, req->viewer->id, &req->err) != 0)
		return -1;
	return web_redirect(req, web_back(req, "/notifications"), "notifications_read");
}

int
web_notifications_routes(struct router *r)
{
	int rc = 0;
	rc |= router_add(r, "GET", "/notifications", list);
	rc |= router_add(r, "POST", "/notifications/read", mark_read);
	return rc ? -1 : 0;
}
