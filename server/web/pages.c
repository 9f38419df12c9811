/* pages.c - handlers for the public pages. */
#include "pages.h"

#include <microhttpd.h>
#include <string.h>

#include "app.h"
#include "core/health.h"
#include "core/robots.h"
#include "core/account.h"
#include "core/settings.h"
#include "core/transparency.h"
#include "http/request.h"
#include "http/respond.h"
#include "http/static.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/log.h"
#include "util/tmpl.h"
#include "web/rules.h"
#include "web/web.h"

/* Keys home and about share. */
static struct tval *
instance_ctx(struct req *req)
{
	struct err err;
	long members = account_count(req->arena, &err);
	struct tval *ctx = tval_obj(req->arena);
	tval_set_bool(ctx, "registrations_open",
		      req->settings && req->settings->registration_mode != REG_INVITE);
	if (members >= 0)
		tval_set_int(ctx, "member_count", members);
	tval_set(ctx, "rules", web_rules_view(req));
	return ctx;
}

int
page_home(struct req *req)
{
	if (req->viewer != NULL) /* a suspended member's home is their moderation page */
		return web_redirect(req, req->viewer->suspended ? "/moderation/mine" : "/home",
				    NULL);
	return web_render(req, MHD_HTTP_OK, "home", N_("Home"), instance_ctx(req));
}

/* The transparency report for about.html: months (month, reports_member, reports_peer,
 * reports_rule, actions (count, one per kind in kinds), appeals_filed, appeals_granted,
 * appeals_denied) and kinds (label): the kinds of action some month has. NULL when there has
 * been no moderation yet; on a database error it is logged and "unavailable" is set. */
static struct tval *
transparency_view(struct req *req)
{
	struct transparency t;
	struct err err;
	struct tval *v = tval_obj(req->arena);
	if (transparency_load(req->arena, &t, &err) != 0) {
		log_msg(LOG_WARN, "transparency: %s", err.detail);
		tval_set_bool(v, "unavailable", 1);
		return v;
	}
	if (t.n == 0)
		return NULL;
	struct tval *kinds = tval_list(req->arena), *months = tval_list(req->arena);
	for (int k = 0; k < MOD__MAX; k++) {
		if (!t.kind_used[k])
			continue;
		struct tval *kv = tval_obj(req->arena);
		tval_set_str(kv, "label", i18n_gettext(req->lang, transparency_kind_label((enum mod_kind)k)));
		tval_push(kinds, kv);
	}
	for (int i = 0; i < t.n; i++) {
		const struct tr_month *m = &t.months[i];
		struct tval *mv = tval_obj(req->arena), *actions = tval_list(req->arena);
		tval_set_str(mv, "month", m->month);
		tval_set_int(mv, "reports_member", m->reports[TR_FROM_MEMBER]);
		tval_set_int(mv, "reports_peer", m->reports[TR_FROM_PEER]);
		tval_set_int(mv, "reports_rule", m->reports[TR_FROM_RULE]);
		for (int k = 0; k < MOD__MAX; k++) {
			if (!t.kind_used[k])
				continue;
			struct tval *cv = tval_obj(req->arena);
			tval_set_int(cv, "count", m->actions[k]);
			tval_push(actions, cv);
		}
		tval_set(mv, "actions", actions);
		tval_set_int(mv, "appeals_filed", m->appeals_filed);
		tval_set_int(mv, "appeals_granted", m->appeals_granted);
		tval_set_int(mv, "appeals_denied", m->appeals_denied);
		tval_push(months, mv);
	}
	tval_set(v, "months", months);
	tval_set(v, "kinds", kinds);
	return v;
}

int
page_about(struct req *req)
{
	struct tval *ctx = instance_ctx(req);
	tval_set(ctx, "transparency", transparency_view(req));
	return web_render(req, MHD_HTTP_OK, "about", N_("About"), ctx);
}

int
page_safety(struct req *req)
{
	return web_render(req, MHD_HTTP_OK, "safety", N_("Safety guide"), tval_obj(req->arena));
}

int
page_healthz(struct req *req)
{
	struct err err;
	resp_header(req, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	if (!health_check(&err)) {
		log_msg(LOG_WARN, "health check failed: %s", err.detail);
		resp_set(req, MHD_HTTP_SERVICE_UNAVAILABLE, "text/plain; charset=utf-8",
			 "unavailable\n", 12);
		return 0;
	}
	resp_set(req, MHD_HTTP_OK, "text/plain; charset=utf-8", "ok\n", 3);
	return 0;
}

int
page_robots(struct req *req)
{
	struct err err;
	const char *body = robots_txt(req->arena, &err);
	if (body == NULL) { /* the database is down: the safe answer */
		log_msg(LOG_WARN, "robots.txt: %s", err.detail);
		body = robots_disallow_all;
	}
	/* an hour: a member who changes their mind is not kept listed for long */
	resp_header(req, MHD_HTTP_HEADER_CACHE_CONTROL, "public, max-age=3600");
	resp_set(req, MHD_HTTP_OK, "text/plain; charset=utf-8", body, strlen(body));
	return 0;
}

int
page_static(struct req *req)
{
	const struct app *app = req->app;
	return static_serve(app->statics, req, req_param(req, "file"));
}
