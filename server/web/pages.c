/* pages.c - handlers for the public pages. */
#include "pages.h"

#include <microhttpd.h>

#include "app.h"
#include "core/health.h"
#include "core/account.h"
#include "core/settings.h"
#include "http/request.h"
#include "http/respond.h"
#include "http/static.h"
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
	if (req->viewer != NULL)
		return web_redirect(req, "/home", NULL);
	return web_render(req, MHD_HTTP_OK, "home", N_("Home"), instance_ctx(req));
}

int
page_about(struct req *req)
{
	return web_render(req, MHD_HTTP_OK, "about", N_("About"), instance_ctx(req));
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
page_static(struct req *req)
{
	const struct app *app = req->app;
	return static_serve(app->statics, req, req_param(req, "file"));
}
