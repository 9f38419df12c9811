/* twofactor.c - see twofactor.h. */
#include "web/twofactor.h"

#include <microhttpd.h>
#include <string.h>

#include "app.h"
#include "core/settings.h"
#include "core/twofactor.h"
#include "http/request.h"
#include "http/router.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/qr.h"
#include "util/tmpl.h"
#include "web/auth.h"
#include "web/settings.h"
#include "http/signin_limit.h"
#include "web/web.h"

#define CODE_TEMPLATE "login_code"
#define CODE_TITLE N_("Sign in: code")
#define SETUP_TEMPLATE "two_factor"
#define SETUP_TITLE N_("Two-factor sign-in")

/* ---- the code step of signing in ---- */

int
web_code_step(struct req *req, int64_t account_id, bool password_ok, const char *next)
{
	/* one failure of the client until the code step signs in (signin_limit.h) */
	signin_limit_challenged(req);
	const char *forget = req_form(req, "forget");
	char *token = twofactor_challenge_start(req->arena, account_id, password_ok,
						forget == NULL || *forget == '\0', next, &req->err);
	if (token == NULL)
		return -1;
	web_set_signin_cookie(req, token);
	return web_redirect(req, "/login/code", NULL);
}

static int
code_form(struct req *req)
{
	int live = twofactor_challenge_live(req->arena, req_cookie(req, web_signin_cookie(req)),
					    &req->err);
	if (live < 0)
		return -1;
	if (live == 0)
		return web_redirect(req, "/login", NULL);
	return web_render(req, MHD_HTTP_OK, CODE_TEMPLATE, CODE_TITLE, tval_obj(req->arena));
}

/* Back to the sign-in form with err: the challenge is used up either way. */
static int
start_over(struct req *req, const char *username, const struct err *err)
{
	struct tval *ctx = tval_obj(req->arena);
	tval_set_str(ctx, "username", username ? username : "");
	tval_set_str(ctx, "next", "");
	tval_set_bool(ctx, "registrations_open", req->settings->registration_mode != REG_INVITE);
	return web_render_form_error(req, "login", N_("Sign in"), ctx, err);
}

static int
code_submit(struct req *req)
{
	struct err err;
	const char *token = req_cookie(req, web_signin_cookie(req));
	if (token == NULL) /* no password step in this browser: nothing to answer */
		return web_redirect(req, "/login", NULL);
	web_set_signin_cookie(req, NULL); /* one try, whatever happens */
	if (signin_limit_check(req, NULL, &err) != 0)
		return start_over(req, NULL, &err);
	struct twofactor_answer ans;
	if (twofactor_challenge_answer(req->arena, token, web_field(req, "code"), &ans, &err) !=
	    0) {
		if (err.code == ERR_UNAUTHORIZED)
			signin_limit_failed(req, ans.username);
		else if (err.code != ERR_GONE) {
			req->err = err;
			return -1;
		}
		return start_over(req, ans.username, &err);
	}
	signin_limit_succeeded(req, ans.username);
	signin_limit_forgive(req);
	if (ans.by_recovery_code)
		return web_signed_in(req, ans.account_id, ans.persistent,
				     "/settings?notice=recovery_signin#two-factor");
	return web_signed_in(req, ans.account_id, ans.persistent, web_next_path(ans.next));
}

/* ---- Settings ---- */

void
web_twofactor_keys(struct req *req, struct tval *ctx)
{
	struct err ignored;
	tval_set_bool(ctx, "two_factor_on",
		      twofactor_enabled(req->arena, req->viewer->id, &ignored) > 0);
}

/* The set-up page: the QR code, the secret as text, and the form for the first code. */
static int
setup_page(struct req *req, const struct err *err)
{
	struct twofactor_setup setup;
	const struct app *app = req->app;
	const char *issuer = req->settings && req->settings->name && *req->settings->name
				     ? req->settings->name
				     : app->cfg.instance_name;
	int pending = twofactor_pending(req->arena, req->viewer, issuer, &setup, &req->err);
	if (pending < 0)
		return -1;
	if (pending == 0)
		return web_redirect(req, "/settings#two-factor", NULL);
	char *path;
	int size;
	if (qr_svg_path(req->arena, setup.uri, &path, &size, &req->err) != 0)
		return -1;
	struct tval *ctx = tval_obj(req->arena);
	tval_set_str(ctx, "secret", setup.secret_b32);
	tval_set_str(ctx, "otpauth_uri", setup.uri); /* the QR code's key, as a link for this phone */
	tval_set_str(ctx, "qr_path", path);
	tval_set_int(ctx, "qr_size", size);
	tval_set_int(ctx, "minutes", TWOFACTOR_PENDING_MINUTES);
	return web_render_form(req, SETUP_TEMPLATE, SETUP_TITLE, ctx, err);
}

static int
setup_get(struct req *req)
{
	if (req->viewer == NULL)
		return web_need_signin(req);
	return setup_page(req, NULL);
}

/* The Settings page with err next to the two-factor form. */
static int
settings_error(struct req *req, const struct err *err)
{
	return web_settings_error(req, "two_factor_error", err);
}

/* A two-factor change guarded by the member's password (and a code): act(req, err) does it.
 * The password is guessed like a sign-in's, so the same limits apply (a wrong one,
 * ERR_FORBIDDEN, counts). 0 when it was done (the caller answers); else the answer is set:
 * the Settings page with the error next to the form for ERR_FORBIDDEN, ERR_RATE_LIMITED and
 * shown (what the member can act on), -1 + req->err for anything else. */
static int
guarded(struct req *req, int (*act)(struct req *req, struct err *err), enum err_code shown,
	bool *done)
{
	struct err err;
	*done = false;
	int rc = signin_limit_check(req, req->viewer->username, &err);
	if (rc == 0) {
		rc = act(req, &err);
		if (rc != 0 && err.code == ERR_FORBIDDEN)
			signin_limit_failed(req, req->viewer->username);
		else if (rc == 0)
			signin_limit_succeeded(req, req->viewer->username);
	}
	if (rc == 0) {
		*done = true;
		return 0;
	}
	if (err.code != ERR_FORBIDDEN && err.code != ERR_RATE_LIMITED && err.code != shown) {
		req->err = err;
		return -1;
	}
	return settings_error(req, &err);
}

static int
start(struct req *req, struct err *err)
{
	return twofactor_start(req->arena, req->viewer, web_field(req, "two_factor_password"), err);
}

static int
start_submit(struct req *req)
{
	if (req->viewer == NULL)
		return web_need_signin(req);
	bool done;
	int rc = guarded(req, start, ERR_CONFLICT, &done);
	return done ? web_redirect(req, "/settings/two-factor", NULL) : rc;
}

static int
enable_submit(struct req *req)
{
	if (req->viewer == NULL)
		return web_need_signin(req);
	struct err err;
	const char *token = req_cookie(req, web_session_cookie(req));
	if (twofactor_enable(req->arena, req->viewer->id, web_field(req, "code"), token, &err) != 0) {
		if (err.code == ERR_UNPROCESSABLE)
			return setup_page(req, &err);
		if (err.code == ERR_GONE)
			return settings_error(req, &err);
		req->err = err;
		return -1;
	}
	/* new recovery codes come with it: shown now, on their one view */
	return web_redirect(req, web_recovery_codes_url(req, token, false), NULL);
}

static int
disable(struct req *req, struct err *err)
{
	return twofactor_disable(req->arena, req->viewer, web_field(req, "disable_password"),
				 web_field(req, "disable_code"), err);
}

static int
disable_submit(struct req *req)
{
	if (req->viewer == NULL)
		return web_need_signin(req);
	bool done;
	int rc = guarded(req, disable, ERR_NOT_FOUND, &done);
	return done ? web_redirect(req, "/settings#two-factor", "two_factor_off") : rc;
}

/* A GET of a form's address goes to the section the form is in. */
static int
form_get(struct req *req)
{
	return web_redirect(req, "/settings#two-factor", NULL);
}

int
web_twofactor_routes(struct router *r)
{
	int rc = 0;
	rc |= router_add(r, "GET", "/login/code", code_form);
	rc |= router_add(r, "POST", "/login/code", code_submit);
	rc |= router_add(r, "GET", "/settings/two-factor", setup_get);
	rc |= router_add(r, "POST", "/settings/two-factor/start", start_submit);
	rc |= router_add(r, "POST", "/settings/two-factor/enable", enable_submit);
	rc |= router_add(r, "POST", "/settings/two-factor/disable", disable_submit);
	rc |= router_add(r, "GET", "/settings/two-factor/start", form_get);
	rc |= router_add(r, "GET", "/settings/two-factor/enable", form_get);
	rc |= router_add(r, "GET", "/settings/two-factor/disable", form_get);
	return rc ? -1 : 0;
}
