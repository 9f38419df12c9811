/* oauth.c - the consent page (GET and POST /oauth/authorize) and the member's authorised
 * apps in Settings.
 *
 * The consent page is an ordinary page of the site: a visitor is sent to the sign-in form
 * first (and back here after it), so an account with two-factor sign-in gives its code
 * before any app gets a token; the form carries the session's CSRF token; a suspended
 * member is refused like everywhere else. What the app asked for is checked again when the
 * form comes back. For urn:ietf:wg:oauth:2.0:oob the code is shown to copy into the app
 * (toot's browser login); otherwise the browser is sent to the app's registered
 * redirect_uri with code and state (PKCE S256 challenges are kept with the code). */
#include "web/oauth.h"

#include <microhttpd.h>
#include <string.h>

#include "core/oauth.h"
#include "http/request.h"
#include "http/respond.h"
#include "http/router.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/id.h"
#include "util/strbuf.h"
#include "util/tval.h"
#include "web/web.h"

/* What an app asked for, as the page and its form carry it. */
struct authorize_ask {
	const char *response_type, *client_id, *redirect_uri, *scope, *state;
	const char *code_challenge, *code_challenge_method;
};

static const char *
ask_value(struct req *req, const char *name)
{
	const char *v =
	    strcmp(req->method, "POST") == 0 ? req_form(req, name) : req_query(req, name);
	return v != NULL && strlen(v) <= 2000 ? v : NULL;
}

static void
read_ask(struct req *req, struct authorize_ask *ask)
{
	ask->response_type = ask_value(req, "response_type");
	ask->client_id = ask_value(req, "client_id");
	ask->redirect_uri = ask_value(req, "redirect_uri");
	ask->scope = ask_value(req, "scope");
	ask->state = ask_value(req, "state");
	ask->code_challenge = ask_value(req, "code_challenge");
	ask->code_challenge_method = ask_value(req, "code_challenge_method");
}

/* Checks what the app asked for: the app, its redirect URI, the response type, PKCE's
 * method and the scopes. Errors are shown on the page (never sent to a redirect URI that
 * was not proven to be the app's). 0 or -1 + req->err. */
static int
check_ask(struct req *req, const struct authorize_ask *ask, struct oauth_app *app,
	  const char **scopes)
{
	struct err err;
	if (oauth_app_check(req->arena, ask->client_id, NULL, app, &err) != 0)
		return err.code == ERR_UNAUTHORIZED
			   ? err_set(&req->err, ERR_INVALID,
				     "The app that sent you here is not registered on this server.",
				     "authorize: unknown client")
			   : (req->err = err, -1);
	if (!oauth_redirect_allowed(app, ask->redirect_uri))
		return err_set(&req->err, ERR_INVALID,
			       "The app asked to return to an address it did not register.",
			       "authorize: redirect_uri");
	if (ask->response_type == NULL || strcmp(ask->response_type, "code") != 0)
		return err_set(&req->err, ERR_INVALID,
			       "The app asked for something other than an authorisation code.",
			       "authorize: response_type");
	if (ask->code_challenge != NULL && *ask->code_challenge != '\0' &&
	    (ask->code_challenge_method == NULL || strcmp(ask->code_challenge_method, "S256") != 0))
		return err_set(&req->err, ERR_INVALID,
			       "The app asked for a PKCE method other than S256.",
			       "authorize: pkce method");
	uint64_t mask;
	if (oauth_scopes_parse(req->arena, ask->scope, &mask, scopes, &err) != 0 ||
	    !oauth_scopes_cover(app->scope_mask, mask))
		return err_set(&req->err, ERR_INVALID,
			       "The app asked for more access than it registered for.",
			       "authorize: scope");
	return 0;
}

/* What each scope lets an app do, in words. */
static const char *
scope_words(const char *name)
{
	if (strcmp(name, "read") == 0)
		return N_("read everything you can read: timelines, posts, notifications, your "
			  "account and lists");
	if (strcmp(name, "write") == 0)
		return N_("post, delete, boost, like and bookmark as you, and change your profile");
	if (strcmp(name, "follow") == 0)
		return N_("follow, unfollow, block and mute accounts as you");
	if (strcmp(name, "push") == 0)
		return N_("receive your notifications");
	return NULL;
}

static struct tval *
scope_list(struct req *req, const char *scopes)
{
	struct tval *list = tval_list(req->arena);
	for (const char *p = scopes; *p;) {
		size_t len = strcspn(p, " ");
		char *name = arena_strndup(req->arena, p, len);
		struct tval *v = tval_obj(req->arena);
		tval_set_str(v, "name", name);
		const char *words = scope_words(name);
		if (words != NULL)
			tval_set_str(v, "words", i18n_gettext(req->lang, words));
		tval_push(list, v);
		p += len;
		if (*p == ' ')
			p++;
	}
	return list;
}

/* The Content-Security-Policy of the consent page: its form may lead the browser on to the
 * app's redirect URI (browsers apply form-action to the redirect that answers a form). */
static void
form_action_for(struct req *req, const char *redirect_uri)
{
	if (strcmp(redirect_uri, OAUTH_OOB) == 0)
		return;
	const char *source;
	const char *scheme_end = strchr(redirect_uri, ':');
	if (strncmp(redirect_uri, "https://", 8) == 0 || strncmp(redirect_uri, "http://", 7) == 0) {
		const char *host = strstr(redirect_uri, "://") + 3;
		size_t len = strcspn(host, "/?#");
		source = arena_printf(req->arena, "%.*s%.*s", (int)(host - redirect_uri),
				      redirect_uri, (int)len, host);
	} else {
		source = arena_printf(req->arena, "%.*s", (int)(scheme_end - redirect_uri + 1),
				      redirect_uri);
	}
	resp_header(req, "Content-Security-Policy",
		    arena_printf(req->arena,
				 "default-src 'self'; script-src 'none'; object-src 'none'; "
				 "base-uri 'none'; form-action 'self' %s; frame-ancestors 'none'",
				 source));
}

static struct tval *
ask_ctx(struct req *req, const struct authorize_ask *ask, const struct oauth_app *app,
	const char *scopes)
{
	struct tval *ctx = tval_obj(req->arena);
	tval_set_str(ctx, "app_name", app->name);
	tval_set_str(ctx, "app_website", app->website ? app->website : "");
	tval_set(ctx, "scopes", scope_list(req, scopes));
	tval_set_str(ctx, "client_id", ask->client_id);
	tval_set_str(ctx, "redirect_uri", ask->redirect_uri);
	tval_set_str(ctx, "scope", scopes);
	tval_set_str(ctx, "state", ask->state ? ask->state : "");
	tval_set_str(ctx, "code_challenge", ask->code_challenge ? ask->code_challenge : "");
	tval_set_str(ctx, "code_challenge_method",
		     ask->code_challenge_method ? ask->code_challenge_method : "");
	tval_set_str(ctx, "username", req->viewer->username);
	return ctx;
}

/* GET /oauth/authorize */
static int
authorize_page(struct req *req)
{
	struct authorize_ask ask;
	struct oauth_app app;
	const char *scopes;
	read_ask(req, &ask);
	if (check_ask(req, &ask, &app, &scopes) != 0)
		return -1;
	if (req->viewer == NULL)
		return web_need_signin(req); /* back here, query and all */
	form_action_for(req, ask.redirect_uri);
	return web_render(req, MHD_HTTP_OK, "oauth_authorize", N_("Authorise an app"),
			  ask_ctx(req, &ask, &app, scopes));
}

/* redirect_uri with its answer added to the query (code and state, or error and state). */
static const char *
back_to_app(struct req *req, const char *redirect_uri, const char *key, const char *value,
	    const char *state)
{
	struct strbuf url;
	strbuf_init(&url, req->arena);
	strbuf_puts(&url, redirect_uri);
	strbuf_puts(&url, strchr(redirect_uri, '?') ? "&" : "?");
	strbuf_puts(&url, key);
	strbuf_putc(&url, '=');
	strbuf_put_pct(&url, value, "");
	if (state != NULL && *state != '\0') {
		strbuf_puts(&url, "&state=");
		strbuf_put_pct(&url, state, "");
	}
	return url.data;
}

/* POST /oauth/authorize: decision=approve or deny. */
static int
authorize_submit(struct req *req)
{
	if (req->viewer == NULL)
		return web_need_signin(req);
	struct authorize_ask ask;
	struct oauth_app app;
	const char *scopes;
	read_ask(req, &ask);
	if (check_ask(req, &ask, &app, &scopes) != 0)
		return -1;
	const char *decision = req_form(req, "decision");
	bool oob = strcmp(ask.redirect_uri, OAUTH_OOB) == 0;
	if (decision == NULL || strcmp(decision, "approve") != 0) {
		if (oob) {
			struct tval *ctx = tval_obj(req->arena);
			tval_set_str(ctx, "app_name", app.name);
			tval_set_bool(ctx, "denied", true);
			return web_render(req, MHD_HTTP_OK, "oauth_code", N_("Authorise an app"),
					  ctx);
		}
		resp_redirect(
		    req, back_to_app(req, ask.redirect_uri, "error", "access_denied", ask.state));
		return 0;
	}
	const char *code;
	if (oauth_code_issue(req->arena, &app, req->viewer, scopes, ask.redirect_uri,
			     ask.code_challenge, &code, &req->err) != 0)
		return -1;
	if (!oob) {
		resp_redirect(req, back_to_app(req, ask.redirect_uri, "code", code, ask.state));
		resp_replace_header(req, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
		return 0;
	}
	struct tval *ctx = tval_obj(req->arena);
	tval_set_str(ctx, "app_name", app.name);
	tval_set_str(ctx, "code", code);
	tval_set_bool(ctx, "has_code", true);
	return web_render(req, MHD_HTTP_OK, "oauth_code", N_("Authorise an app"), ctx);
}

void
web_oauth_keys(struct req *req, struct tval *ctx)
{
	struct oauth_grant *rows;
	struct err err;
	int n = oauth_grants(req->arena, req->viewer->id, &rows, &err);
	struct tval *list = tval_list(req->arena);
	char buf[ID_STRLEN];
	for (int i = 0; i < n; i++) {
		struct tval *v = tval_obj(req->arena);
		tval_set_str(v, "id", id_format(rows[i].id, buf));
		tval_set_str(v, "name", rows[i].app_name);
		tval_set_str(v, "website", rows[i].app_website ? rows[i].app_website : "");
		tval_set_str(v, "scopes", rows[i].scopes);
		tval_set_str(v, "created_on", rows[i].created_on);
		tval_set_str(v, "last_used_on", rows[i].last_used_on);
		tval_push(list, v);
	}
	tval_set(ctx, "apps", list);
	tval_set_bool(ctx, "has_apps", n > 0);
}

/* POST /settings/apps/:id/revoke: the app's token stops working at once. */
static int
app_revoke(struct req *req)
{
	if (req->viewer == NULL)
		return web_need_signin(req);
	int64_t id;
	if (web_path_id(req, &id) != 0)
		return -1;
	if (oauth_grant_revoke(req->arena, req->viewer->id, id, &req->err) != 0)
		return -1;
	return web_redirect(req, "/settings#apps", "app_revoked");
}

int
web_oauth_routes(struct router *r)
{
	int rc = 0;
	rc |= router_add(r, "GET", "/oauth/authorize", authorize_page);
	rc |= router_add(r, "POST", "/oauth/authorize", authorize_submit);
	rc |= router_add(r, "POST", "/settings/apps/:id/revoke", app_revoke);
	return rc ? -1 : 0;
}
