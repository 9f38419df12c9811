/* auth.c - sign-up, sign-in, sign-out and recovery pages. */
#include "web/auth.h"

#include <microhttpd.h>
#include <string.h>

#include "app.h"
#include "core/account.h"
#include "core/auth.h"
#include "core/registration.h"
#include "core/session.h"
#include "core/settings.h"
#include "http/request.h"
#include "http/respond.h"
#include "http/router.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/tmpl.h"
#include "web/rules.h"
#include "web/signin_limit.h"
#include "web/web.h"

/* Where to go after signing in: a local path from the form (web_local_path), else /home. */
static const char *
next_path(const char *next)
{
	if (web_local_path(next) && strncmp(next, "/login", 6) != 0)
		return next;
	return "/home";
}

/* Starts a session and sets its cookie; persistent: kept on this device (see
 * web_set_session_cookie). */
static int
sign_in(struct req *req, int64_t account_id, bool persistent)
{
	char *token = session_create(req->arena, account_id,
				     req_header(req, MHD_HTTP_HEADER_USER_AGENT), persistent,
				     &req->err);
	if (token == NULL)
		return -1;
	web_set_session_cookie(req, token, persistent);
	return 0;
}

/* ---- register ---- */

static struct tval *
register_ctx(struct req *req, const char *invite)
{
	enum reg_mode mode = req->settings->registration_mode;
	bool has_invite = invite != NULL && *invite != '\0';
	struct tval *ctx = tval_obj(req->arena);
	tval_set_str(ctx, "invite", invite ? invite : "");
	tval_set_bool(ctx, "has_invite", has_invite);
	tval_set_bool(ctx, "mode_approval", mode == REG_APPROVAL);
	tval_set_bool(ctx, "closed", mode == REG_INVITE && !has_invite);
	tval_set(ctx, "rules", web_rules_view(req));
	return ctx;
}

static int
register_form(struct req *req)
{
	if (req->viewer != NULL)
		return web_redirect(req, "/home", NULL);
	return web_render(req, MHD_HTTP_OK, "register", N_("Create an account"),
			  register_ctx(req, req_query(req, "invite")));
}

static int
register_submit(struct req *req)
{
	struct registration reg = {
		.username = web_field(req, "username"),
		.password = web_field(req, "password"),
		.invite_code = web_field(req, "invite"),
		.note = web_field(req, "note"),
	};
	struct registration_result res = {0};
	struct err err;
	/* Invite codes are secrets too: a client that keeps guessing them is stopped. */
	if (signin_limit_check(req, NULL, &err) != 0 ||
	    registration_submit(req->arena, req->settings->registration_mode, &reg, &res, &err) !=
		    0) {
		if (res.bad_invite)
			signin_limit_failed(req, NULL);
		struct tval *ctx = register_ctx(req, reg.invite_code);
		tval_set_bool(ctx, "closed", false); /* keep the form to correct it */
		tval_set_str(ctx, "username", reg.username);
		tval_set_str(ctx, "note", reg.note);
		return web_render_form_error(req, "register", N_("Create an account"), ctx, &err);
	}
	if (!res.approved)
		return web_redirect(req, "/", "applied");
	if (sign_in(req, res.account_id, true) != 0)
		return -1;
	/* Signed in from now on: the page shows the member's menu and is never cached. */
	req->viewer = account_by_id(req->arena, res.account_id, &req->err);
	if (req->viewer == NULL)
		return -1;
	req->signed_in = true;
	struct tval *ctx = tval_obj(req->arena), *codes = tval_list(req->arena);
	for (int i = 0; i < RECOVERY_CODES; i++)
		tval_push_str(codes, res.recovery_codes[i]);
	tval_set(ctx, "codes", codes);
	return web_render(req, MHD_HTTP_OK, "welcome", N_("Welcome!"), ctx);
}

/* ---- login / logout ---- */

static struct tval *
login_ctx(struct req *req, const char *username, const char *next)
{
	struct tval *ctx = tval_obj(req->arena);
	tval_set_str(ctx, "username", username ? username : "");
	tval_set_str(ctx, "next", next ? next : "");
	const char *forget = req_form(req, "forget");
	tval_set_bool(ctx, "forget", forget != NULL && *forget != '\0');
	tval_set_bool(ctx, "registrations_open",
		      req->settings->registration_mode != REG_INVITE);
	return ctx;
}

static int
login_form(struct req *req)
{
	if (req->viewer != NULL)
		return web_redirect(req, "/home", NULL);
	const char *next = req_query(req, "next");
	return web_render(req, MHD_HTTP_OK, "login", N_("Sign in"),
			  login_ctx(req, NULL, web_local_path(next) ? next : NULL));
}

static int
login_submit(struct req *req)
{
	const char *username = web_field(req, "username"), *next = web_field(req, "next");
	struct err err;
	if (signin_limit_check(req, username, &err) != 0)
		return web_render_form_error(req, "login", N_("Sign in"),
					     login_ctx(req, username, next), &err);
	struct account *acct = auth_login(req->arena, username, web_field(req, "password"), &err);
	if (acct == NULL) {
		if (err.code == ERR_UNAUTHORIZED)
			signin_limit_failed(req, username);
		return web_render_form_error(req, "login", N_("Sign in"),
					     login_ctx(req, username, next), &err);
	}
	signin_limit_succeeded(req, username);
	/* "Don't keep me signed in on this device": a shared or borrowed phone. */
	const char *forget = req_form(req, "forget");
	if (sign_in(req, acct->id, forget == NULL || *forget == '\0') != 0)
		return -1;
	return web_redirect(req, next_path(next), NULL);
}

static int
logout(struct req *req)
{
	struct err ignored;
	session_end(req->arena, req_cookie(req, web_session_cookie(req)), &ignored);
	web_set_session_cookie(req, NULL, false);
	return web_redirect(req, "/", "signed_out");
}

/* ---- recovery ---- */

static int
recover_form(struct req *req)
{
	return web_render(req, MHD_HTTP_OK, "recover", N_("Recover your account"), NULL);
}

static int
recover_submit(struct req *req)
{
	const char *username = web_field(req, "username");
	struct tval *ctx = tval_obj(req->arena);
	tval_set_str(ctx, "username", username);
	struct err err;
	if (signin_limit_check(req, username, &err) != 0)
		return web_render_form_error(req, "recover", N_("Recover your account"), ctx,
					     &err);
	if (auth_recover(req->arena, username, web_field(req, "code"), web_field(req, "password"),
			 &err) != 0) {
		if (err.code == ERR_UNAUTHORIZED)
			signin_limit_failed(req, username);
		return web_render_form_error(req, "recover", N_("Recover your account"), ctx,
					     &err);
	}
	signin_limit_succeeded(req, username);
	web_set_session_cookie(req, NULL, false);
	return web_redirect(req, "/login", "recovered");
}

int
web_auth_routes(struct router *r)
{
	int rc = 0;
	rc |= router_add(r, "GET", "/register", register_form);
	rc |= router_add(r, "POST", "/register", register_submit);
	rc |= router_add(r, "GET", "/login", login_form);
	rc |= router_add(r, "POST", "/login", login_submit);
	rc |= router_add(r, "POST", "/logout", logout);
	rc |= router_add(r, "GET", "/recover", recover_form);
	rc |= router_add(r, "POST", "/recover", recover_submit);
	return rc ? -1 : 0;
}
