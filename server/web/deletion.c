/* deletion.c - see deletion.h. */
#include "web/deletion.h"

#include <microhttpd.h>

#include "core/deletion.h"
#include "http/request.h"
#include "http/router.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/tval.h"
#include "http/signin_limit.h"
#include "web/twofactor.h"
#include "web/web.h"

#define TEMPLATE "account_delete"
#define TITLE N_("Delete my account")

/* The page, with err next to the form (NULL: none). */
static int
page(struct req *req, const struct err *err)
{
	struct tval *ctx = tval_obj(req->arena);
	tval_set_str(ctx, "username", req->viewer->username);
	web_twofactor_keys(req, ctx);
	return web_render_form(req, TEMPLATE, TITLE, ctx, err);
}

static int
delete_form(struct req *req)
{
	if (req->viewer == NULL)
		return web_need_signin(req);
	return page(req, NULL);
}

static int
delete_submit(struct req *req)
{
	if (req->viewer == NULL)
		return web_need_signin(req);
	/* the password is guessed like a sign-in's: the same limits (signin_limit.h) */
	struct err err;
	if (signin_limit_check(req, req->viewer->username, &err) != 0)
		return page(req, &err);
	if (deletion_delete_account(req->arena, req->viewer, web_field(req, "password"),
				    web_field(req, "code"), &err) != 0) {
		if (err.code == ERR_FORBIDDEN) {
			signin_limit_failed(req, req->viewer->username);
			return page(req, &err);
		}
		if (err.code != ERR_GONE) {
			req->err = err;
			return -1;
		}
		/* a request racing the one that deleted it: the same end */
	}
	web_set_session_cookie(req, NULL, false);
	return web_redirect(req, "/", "account_deleted");
}

int
web_deletion_routes(struct router *r)
{
	int rc = 0;
	rc |= router_add(r, "GET", "/settings/delete", delete_form);
	rc |= router_add(r, "POST", "/settings/delete", delete_submit);
	return rc;
}
