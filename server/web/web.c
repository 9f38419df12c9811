/* web.c - layout, rendering and error pages shared by every page. */
#include "web.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "autoconfig.h"
#include "http/request.h"
#include "http/respond.h"
#include "http/router.h"
#include "util/arena.h"
#include "util/i18n.h"
#include "util/strbuf.h"
#include "util/tmpl.h"
#include "web/pages.h"

int
web_routes(struct router *r)
{
	int rc = 0;
	rc |= router_add(r, "GET", "/", page_home);
	rc |= router_add(r, "GET", "/about", page_about);
	rc |= router_add(r, "GET", "/healthz", page_healthz);
	rc |= router_add(r, "GET", "/static/:file", page_static);
	return rc ? -1 : 0;
}

int
web_render(struct req *req, int status, const char *name, const char *title, struct tval *ctx)
{
	const struct app *app = req->app;
	if (ctx == NULL)
		ctx = tval_obj(req->arena);
	tval_set_str(ctx, "lang", i18n_lang_tag(req->lang));
	tval_set_str(ctx, "title", i18n_gettext(req->lang, title));
	tval_set_str(ctx, "instance_name", app->cfg.instance_name);
	tval_set_str(ctx, "instance_description", app->cfg.instance_description);
	tval_set_str(ctx, "version", PACKAGE_VERSION);
	tval_set_bool(ctx, "signed_in", req->signed_in);
	struct strbuf out;
	strbuf_init(&out, req->arena);
	if (tmpl_render(app->tmpl, name, ctx, i18n_translate_cb, &req->lang, &out, &req->err) != 0)
		return -1;
	resp_html(req, status, out.data, out.len);
	resp_header(req, "Vary", "Accept-Language, Cookie");
	resp_header(req, "Content-Language", i18n_lang_tag(req->lang));
	return 0;
}

void
web_render_error(struct req *req, int status, const char *message)
{
	const char *text = i18n_gettext(req->lang, message);
	if (req_wants_json(req) || strncmp(req->path, "/api/", 5) == 0) {
		json_t *doc = json_pack("{ss}", "error", text);
		resp_json(req, status, doc);
		json_decref(doc);
		return;
	}
	struct tval *ctx = tval_obj(req->arena);
	tval_set_int(ctx, "status", status);
	tval_set_str(ctx, "message", text);
	struct err saved = req->err;
	if (web_render(req, status, "error", N_("Error"), ctx) != 0) {
		/* A broken error template must not hide the original error. */
		req->err = saved;
		resp_set(req, status, "text/plain; charset=utf-8", text, strlen(text));
	}
}

int
web_before(struct req *req)
{
	(void)req;
	return 0;
}
