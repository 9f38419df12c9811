/* api.h - the Mastodon client API (server/api/): routes, the bearer-token check, scopes,
 * CORS and JSON errors, shared by every endpoint file.
 *
 * Layers: api/ handlers call core/ only (never db/), exactly as web/ does, so every
 * visibility, block, mute, suspension and moderation rule holds for apps as on the web.
 * Apps never use the browser's cookie: web_before is not run for API paths (app.c sends
 * them to api_before), so a page elsewhere can't make a member's browser act through the
 * API, and the CSRF check has nothing to guard here.
 *
 * Every endpoint is declared in a table (struct api_route: method, pattern, handler, who may
 * call it, the scope it needs) and registered by api_register; the router calls
 * api_dispatch, which finds the declaration, authenticates the bearer token
 * (core/oauth.h), checks the scope, then calls the handler with a struct api_call. So no
 * handler can forget the check. Errors are {"error", "error_description"} with the status
 * resp_status_for gives (api_render_error). */
#ifndef PARASOL_API_H
#define PARASOL_API_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/oauth.h"
#include "http/request.h"

struct router;

/* Who may call an endpoint. */
enum api_auth {
	API_ANYONE, /* no token needed; a token, when sent, must be valid and is used */
	API_MEMBER, /* a member's token (not an app's own: 422, as on Mastodon) */
};

/* One call, as the handler sees it. */
struct api_call {
	struct req *req;
	const struct oauth_access *access; /* NULL when no token was sent */
	const struct account *me;	   /* the member the token speaks for, or NULL */
	const char *base_url;		   /* the node's base URL, without a trailing '/' */
	void *memo; /* entities already built in this request (api/entity_account.c) */
};

typedef int (*api_fn)(struct api_call *call);

struct api_route {
	const char *method;
	const char *pattern;
	api_fn fn;
	enum api_auth auth;
	uint64_t scope; /* SCOPE(...) bits the token must hold; 0: none */
};

/* POST /api/v1/apps: at most this many apps registered per client (its address as a
 * keyed hash, never kept: http/ratelimit.h) in the window, then 429 until it ends. */
#define API_APPS_PER_CLIENT 100
#define API_APPS_WINDOW_S 3600

/* Registers every API route (and its OPTIONS preflight) with r: 0, or -1 for a malformed
 * pattern or too many routes. Called once at start-up. */
int api_routes(struct router *r);

/* Registers n declared routes (used by the endpoint files' *_routes functions). */
int api_register(struct router *r, const struct api_route *routes, size_t n);

/* Whether path belongs to the API (bearer tokens, JSON): /api/..., /oauth/token and
 * /oauth/revoke. (/oauth/authorize is a web page: web/oauth.c.) */
bool api_path(const char *path);

/* The server's before hook for API paths: the instance settings and the language only. */
int api_before(struct req *req);

/* The server's error hook for API paths: {"error": message, "error_description": message}
 * with CORS headers. */
void api_render_error(struct req *req, int status, const char *message);

/* Answers doc (consumed: json_decref'd here) with status, CORS and no-store for a member's
 * answers. Returns 0. */
int api_json(struct api_call *call, int status, json_t *doc);

/* Answers err now, as api_render_error would ({"error", "error_description"}, the status of
 * its code), keeping the headers already set (a 429's Retry-After, which the server's error
 * path would drop). Returns 0. */
int api_error_now(struct api_call *call, const struct err *err);

/* Answers an OAuth error: {"error": error, "error_description": description}. Returns 0. */
int api_oauth_error(struct req *req, int status, const char *error, const char *description);

/* Answers a Token entity (access_token, token_type, scope, created_at, refresh_token) with
 * no-store: the grants of /oauth/token and the registration. Returns 0, or -1 + err. */
int api_token_answer(struct api_call *call, const struct oauth_issued *t);

/* The id in route capture name: 0, or -1 with ERR_NOT_FOUND (a malformed id names no
 * record). */
int api_path_id(struct api_call *call, const char *name, int64_t *out);

/* Fails the call with err, an image core/media.c refused: with Retry-After when the
 * member's previous image is still being decoded (429), as the web's forms do. Returns -1.
 * (api/media.c) */
int api_media_refused(struct api_call *call, const struct err *err);

/* A member is required (API_MEMBER routes have one). */
static inline bool
api_signed_in(const struct api_call *call)
{
	return call->me != NULL;
}

/* Endpoint groups (each file's routes). */
int api_oauth_routes(struct router *r);
int api_instance_routes(struct router *r);
int api_accounts_routes(struct router *r);
int api_statuses_routes(struct router *r);
int api_timelines_routes(struct router *r);
int api_relationships_routes(struct router *r);
int api_notifications_routes(struct router *r);
int api_media_routes(struct router *r);
int api_search_routes(struct router *r);
int api_reports_routes(struct router *r);
int api_credentials_routes(struct router *r);
int api_status_edits_routes(struct router *r);
int api_status_people_routes(struct router *r);
int api_account_lists_routes(struct router *r);
int api_markers_routes(struct router *r);
int api_registration_routes(struct router *r);
int api_streaming_routes(struct router *r);

#endif
