/* web.h - the HTML side: page routes, rendering a template inside the site layout, error
 * pages, the signed-in member, CSRF, redirects with notices and pagination links. Handlers
 * here stay thin: they call core/ and hand the results to a template.
 *
 * Every page template gets these keys from web_render: lang, title, instance_name,
 * instance_description, version, signed_in, csrf, notice (a translated message after a
 * redirect, or absent), viewer (username, name, url, is_moderator, is_admin) when signed in,
 * local_public (the local timeline is open to visitors). Every <form method="post"> must
 * carry <input type="hidden" name="csrf" value="{{csrf}}">: web_before refuses POSTs
 * without it (403). */
#ifndef PARASOL_WEB_H
#define PARASOL_WEB_H

#include <stdbool.h>
#include <stdint.h>

#include "db/model.h"

struct arena;
struct err;
struct req;
struct router;
struct tval;

/* Registers every web route (each page group's *_routes function). 0, or -1. */
int web_routes(struct router *r);

/* Renders template name into req->resp with status, adding the keys above (title is an
 * English msgid, translated here). ctx may be NULL. 0, or -1 with req->err set. */
/* Opens the page being made to search engines: no noindex in its X-Robots-Tag header nor in
 * its robots meta tag (ctx key search_engines_welcome). Only a member's profile (when they
 * chose "discoverable") and their public posts (when they chose "indexable") call it; every
 * other page, and every error page, says noindex. */
void web_welcome_search_engines(struct req *req, struct tval *ctx);

int web_render(struct req *req, int status, const char *name, const char *title,
	       struct tval *ctx);

/* Renders a form page again after a failed submission: sets "error" in ctx to err's safe
 * message (translated) and renders with the status err's code maps to (422, 409, 403...). */
int web_render_form_error(struct req *req, const char *name, const char *title,
			  struct tval *ctx, const struct err *err);

/* Like web_render_form_error, but the message goes to ctx key `key` (e.g.
 * "new_password_error"), for a template that shows it next to the field it is about. */
int web_render_field_error(struct req *req, const char *name, const char *title,
			   struct tval *ctx, const char *key, const struct err *err);

/* A form page: rendered with 200 when err is NULL, else as web_render_form_error does. */
int web_render_form(struct req *req, const char *name, const char *title, struct tval *ctx,
		    const struct err *err);

/* The error answer for status and message (an English msgid, translated here): a page, or
 * {"error": "..."} when the client prefers JSON. Used as http_options.render_error. */
void web_render_error(struct req *req, int status, const char *message);

/* Runs before routing: loads the instance settings, the session (req->viewer) and its
 * language, and the CSRF token (setting the cookie when new). */
int web_before(struct req *req);

/* Runs once a route is found: refuses a POST whose csrf field doesn't match the browser's
 * token with 403 (http_options.before_handler). */
int web_check_csrf(struct req *req);

/* Sets the session cookie to token, or clears it when token is NULL. persistent: kept for
 * SESSION_DAYS; else a cookie the browser drops when it closes. */
void web_set_session_cookie(struct req *req, const char *token, bool persistent);

/* The session cookie's name: SESSION_COOKIE_HTTPS ("__Host-") when base_url is https, else
 * SESSION_COOKIE (browsers refuse __Host- cookies without Secure, which plain-http loopback
 * development can't use). The CSRF cookie follows the same rule. */
const char *web_session_cookie(const struct req *req);

/* The cookie of the half-signed-in state between password and code (core/twofactor.h):
 * named like the session's ("__Host-" on https), SameSite=Strict, HttpOnly, kept
 * TWOFACTOR_CHALLENGE_SECONDS. token NULL clears it. */
#define SIGNIN_COOKIE "parasol_signin"
#define SIGNIN_COOKIE_HTTPS "__Host-parasol_signin"
const char *web_signin_cookie(const struct req *req);
void web_set_signin_cookie(struct req *req, const char *token);

/* For handlers that need a signed-in member: a visitor is redirected to /login, with this
 * address (and its query) as `next` for a GET, "/" otherwise (returns 0,
 * the response is set); call as `if (!req->viewer) return web_need_signin(req);`. */
int web_need_signin(struct req *req);

/* Whether the viewer has at least role min (admin > moderator > member). */
bool web_has_role(const struct req *req, enum role min);

/* Refuses a page needing a role: visitors go to /login (0), members get 403 (-1). */
int web_deny(struct req *req);

/* 303 to location (a local path) with an optional notice key from web/notice.c (NULL for
 * none); the next page shows the notice's translated message. Returns 0. */
int web_redirect(struct req *req, const char *location, const char *notice);

/* The value of form field name, "" when the form has none. */
const char *web_field(const struct req *req, const char *name);

/* Every id the form sent in fields named name (checkboxes), into the arena; *n gets the
 * count. -1 when one is not an id (nothing else is set then). */
int web_form_ids(const struct req *req, const char *name, int64_t **out, int *n);

/* The route's ":id" as an id; -1 with ERR_NOT_FOUND in req->err when it is malformed. */
int web_path_id(struct req *req, int64_t *id);

/* Whether s may be a redirect target on this origin: at most WEB_LOCAL_PATH_MAX bytes, one
 * '/' and then only letters, digits and - . _ ~ / ? = & # : @ + , with '%' always followed by
 * two hex digits that don't encode a control, nor, before the query, '/' or '\\'.
 * Controls, spaces, '\\' (which browsers strip or read as '/'), a second leading '/' and any
 * scheme are refused, so the browser can't make another origin of it. In the query
 * ("?q=a%2Fb", as forms send it) an escaped '/' names no place and is let through. */
#define WEB_LOCAL_PATH_MAX 1024
bool web_local_path(const char *s);

/* Where a form should send the member back to: the form's "back" field when web_local_path
 * accepts it, else fallback. */
const char *web_back(const struct req *req, const char *fallback);

/* web_back's answer (without any fragment) with the post's element as its fragment, so that
 * after acting on post id the page opens where the post is: the form's "at" when it names a
 * post's element ("s-", "b-" or "pin-" and digits: a boost or a pinned copy), else "s-ID"
 * (arena). */
const char *web_back_to_status(struct req *req, const char *fallback, int64_t id);

/* A time as every page shows it (util/timefmt.h): "just now", "5 min ago", "3 h ago" within
 * the last day, else the date and time in the reader's time zone ("2024-05-01 18:20"; with
 * " UTC" when that zone is UTC). iso is "2024-05-01T10:20:30Z" (or "2024-05-01 10:20", UTC);
 * the result is the arena's; NULL -> "". Keep the ISO form for <time datetime>. */
const char *web_time(struct req *req, const char *iso);

/* The reader's time zone: the member's choice, else the node's (instance setting). */
const char *web_time_zone(const struct req *req);

/* Keyset pagination: ?max_id= (older than) and ?min_id= (newer than), 20 a page. */
#define WEB_PAGE_SIZE 20
struct page {
	int64_t max_id; /* 0: none */
	int64_t min_id; /* 0: none */
	int limit;
};

/* Reads max_id / min_id from the query; a malformed id is ERR_INVALID (-1). */
int web_page_params(struct req *req, struct page *page);

/* Sets ctx "newer_url" / "older_url" for a page of items whose ids run from newest to
 * oldest; pass has_newer / has_older as the queries found. base is the page's path (a
 * query string already in it is kept). */
void web_page_links(struct req *req, struct tval *ctx, const char *base, int64_t newest,
		    int64_t oldest, bool has_newer, bool has_older);

/* The path of an account's page from its acct ("name", or "name@domain" for a remote
 * account; account_handle gives it): "/@" and the acct with every byte but letters, digits,
 * "-._~" and the '@' and ':' of "name@host:port" percent-encoded, so that a name can never
 * add a path segment, a query or a fragment. Owned by the arena. */
const char *web_account_path(struct arena *a, const char *acct);

/* An account for templates: id, username, acct ("username" locally), name (display name or
 * username), url (/@username), bio, locked, is_self (the viewer). */
struct tval *web_account_view(struct req *req, const struct account *acct);

/* Member pages (web/memberpage.c): from web_page_collect on, the views record what the page
 * shows (web_page_shows_status: a post, a boost, a post replied to; web_page_shows_account:
 * an account whose row it reads), and web_time the second from which a time on it would read
 * otherwise. web_page_shown hands out what was recorded (arena arrays; until 0: no time
 * changes). The recording functions do nothing before web_page_collect. */
void web_page_collect(struct req *req);
void web_page_shows_status(struct req *req, int64_t id);
void web_page_shows_account(struct req *req, int64_t id);
void web_page_shown(struct req *req, const int64_t **statuses, int *nstatuses,
		    const int64_t **accounts, int *naccounts, int64_t *until);

/* Runs render (a member's GET handler) through the page cache (http/server.c, "Member
 * pages"): a kept page is served when core/pagecheck.h proves it current; otherwise render
 * runs inside a snapshot and its page is kept with what it depends on. Returns render's
 * result (0 on a hit). */
int web_member_page(struct req *req, int (*render)(struct req *req));

#endif
