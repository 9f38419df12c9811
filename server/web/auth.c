/* auth.c - sign-up, sign-in, sign-out and recovery pages. */
#include "web/auth.h"

#include <microhttpd.h>
#include <string.h>

#include "app.h"
#include "core/account.h"
#include "core/auth.h"
#include "core/invite.h"
#include "core/recovery.h"
#include "core/registration.h"
#include "core/session.h"
#include "core/twofactor.h"
#include "core/settings.h"
#include "http/request.h"
#include "http/respond.h"
#include "http/router.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/tmpl.h"
#include "util/token.h"
#include "web/rules.h"
#include "http/signin_limit.h"
#include "web/twofactor.h"
#include "web/web.h"

/* Where to go after signing in: a local path from the form (web_local_path), else /home. */
const char *
web_next_path(const char *next)
{
	if (web_local_path(next) && strncmp(next, "/login", 6) != 0)
		return next;
	return "/home";
}

/* Starts a session and sets its cookie; persistent: kept on this device (see
 * web_set_session_cookie). A session this browser held before ends with it. The session's
 * secret (arena), or NULL + req->err. */
const char *
web_sign_in(struct req *req, int64_t account_id, bool persistent)
{
	char *token = session_create(req->arena, account_id,
				     req_header(req, MHD_HTTP_HEADER_USER_AGENT), persistent,
				     req_cookie(req, web_session_cookie(req)), &req->err);
	if (token == NULL)
		return NULL;
	web_set_session_cookie(req, token, persistent);
	return token;
}

#define RECOVERY_VIEW_PURPOSE "parasol recovery codes view"

const char *
web_recovery_codes_url(struct req *req, const char *session_token, bool welcome)
{
	const char *view = token_derive(req->arena, session_token ? session_token : "",
					RECOVERY_VIEW_PURPOSE);
	return arena_printf(req->arena, "/recovery-codes?%sview=%s", welcome ? "welcome=1&" : "",
			    view ? view : "");
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
	const char *invite = req_query(req, "invite");
	struct tval *ctx = register_ctx(req, invite);
	if (invite == NULL || *invite == '\0')
		return web_render(req, MHD_HTTP_OK, "register", N_("Create an account"), ctx);
	/* Say at once when the link can't be used, before anything is typed. */
	enum invite_state state;
	enum role role;
	if (invite_check(req->arena, invite, &state, &role, &req->err) != 0)
		return -1;
	if (state != INVITE_USABLE) {
		struct err err;
		if (state == INVITE_UNKNOWN)
			err_set(&err, ERR_NOT_FOUND,
				"This invite link is not valid. Check that you copied all of it, or "
				"ask for a new one.",
				"unknown invite");
		else
			err_set(&err, ERR_GONE,
				"This invite link can't be used any more: it was revoked, has "
				"expired or is used up. Ask the person who sent it for a new one.",
				"unusable invite");
		tval_set_bool(ctx, "closed", false);
		tval_set_bool(ctx, "unusable", true);
		return web_render_form_error(req, "register", N_("Create an account"), ctx, &err);
	}
	tval_set_bool(ctx, "admin_invite", role == ROLE_ADMIN);
	return web_render(req, MHD_HTTP_OK, "register", N_("Create an account"), ctx);
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
		/* so are the names of members: asking which are taken counts as a failure too */
		if (res.bad_invite || res.taken)
			signin_limit_failed(req, NULL);
		struct tval *ctx = register_ctx(req, reg.invite_code);
		tval_set_bool(ctx, "closed", false); /* keep the form to correct it */
		tval_set_str(ctx, "username", reg.username);
		tval_set_str(ctx, "note", reg.note);
		return web_render_form_error(req, "register", N_("Create an account"), ctx, &err);
	}
	if (!res.approved)
		return web_redirect(req, "/", "applied");
	const char *token = web_sign_in(req, res.account_id, true);
	if (token == NULL)
		return -1;
	/* The codes are made and shown by the page this leads to (POST-redirect-GET), so a
	 * reload never sends the form again. */
	return web_redirect(req, web_recovery_codes_url(req, token, true), NULL);
}

/* ---- recovery codes, shown once ---- */

static int
recovery_codes_page(struct req *req)
{
	if (!req->viewer)
		return web_need_signin(req);
	const char *codes[RECOVERY_CODES];
	const char *welcome = req_query(req, "welcome");
	bool is_welcome = welcome != NULL && *welcome != '\0';
	/* Only the address this session was sent to makes the codes: a page elsewhere can't
	 * use the one view up. Nor can a HEAD (a link checker, a prefetch), which shows
	 * nothing. */
	const char *session = req_cookie(req, web_session_cookie(req));
	const char *view = req_query(req, "view");
	const char *expected = token_derive(req->arena, session ? session : "",
					    RECOVERY_VIEW_PURPOSE);
	bool ours = session != NULL && view != NULL && expected != NULL &&
		    token_equal(view, expected);
	int made = 0;
	struct tval *ctx = tval_obj(req->arena), *list = tval_list(req->arena);
	if (ours && strcmp(req->method, "HEAD") != 0)
		made = recovery_codes_take(req->arena, req->viewer->id, codes, &req->err);
	else if (!ours) {
		int due = recovery_codes_due(req->arena, req->viewer->id, &req->err);
		if (due > 0)
			tval_set_str(ctx, "show_url",
				     web_recovery_codes_url(req, session, is_welcome));
		made = due < 0 ? -1 : 0;
	}
	if (made < 0)
		return -1;
	for (int i = 0; i < made * RECOVERY_CODES; i++)
		tval_push_str(list, codes[i]);
	tval_set(ctx, "codes", list);
	tval_set_bool(ctx, "made", made > 0);
	tval_set_bool(ctx, "welcome", is_welcome);
	return web_render(req, MHD_HTTP_OK, "welcome",
			  is_welcome ? N_("Welcome!") : N_("Your recovery codes"), ctx);
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
	/* An account with two-factor sign-in: the code step next, whether the password was
	 * right or not (web/twofactor.c) */
	if (acct != NULL || err.code == ERR_UNAUTHORIZED) {
		int64_t id;
		int two = twofactor_required(req->arena, username, &id, &req->err);
		if (two < 0)
			return -1;
		if (two > 0)
			return web_code_step(req, id, acct != NULL, web_next_path(next));
	}
	if (acct == NULL) {
		if (err.code == ERR_UNAUTHORIZED)
			signin_limit_failed(req, username);
		return web_render_form_error(req, "login", N_("Sign in"),
					     login_ctx(req, username, next), &err);
	}
	signin_limit_succeeded(req, username);
	/* "Don't keep me signed in on this device": a shared or borrowed phone. */
	const char *forget = req_form(req, "forget");
	return web_signed_in(req, acct->id, forget == NULL || *forget == '\0', web_next_path(next));
}

int
web_signed_in(struct req *req, int64_t account_id, bool persistent, const char *next)
{
	const char *token = web_sign_in(req, account_id, persistent);
	if (token == NULL)
		return -1;
	/* An applicant's first sign-in after approval (or new codes asked for and not seen
	 * yet): the codes first. */
	int due = recovery_codes_due(req->arena, account_id, &req->err);
	if (due < 0)
		return -1;
	if (due)
		return web_redirect(req, web_recovery_codes_url(req, token, true), NULL);
	return web_redirect(req, next, NULL);
}

static int
logout(struct req *req)
{
	struct err ignored;
	session_end(req->arena, req_cookie(req, web_session_cookie(req)), &ignored);
	if (req->viewer != NULL) /* the session's kept pages go with it */
		req_member_pages_forget(req, req->viewer->id, req->session_id);
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
	rc |= router_add(r, "GET", "/recovery-codes", recovery_codes_page);
	rc |= router_add(r, "GET", "/login", login_form);
	rc |= router_add(r, "POST", "/login", login_submit);
	rc |= router_add(r, "POST", "/logout", logout);
	rc |= router_add(r, "GET", "/recover", recover_form);
	rc |= router_add(r, "POST", "/recover", recover_submit);
	return rc ? -1 : 0;
}
