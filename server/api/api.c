/* api.c - the client API's routing, token check, scopes, CORS and errors (see api.h). */
#include "api/api.h"

#include <microhttpd.h>
#include <string.h>
#include <strings.h>

#include "api/ratelimit.h"
#include "app.h"
#include "core/settings.h"
#include "http/respond.h"
#include "http/router.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/id.h"
#include "util/log.h"

/* The declarations api_dispatch looks routes up in: filled at start-up (one thread), read
 * only afterwards. */
#define API_MAX_ROUTES 160
static const struct api_route *declared[API_MAX_ROUTES];
static size_t ndeclared;

bool
api_path(const char *path)
{
	return strncmp(path, "/api/", 5) == 0 || strcmp(path, "/oauth/token") == 0 ||
	       strcmp(path, "/oauth/token/") == 0 || strcmp(path, "/oauth/revoke") == 0 ||
	       strcmp(path, "/oauth/revoke/") == 0;
}

static void
cors(struct req *req)
{
	if (resp_get_header(req, "Access-Control-Allow-Origin") != NULL)
		return;
	resp_header(req, "Access-Control-Allow-Origin", "*");
	resp_header(req, "Access-Control-Expose-Headers",
		    "Link, Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, "
		    "X-RateLimit-Reset");
}

static void preflight(struct req *req);

int
api_before(struct req *req)
{
	const struct app *app = req->app;
	struct instance_settings *s = arena_alloc(req->arena, sizeof *s);
	struct err ignored;
	settings_load(req->arena, &app->cfg, s, &ignored); /* defaults when the database is down */
	req->settings = s;
	req->lang =
	    i18n_negotiate(req_header(req, MHD_HTTP_HEADER_ACCEPT_LANGUAGE), s->default_language);
	return 0;
}

/* {"error": message, "error_description": message} in the reader's language, with CORS
 * and no-store; headers set before are kept. */
static void
error_answer(struct req *req, int status, const char *message)
{
	const char *text = i18n_gettext(req->lang, message);
	json_t *doc = json_pack("{ssss}", "error", text, "error_description", text);
	resp_json(req, status, doc);
	json_decref(doc);
	cors(req);
	resp_replace_header(req, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
}

void
api_render_error(struct req *req, int status, const char *message)
{
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED && strcmp(req->method, "OPTIONS") == 0) {
		preflight(req);
		return;
	}
	error_answer(req, status, message);
}

int
api_json(struct api_call *call, int status, json_t *doc)
{
	struct req *req = call->req;
	if (doc == NULL) /* an entity that could not be read says why; else memory ran out */
		return req->err.code != ERR_NONE
			   ? -1
			   : err_set(&req->err, ERR_INTERNAL, NULL, "out of memory");
	resp_json(req, status, doc);
	json_decref(doc);
	cors(req);
	if (call->access != NULL) /* what a token reads is that member's: never kept anywhere */
		resp_replace_header(req, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	return 0;
}

int
api_error_now(struct api_call *call, const struct err *err)
{
	error_answer(call->req, resp_status_for(err->code), err->safe[0] ? err->safe : "Error");
	return 0;
}

int
api_oauth_error(struct req *req, int status, const char *error, const char *description)
{
	json_t *doc = json_pack("{ssss}", "error", error, "error_description",
				i18n_gettext(req->lang, description));
	resp_json(req, status, doc);
	json_decref(doc);
	cors(req);
	resp_replace_header(req, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	return 0;
}

int
api_path_id(struct api_call *call, const char *name, int64_t *out)
{
	const char *s = req_param(call->req, name);
	if (s == NULL || id_parse(s, out) != 0 || *out <= 0)
		return err_set(&call->req->err, ERR_NOT_FOUND, "Record not found",
			       "malformed id in the path");
	return 0;
}

/* The bearer token of the Authorization header, NULL when none (or another scheme: an
 * app's HTTP Basic client authentication at /oauth/token is no token). The streams also take
 * it as ?access_token= (browsers' EventSource can't send headers), and nothing else does:
 * a token in a URL ends up in proxies' logs. */
static const char *
bearer(struct req *req)
{
	const char *h = req_header(req, MHD_HTTP_HEADER_AUTHORIZATION);
	if (h == NULL)
		return strncmp(req->path, "/api/v1/streaming", 17) == 0
			       ? req_query(req, "access_token")
			       : NULL;
	if (strncasecmp(h, "Bearer ", 7) != 0)
		return NULL;
	h += 7;
	while (*h == ' ')
		h++;
	return h;
}

static const struct api_route *
find(const char *method, const char *pattern)
{
	if (strcmp(method, "HEAD") == 0)
		method = "GET";
	for (size_t i = 0; i < ndeclared; i++)
		if (strcmp(declared[i]->method, method) == 0 &&
		    strcmp(declared[i]->pattern, pattern) == 0)
			return declared[i];
	return NULL;
}

/* What anonymous callers may still read during a lockdown: what the about page shows (and
 * the registration, which says itself that it is closed). */
static bool
lockdown_open(const char *pattern)
{
	return strncmp(pattern, "/api/v1/instance", 16) == 0 ||
	       strcmp(pattern, "/api/v1/accounts") == 0 ||
	       strcmp(pattern, "/api/v2/instance") == 0 || strcmp(pattern, "/api/v1/apps") == 0 ||
	       strcmp(pattern, "/api/v1/streaming/health") == 0 ||
	       strncmp(pattern, "/oauth/", 7) == 0;
}

/* What a suspended member's apps still reach: what the web still shows them (their
 * moderation notices, who they are, the node's about page and rules). */
static bool
suspended_open(const struct api_route *route)
{
	static const char *const open[] = {"/api/v1/accounts/verify_credentials",
					   "/api/v1/notifications", "/api/v1/notifications/:id"};
	if (strcmp(route->method, "GET") != 0)
		return false;
	for (size_t i = 0; i < sizeof open / sizeof open[0]; i++)
		if (strcmp(route->pattern, open[i]) == 0)
			return true;
	return lockdown_open(route->pattern);
}

static int
api_dispatch(struct req *req)
{
	const struct api_route *route = find(req->method, req->route.pattern);
	if (route == NULL)
		return err_set(&req->err, ERR_INTERNAL, NULL, "no declaration for %s %s",
			       req->method, req->route.pattern);
	const struct app *app = req->app;
	struct api_call call = {.req = req, .base_url = app->cfg.base_url};
	size_t blen = strlen(call.base_url);
	if (blen > 0 && call.base_url[blen - 1] == '/')
		call.base_url = arena_strndup(req->arena, call.base_url, blen - 1);
	const char *token = bearer(req);
	struct oauth_access *access = NULL;
	if (token != NULL) {
		access = arena_alloc(req->arena, sizeof *access);
		if (oauth_authenticate(req->arena, token, access, &req->err) != 0)
			return -1;
		call.access = access;
		call.me = access->member;
		req->viewer = access->member;
		req->signed_in = access->member != NULL;
		if (call.me != NULL && call.me->language != NULL) {
			enum lang l;
			if (i18n_lang_parse(call.me->language, &l) == 0)
				req->lang = l;
		}
	}
	if (route->auth == API_MEMBER && call.access == NULL)
		return err_set(&req->err, ERR_UNAUTHORIZED, "The access token is invalid",
			       "no token");
	if (route->auth == API_MEMBER && call.me == NULL)
		return err_set(&req->err, ERR_UNPROCESSABLE,
			       "This method requires an authenticated user", "app token");
	if (call.me != NULL && call.me->suspended && !suspended_open(route))
		return err_set(&req->err, ERR_FORBIDDEN,
			       "Your account is suspended: apps can only show its moderation "
			       "notices. Sign in on the website to read why and to appeal.",
			       "suspended member");
	if (call.access != NULL && route->scope != 0 &&
	    !oauth_scopes_cover(call.access->scopes, route->scope))
		return err_set(&req->err, ERR_FORBIDDEN, "The token's scopes don't allow this.",
			       "scope");
	if (req->settings != NULL && req->settings->lockdown && call.me == NULL &&
	    !lockdown_open(route->pattern))
		return err_set(&req->err, ERR_UNAUTHORIZED,
			       "This server is locked down: sign in to an app to read it.",
			       "lockdown");
	if (!api_rate_take(&call)) /* answered 429 */
		return 0;
	if (route->fn(&call) != 0)
		return -1;
	cors(req);
	return 0;
}

/* OPTIONS: a browser's CORS preflight. Any origin may call; the token is what counts. No
 * route takes OPTIONS: the router's "method not allowed" for a path that exists comes to
 * api_render_error, which answers with this. */
static void
preflight(struct req *req)
{
	resp_set(req, MHD_HTTP_NO_CONTENT, NULL, "", 0);
	cors(req);
	resp_header(req, "Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS");
	resp_header(req, "Access-Control-Allow-Headers",
		    "Authorization, Content-Type, Idempotency-Key");
	resp_header(req, "Access-Control-Max-Age", "86400");
}

int
api_register(struct router *r, const struct api_route *routes, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (ndeclared >= API_MAX_ROUTES)
			return -1;
		declared[ndeclared++] = &routes[i];
		if (router_add(r, routes[i].method, routes[i].pattern, api_dispatch) != 0)
			return -1;
	}
	return 0;
}

int
api_routes(struct router *r)
{
	ndeclared = 0; /* app_routes may build a router more than once (`parasol routes`) */
	int rc = 0;
	rc |= api_instance_routes(r);
	rc |= api_oauth_routes(r);
	rc |= api_accounts_routes(r);
	rc |= api_statuses_routes(r);
	rc |= api_timelines_routes(r);
	rc |= api_relationships_routes(r);
	rc |= api_notifications_routes(r);
	rc |= api_media_routes(r);
	rc |= api_search_routes(r);
	rc |= api_reports_routes(r);
	rc |= api_credentials_routes(r);
	rc |= api_status_edits_routes(r);
	rc |= api_status_people_routes(r);
	rc |= api_account_lists_routes(r);
	rc |= api_markers_routes(r);
	rc |= api_registration_routes(r);
	rc |= api_streaming_routes(r);
	return rc ? -1 : 0;
}
