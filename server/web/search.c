/* search.c - the search page: accounts and hashtags (core/search.c decides what matches). */
#include "web/search.h"

#include <microhttpd.h>

#include "core/search.h"
#include "http/request.h"
#include "http/router.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/tmpl.h"
#include "web/web.h"

static int
search_page(struct req *req)
{
	const char *q = req_query(req, "q");
	struct search_results res;
	struct err err;
	struct tval *ctx = tval_obj(req->arena);
	tval_set_str(ctx, "q", q ? q : "");
	tval_set_bool(ctx, "visitor", req->viewer == NULL);
	if (search_run(req->arena, q, req->viewer ? req->viewer->id : 0, true, &res, &err) != 0)
		return web_render_form_error(req, "search", N_("Search"), ctx, &err);
	tval_set_bool(ctx, "searched", *res.query != '\0');
	struct tval *accounts = tval_list(req->arena);
	for (int i = 0; i < res.naccounts; i++)
		tval_push(accounts, web_account_view(req, &res.accounts[i]));
	tval_set(ctx, "accounts", accounts);
	tval_set_bool(ctx, "has_accounts", res.naccounts > 0);
	if (res.remote_error != NULL)
		tval_set_str(ctx, "remote_error", i18n_gettext(req->lang, res.remote_error));
	struct tval *tags = tval_list(req->arena);
	for (int i = 0; i < res.ntags; i++) {
		struct tval *t = tval_obj(req->arena);
		tval_set_str(t, "name", res.tags[i]);
		tval_set_str(t, "url", arena_printf(req->arena, "/tags/%s", res.tags[i]));
		tval_push(tags, t);
	}
	tval_set(ctx, "tags", tags);
	tval_set_bool(ctx, "has_tags", res.ntags > 0);
	return web_render(req, MHD_HTTP_OK, "search", N_("Search"), ctx);
}

int
web_search_routes(struct router *r)
{
	return router_add(r, "GET", "/search", search_page);
}
