/* oauth.c - the OAuth 2 endpoints apps call: POST /api/v1/apps, POST /oauth/token (grants
 * authorization_code, password, client_credentials, refresh_token) and POST /oauth/revoke.
 * The consent page, GET and POST /oauth/authorize, is a web page (web/oauth.c). The rules
 * are core/oauth.c's; the password grant counts against the sign-in limits of the web
 * (http/signin_limit.h, the one limiter of guessed passwords). */
#include <microhttpd.h>
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "api/params.h"
#include "core/auth.h"
#include "core/oauth.h"
#include "core/twofactor.h"
#include "app.h"
#include "http/ratelimit.h"
#include "http/respond.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "http/signin_limit.h"

/* Counts one app registration, or one app's own token (client_credentials: each is a row
 * until revoked), for the client: 0, or 1 when it has had API_APPS_PER_CLIENT in the
 * window (then the 429 with Retry-After is answered). */
static int
apps_limit(struct api_call *call)
{
	const struct app *app = call->req->app;
	char client[33];
	req_client_key(call->req, client);
	if (ratelimit_hit(app->apps_by_client, client))
		return 0;
	long s = (long)((ratelimit_wait_ms(app->apps_by_client, client) + 999) / 1000);
	resp_replace_header(call->req, "Retry-After",
			    arena_printf(call->req->arena, "%ld", s > 0 ? s : 1));
	struct err err;
	err_set(&err, ERR_RATE_LIMITED,
		"Too many apps were registered from here. Please wait an hour.",
		"app registrations of one client");
	api_error_now(call, &err);
	return 1;
}

/* POST /api/v1/apps: client_name, redirect_uris, scopes, website (JSON or form). */
static int
apps_create(struct api_call *call)
{
	const char *name, *uris, *scopes, *website;
	const char **uri_list;
	int nuris;
	if (apps_limit(call) != 0)
		return 0;
	if (api_str(call, "client_name", 1000, &name) != 0 ||
	    api_str(call, "scopes", 1000, &scopes) != 0 ||
	    api_str(call, "website", OAUTH_WEBSITE_MAX, &website) != 0)
		return -1;
	/* a string (newline separated), or a list */
	if (api_str(call, "redirect_uris", OAUTH_REDIRECT_URIS_MAX, &uris) != 0) {
		if (api_list(call, "redirect_uris", 10, &uri_list, &nuris) != 0)
			return -1;
		uris = "";
		for (int i = 0; i < nuris; i++)
			uris = arena_printf(call->req->arena, "%s%s%s", uris, i ? "\n" : "",
					    uri_list[i]);
	}
	struct oauth_app app;
	if (oauth_app_register(call->req->arena, name, website, uris, scopes, &app,
			       &call->req->err) != 0)
		return -1;
	char buf[ID_STRLEN];
	json_t *redirects = json_array();
	for (const char *p = app.redirect_uris; *p;) {
		size_t len = strcspn(p, "\n");
		json_array_append_new(redirects, json_stringn(p, len));
		p += len;
		if (*p == '\n')
			p++;
	}
	resp_replace_header(call->req, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	return api_json(call, MHD_HTTP_OK,
			json_pack("{ss ss ss? ss so ss ss ss ss}", "id", id_format(app.id, buf),
				  "name", app.name, "website", app.website, "redirect_uri",
				  app.redirect_uris, "redirect_uris", redirects, "scopes",
				  app.scopes, "client_id", app.client_id, "client_secret",
				  app.client_secret, "vapid_key", ""));
}

int
api_token_answer(struct api_call *call, const struct oauth_issued *t)
{
	json_t *doc =
	    json_pack("{ss ss ss sI}", "access_token", t->access_token, "token_type", "Bearer",
		      "scope", t->scopes, "created_at", (json_int_t)t->created_at);
	if (doc != NULL && t->refresh_token != NULL)
		json_object_set_new(doc, "refresh_token", json_string(t->refresh_token));
	int rc = api_json(call, MHD_HTTP_OK, doc);
	resp_replace_header(call->req, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	return rc;
}

/* Maps a failure of core/oauth.c onto RFC 6749's answers. */
static int
grant_error(struct api_call *call, const struct err *err)
{
	switch (err->code) {
	case ERR_UNAUTHORIZED:
		return api_oauth_error(call->req, MHD_HTTP_BAD_REQUEST, "invalid_grant", err->safe);
	case ERR_FORBIDDEN:
		return api_oauth_error(call->req, MHD_HTTP_BAD_REQUEST, "invalid_grant", err->safe);
	case ERR_INVALID:
		return api_oauth_error(call->req, MHD_HTTP_BAD_REQUEST, "invalid_scope", err->safe);
	default:
		call->req->err = *err;
		return -1;
	}
}

/* The handle typed where toot asks for an email: "rose", "@rose" or "rose@this.host". NULL
 * when it names an account elsewhere. */
static const char *
handle_username(struct api_call *call, const char *typed)
{
	if (typed == NULL)
		return NULL;
	if (*typed == '@')
		typed++;
	const char *at = strchr(typed, '@');
	if (at == NULL)
		return typed;
	const char *host = strstr(call->base_url, "://");
	host = host ? host + 3 : call->base_url;
	if (strcasecmp(at + 1, host) != 0)
		return NULL;
	return arena_strndup(call->req->arena, typed, (size_t)(at - typed));
}

static int
password_grant(struct api_call *call, const struct oauth_app *app, const char *scope)
{
	struct req *req = call->req;
	const char *typed, *password;
	if (api_str(call, "username", 320, &typed) != 0 ||
	    api_str(call, "password", 4096, &password) != 0)
		return -1;
	if (typed == NULL || password == NULL)
		return api_oauth_error(req, MHD_HTTP_BAD_REQUEST, "invalid_request",
				       N_("username and password are required."));
	const char *username = handle_username(call, typed);
	struct err err;
	if (signin_limit_check(req, username, &err) != 0)
		return api_oauth_error(req, MHD_HTTP_TOO_MANY_REQUESTS, "rate_limited", err.safe);
	if (username == NULL) {
		signin_limit_failed(req, NULL);
		return api_oauth_error(req, MHD_HTTP_BAD_REQUEST, "invalid_grant",
				       N_("The username or password is wrong."));
	}
	/* Two-factor sign-in can't be asked for here: such an account signs in to apps
	 * through the browser (the authorize page), which asks for the code. Refused before
	 * the password is looked at, so this answer never tells whether it was right; it
	 * counts for the client like a failure (http/signin_limit.h). */
	int64_t two_id;
	int two = twofactor_required(req->arena, username, &two_id, &req->err);
	if (two < 0)
		return -1;
	if (two > 0) {
		signin_limit_failed(req, NULL);
		return api_oauth_error(
		    req, MHD_HTTP_BAD_REQUEST, "invalid_grant",
		    N_("This account has two-factor sign-in: sign in to the app through the "
		       "browser instead, where the code is asked for."));
	}
	struct account *acct = auth_login(req->arena, username, password, &err);
	if (acct == NULL) {
		if (err.code == ERR_UNAUTHORIZED) {
			signin_limit_failed(req, username);
			return api_oauth_error(req, MHD_HTTP_BAD_REQUEST, "invalid_grant",
					       N_("The username or password is wrong."));
		}
		if (err.code == ERR_FORBIDDEN)
			return api_oauth_error(req, MHD_HTTP_BAD_REQUEST, "invalid_grant",
					       err.safe);
		req->err = err;
		return -1;
	}
	signin_limit_succeeded(req, username);
	struct oauth_issued t;
	if (oauth_token_for_member(req->arena, app, acct, scope, &t, &err) != 0)
		return grant_error(call, &err);
	return api_token_answer(call, &t);
}

/* POST /oauth/token */
static int
token(struct api_call *call)
{
	struct req *req = call->req;
	const char *grant, *client_id, *secret, *scope;
	if (api_str(call, "grant_type", 100, &grant) != 0 ||
	    api_str(call, "client_id", 100, &client_id) != 0 ||
	    api_str(call, "client_secret", 100, &secret) != 0 ||
	    api_str(call, "scope", 1000, &scope) != 0)
		return -1;
	if (grant == NULL)
		return api_oauth_error(req, MHD_HTTP_BAD_REQUEST, "invalid_request",
				       N_("grant_type is required."));
	bool code_grant = strcmp(grant, "authorization_code") == 0;
	if (!code_grant && strcmp(grant, "password") != 0 &&
	    strcmp(grant, "client_credentials") != 0 && strcmp(grant, "refresh_token") != 0)
		return api_oauth_error(req, MHD_HTTP_BAD_REQUEST, "unsupported_grant_type",
				       N_("The authorization grant type is not supported."));
	const char *verifier = NULL;
	if (code_grant && api_str(call, "code_verifier", 200, &verifier) != 0)
		return -1;
	/* a public client proving itself with PKCE may leave out its secret */
	if (secret == NULL && !(code_grant && verifier != NULL))
		return api_oauth_error(req, MHD_HTTP_UNAUTHORIZED, "invalid_client",
				       N_("Client authentication failed: unknown client, or a "
					  "wrong secret."));
	struct oauth_app app;
	struct err err;
	if (oauth_app_check(req->arena, client_id, secret, &app, &err) != 0) {
		if (err.code != ERR_UNAUTHORIZED) {
			req->err = err;
			return -1;
		}
		return api_oauth_error(req, MHD_HTTP_UNAUTHORIZED, "invalid_client", err.safe);
	}
	struct oauth_issued t;
	if (strcmp(grant, "password") == 0)
		return password_grant(call, &app, scope);
	if (strcmp(grant, "client_credentials") == 0) {
		if (apps_limit(call) != 0)
			return 0;
		if (oauth_token_for_app(req->arena, &app, scope, &t, &err) != 0)
			return grant_error(call, &err);
		return api_token_answer(call, &t);
	}
	if (code_grant) {
		const char *code, *redirect_uri;
		if (api_str(call, "code", 200, &code) != 0 ||
		    api_str(call, "redirect_uri", OAUTH_REDIRECT_URIS_MAX, &redirect_uri) != 0)
			return -1;
		if (oauth_code_exchange(req->arena, &app, secret != NULL, code, redirect_uri,
					verifier, &t, &err) != 0)
			return grant_error(call, &err);
		return api_token_answer(call, &t);
	}
	const char *refresh;
	if (api_str(call, "refresh_token", 200, &refresh) != 0)
		return -1;
	if (oauth_token_refresh(req->arena, &app, refresh, &t, &err) != 0)
		return grant_error(call, &err);
	return api_token_answer(call, &t);
}

/* POST /oauth/revoke: client_id, client_secret, token. */
static int
revoke_token(struct api_call *call)
{
	struct req *req = call->req;
	const char *client_id, *secret, *tok;
	if (api_str(call, "client_id", 100, &client_id) != 0 ||
	    api_str(call, "client_secret", 100, &secret) != 0 ||
	    api_str(call, "token", 200, &tok) != 0)
		return -1;
	struct oauth_app app;
	struct err err;
	if (secret == NULL || oauth_app_check(req->arena, client_id, secret, &app, &err) != 0) {
		if (secret != NULL && err.code != ERR_UNAUTHORIZED) {
			req->err = err;
			return -1;
		}
		return api_oauth_error(req, MHD_HTTP_UNAUTHORIZED, "invalid_client",
				       N_("Client authentication failed: unknown client, or a "
					  "wrong secret."));
	}
	if (tok == NULL)
		return api_oauth_error(req, MHD_HTTP_BAD_REQUEST, "invalid_request",
				       N_("token is required."));
	if (oauth_token_revoke(req->arena, &app, tok, &req->err) != 0)
		return -1;
	return api_json(call, MHD_HTTP_OK, json_object());
}

static const struct api_route routes[] = {
    {"POST", "/api/v1/apps", apps_create, API_ANYONE, 0},
    {"POST", "/oauth/token", token, API_ANYONE, 0},
    {"POST", "/oauth/revoke", revoke_token, API_ANYONE, 0},
};

int
api_oauth_routes(struct router *r)
{
	return api_register(r, routes, sizeof routes / sizeof routes[0]);
}
