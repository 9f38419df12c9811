/* web.c - layout, rendering, the signed-in member, CSRF and redirects shared by every page. */
#include "web.h"

#include <jansson.h>
#include <microhttpd.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "autoconfig.h"
#include "core/notification.h"
#include "core/session.h"
#include "core/settings.h"
#include "core/timezone.h"
#include "core/twofactor.h"
#include "http/request.h"
#include "http/respond.h"
#include "http/router.h"
#include "util/arena.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/id.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/timefmt.h"
#include "util/tmpl.h"
#include "util/token.h"
#include "web/admin.h"
#include "web/alert_review.h"
#include "web/alerts.h"
#include "web/auth.h"
#include "web/lockdown.h"
#include "web/notice.h"
#include "web/oauth.h"
#include "web/notifications.h"
#include "web/pages.h"
#include "web/deletion.h"
#include "web/export.h"
#include "web/import.h"
#include "web/move.h"
#include "web/twofactor.h"
#include "web/peers.h"
#include "web/moderation.h"
#include "web/queue.h"
#include "web/reports.h"
#include "web/review.h"
#include "web/roles.h"
#include "web/rules.h"
#include "web/media.h"
#include "web/search.h"
#include "web/settings.h"
#include "web/social.h"
#include "web/statuses.h"
#include "web/timelines.h"
#include "web/translations.h"

#define CSRF_COOKIE "parasol_csrf"
#define CSRF_COOKIE_HTTPS "__Host-parasol_csrf"

int
web_routes(struct router *r)
{
	int rc = 0;
	rc |= router_add(r, "GET", "/", page_home);
	rc |= router_add(r, "GET", "/about", page_about);
	rc |= router_add(r, "GET", "/safety", page_safety);
	rc |= router_add(r, "GET", "/healthz", page_healthz);
	rc |= router_add(r, "GET", "/robots.txt", page_robots);
	rc |= router_add(r, "GET", "/static/:file", page_static);
	rc |= web_media_routes(r);
	rc |= web_auth_routes(r);
	rc |= web_statuses_routes(r);
	rc |= web_timelines_routes(r);
	rc |= web_notifications_routes(r);
	rc |= web_social_routes(r);
	rc |= web_settings_routes(r);
	rc |= web_lockdown_routes(r);
	rc |= web_twofactor_routes(r);
	rc |= web_deletion_routes(r);
	rc |= web_export_routes(r);
	rc |= web_move_routes(r);
	rc |= web_import_routes(r);
	rc |= web_admin_routes(r);
	rc |= web_rules_routes(r);
	rc |= web_translations_routes(r);
	rc |= web_reports_routes(r);
	rc |= web_queue_routes(r);
	rc |= web_moderation_routes(r);
	rc |= web_review_routes(r);
	rc |= web_roles_routes(r);
	rc |= web_peers_routes(r);
	rc |= web_search_routes(r);
	rc |= web_oauth_routes(r);
	rc |= web_alerts_routes(r);
	rc |= web_alert_review_routes(r);
	return rc ? -1 : 0;
}

/* The detail of the refusal web_before gives a suspended member, so that web_render_error
 * knows to show them the page that explains it. */
static const char SUSPENDED_DETAIL[] = "suspended member";

static bool
secure_cookies(const struct req *req)
{
	const struct app *app = req->app;
	return strncmp(app->cfg.base_url, "https://", 8) == 0;
}

const char *
web_session_cookie(const struct req *req)
{
	return secure_cookies(req) ? SESSION_COOKIE_HTTPS : SESSION_COOKIE;
}

static const char *
csrf_cookie(const struct req *req)
{
	return secure_cookies(req) ? CSRF_COOKIE_HTTPS : CSRF_COOKIE;
}

static void
set_cookie(struct req *req, const char *name, const char *value, const char *attrs)
{
	resp_header(req, MHD_HTTP_HEADER_SET_COOKIE,
		    arena_printf(req->arena, "%s=%s; Path=/; HttpOnly; %s%s", name, value, attrs,
				 secure_cookies(req) ? "; Secure" : ""));
}

/* The page being rendered holds this browser's CSRF token: send the cookie if the browser
 * doesn't have it yet, and keep the page out of shared caches (ours included), since it is
 * this browser's alone. */
static void
csrf_used(struct req *req)
{
	if (req->csrf_unsent) {
		set_cookie(req, csrf_cookie(req), req->csrf, "SameSite=Strict");
		req->csrf_unsent = false;
	}
	if (!req->signed_in && resp_get_header(req, MHD_HTTP_HEADER_CACHE_CONTROL) == NULL)
		resp_header(req, MHD_HTTP_HEADER_CACHE_CONTROL, "private, no-cache");
}

/* Adds the layout's keys to ctx. */
static void
layout_keys(struct req *req, struct tval *ctx, const char *title)
{
	const struct app *app = req->app;
	const struct instance_settings *s = req->settings;
	tval_set_str(ctx, "lang", i18n_lang_tag(req->lang));
	const char *name = s ? s->name : app->cfg.instance_name;
	tval_set_str(ctx, "title", i18n_gettext(req->lang, title));
	tval_set_str(ctx, "instance_name", name);
	/* The tab's title, which the browser's history keeps: a neutral word when the admins
	 * chose so, so that a glance at a shared phone tells nothing. */
	tval_set_str(ctx, "tab_title",
		     s && s->neutral_titles
			     ? i18n_gettext(req->lang, N_("Notes"))
			     : arena_printf(req->arena, "%s · %s", i18n_gettext(req->lang, title), name));
	tval_set_str(ctx, "quick_exit_url", s ? s->quick_exit_url : SETTINGS_QUICK_EXIT_DEFAULT);
	tval_set_str(ctx, "instance_description",
		     s ? settings_description(s, req->lang) : app->cfg.instance_description);
	tval_set_bool(ctx, "local_public", s && s->local_timeline_public);
	/* every page says when the doors are shut: to a member, that posts wait; to a visitor,
	   why there is nothing but the sign-in page */
	tval_set_bool(ctx, "lockdown_banner", s && s->lockdown);
	tval_set_str(ctx, "version", PACKAGE_VERSION);
	tval_set_bool(ctx, "signed_in", req->viewer != NULL);
	tval_set_str(ctx, "csrf", req->csrf ? req->csrf : "");
	const char *notice = notice_message(req_query(req, "notice"));
	if (notice != NULL)
		tval_set_str(ctx, "notice", i18n_gettext(req->lang, notice));
	if (req->viewer != NULL) {
		struct tval *v = web_account_view(req, req->viewer);
		tval_set_bool(v, "is_moderator", web_has_role(req, ROLE_MODERATOR));
		tval_set_bool(v, "is_admin", web_has_role(req, ROLE_ADMIN));
		tval_set_bool(v, "suspended", req->viewer->suspended);
		struct err err;
		long unread = notification_unread_count(req->arena, req->viewer->id, &err);
		if (unread > 0)
			tval_set_int(v, "unread_count", unread);
		tval_set(ctx, "viewer", v);
	}
}

int
web_render(struct req *req, int status, const char *name, const char *title, struct tval *ctx)
{
	const struct app *app = req->app;
	if (ctx == NULL)
		ctx = tval_obj(req->arena);
	layout_keys(req, ctx, title);
	struct strbuf out;
	strbuf_init(&out, req->arena);
	if (tmpl_render(app->tmpl, name, ctx, i18n_translate_cb, &req->lang, &out, &req->err) != 0)
		return -1;
	resp_html(req, status, out.data, out.len);
	resp_header(req, "Vary", "Accept-Language, Cookie");
	resp_header(req, "Content-Language", i18n_lang_tag(req->lang));
	if (req->csrf != NULL && memmem(out.data, out.len, req->csrf, strlen(req->csrf)) != NULL)
		csrf_used(req);
	return 0;
}

void
web_welcome_search_engines(struct req *req, struct tval *ctx)
{
	tval_set_bool(ctx, "search_engines_welcome", true);
	resp_header(req, "X-Robots-Tag", "all");
}

int
web_render_form_error(struct req *req, const char *name, const char *title, struct tval *ctx,
		      const struct err *err)
{
	if (err->code == ERR_UNAVAILABLE || err->code == ERR_INTERNAL) {
		req->err = *err; /* not the member's doing: the error page, and a log line */
		return -1;
	}
	if (ctx == NULL)
		ctx = tval_obj(req->arena);
	tval_set_str(ctx, "error", i18n_gettext(req->lang, err->safe));
	return web_render(req, resp_status_for(err->code), name, title, ctx);
}

int
web_render_field_error(struct req *req, const char *name, const char *title, struct tval *ctx,
		       const char *key, const struct err *err)
{
	if (err->code == ERR_UNAVAILABLE || err->code == ERR_INTERNAL) {
		req->err = *err;
		return -1;
	}
	if (ctx == NULL)
		ctx = tval_obj(req->arena);
	tval_set_str(ctx, key, i18n_gettext(req->lang, err->safe));
	return web_render(req, resp_status_for(err->code), name, title, ctx);
}

int
web_render_form(struct req *req, const char *name, const char *title, struct tval *ctx,
		const struct err *err)
{
	if (err != NULL)
		return web_render_form_error(req, name, title, ctx, err);
	return web_render(req, MHD_HTTP_OK, name, title, ctx);
}

static bool csrf_exempt(const char *path);

/* A GET of an address that only takes a form's POST (a reload or the back button after a
 * form error, a bookmark, the address bar): 303 to the nearest page above it, so that the
 * member lands on the form's page instead of an error. true when it redirected. */
static bool
redirect_post_only(struct req *req, int status)
{
	const struct app *app = req->app;
	if (status != MHD_HTTP_METHOD_NOT_ALLOWED || app == NULL || app->router == NULL ||
	    (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0) ||
	    req_wants_json(req) || csrf_exempt(req->path)) /* pages only: not peers, not apps */
		return false;
	char *path = arena_strdup(req->arena, req->path);
	char *slash;
	while ((slash = strrchr(path, '/')) != NULL) {
		slash[slash == path ? 1 : 0] = '\0';
		struct route_match m;
		if (router_match(app->router, "GET", path, req->arena, &m) == ROUTE_FOUND) {
			resp_redirect(req, path);
			return true;
		}
		if (slash == path)
			break;
	}
	return false;
}

void
web_render_error(struct req *req, int status, const char *message)
{
	const char *text = i18n_gettext(req->lang, message);
	if (req_wants_json(req) || strncmp(req->path, "/api/", 5) == 0) {
		json_t *doc = json_pack("{ss}", "error", text);
		resp_json(req, status, doc);
		json_decref(doc);
		return;
	}
	if (redirect_post_only(req, status))
		return;
	if (strcmp(req->err.detail, WEB_LOCKDOWN_VISITOR) == 0) {
		web_need_signin(req); /* the lockdown: visitors get the sign-in page, nothing else */
		return;
	}
	struct tval *ctx = tval_obj(req->arena);
	tval_set_int(ctx, "status", status);
	tval_set_str(ctx, "message", text);
	struct err saved = req->err;
	/* A suspended member gets a page of its own: what happened and where to appeal, with a
	 * menu of only what they may still open (header.html). */
	bool suspended = status == MHD_HTTP_FORBIDDEN && req->viewer && req->viewer->suspended &&
			 strcmp(req->err.detail, SUSPENDED_DETAIL) == 0;
	if (web_render(req, status, suspended ? "suspended" : "error",
		       suspended ? N_("Your account is suspended") : N_("Error"), ctx) != 0) {
		/* A broken error template must not hide the original error. */
		req->err = saved;
		resp_set(req, status, "text/plain; charset=utf-8", text, strlen(text));
	}
}

void
web_set_session_cookie(struct req *req, const char *token, bool persistent)
{
	if (token != NULL && persistent)
		set_cookie(req, web_session_cookie(req), token,
			   arena_printf(req->arena, "SameSite=Lax; Max-Age=%d",
					SESSION_DAYS * 86400));
	else if (token != NULL)
		set_cookie(req, web_session_cookie(req), token, "SameSite=Lax");
	else
		set_cookie(req, web_session_cookie(req), "", "SameSite=Lax; Max-Age=0");
}

const char *
web_signin_cookie(const struct req *req)
{
	return secure_cookies(req) ? SIGNIN_COOKIE_HTTPS : SIGNIN_COOKIE;
}

void
web_set_signin_cookie(struct req *req, const char *token)
{
	if (token != NULL)
		set_cookie(req, web_signin_cookie(req), token,
			   arena_printf(req->arena, "SameSite=Strict; Max-Age=%d",
					TWOFACTOR_CHALLENGE_SECONDS));
	else
		set_cookie(req, web_signin_cookie(req), "", "SameSite=Strict; Max-Age=0");
}

/* The CSRF token of a visitor (the sign-in and sign-up forms): this browser's cookie when it
 * holds a well-formed one, else a new one, which web_render sends as the cookie only if the
 * page carries it (csrf_used). Forms carry it back; a cross-site page can't read it. Pages
 * without a form set no cookie, so they are the same for every visitor: shared caches may
 * keep them, and a 304 may answer. A member's token is bound to the session instead
 * (web_before): derived from the session's secret, it changes with every sign-in, and a
 * token planted in the browser before (or a visitor's cookie) is worth nothing. */
static int
load_csrf(struct req *req)
{
	const char *cookie = req_cookie(req, csrf_cookie(req));
	if (cookie != NULL && strlen(cookie) == 43 && strspn(cookie, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
								"abcdefghijklmnopqrstuvwxyz"
								"0123456789-_") == 43) {
		req->csrf = cookie;
		return 0;
	}
	if ((req->csrf = token_random(req->arena, 32, &req->err)) == NULL)
		return -1;
	req->csrf_unsent = true;
	return 0;
}

/* Web routes that take POSTs from other software rather than from our forms. */
static bool
csrf_exempt(const char *path)
{
	/* /oauth/authorize is a page of ours (the consent form): checked like any other */
	return strncmp(path, "/api/", 5) == 0 || strncmp(path, "/oauth/token", 12) == 0 ||
	       strncmp(path, "/oauth/revoke", 13) == 0 ||
	       strcmp(path, "/inbox") == 0 || strncmp(path, "/users/", 7) == 0 ||
	       strncmp(path, "/actor/", 7) == 0;
}

/* What a suspended member may still open: the moderators' reasons and the appeal form, the
 * export of their data (before an indefinite suspension's purge takes it), the about page and
 * the safety guide, signing out. */
static bool
suspended_may(const char *path)
{
	return strcmp(path, "/moderation/mine") == 0 ||
	       strncmp(path, "/moderation/actions/", 20) == 0 || strcmp(path, "/logout") == 0 ||
	       strcmp(path, "/settings/export") == 0 ||
	       strcmp(path, "/about") == 0 || strcmp(path, "/safety") == 0 ||
	       strcmp(path, "/") == 0;
}

int
web_before(struct req *req)
{
	const struct app *app = req->app;
	if (strncmp(req->path, "/static/", 8) == 0 || strcmp(req->path, "/healthz") == 0 ||
	    strcmp(req->path, "/robots.txt") == 0)
		return 0; /* no session, settings or cookies for these */
	struct instance_settings *s = arena_alloc(req->arena, sizeof *s);
	struct err ignored;
	settings_load(req->arena, &app->cfg, s, &ignored); /* defaults when the database is down */
	/* Images (web/media.c) need no session either, but for the lockdown: then a member's
	 * pictures are content like any other, closed to visitors and peers at the gate. */
	if (strncmp(req->path, "/media/", 7) == 0 && !s->lockdown)
		return 0;
	req->settings = s;
	req->lang = i18n_negotiate(req_header(req, MHD_HTTP_HEADER_ACCEPT_LANGUAGE),
				   s->default_language);

	struct err err;
	const char *token = req_cookie(req, web_session_cookie(req));
	if (token != NULL) {
		struct session_row session;
		req->viewer = session_account(req->arena, token, &session, &err);
		if (req->viewer != NULL) {
			req->session_id = session.id;
			req->session_persistent = session.persistent;
		}
		if (req->viewer == NULL && err.code == ERR_NOT_FOUND)
			web_set_session_cookie(req, NULL, false); /* stale: clear it */
		else if (req->viewer == NULL) {
			/* Not known to be signed out: answering as to a visitor would send the
			 * member to the sign-in page and drop what they posted. */
			req->err = err;
			return -1;
		}
		enum lang l;
		if (req->viewer && req->viewer->language &&
		    i18n_lang_parse(req->viewer->language, &l) == 0)
			req->lang = l;
	}
	req->signed_in = req->viewer != NULL;
	if (s->lockdown && web_lockdown_gate(req) != 0)
		return -1;
	/* Peers and apps never post our forms: no CSRF cookie for what they fetch. */
	if (csrf_exempt(req->path) || strncmp(req->path, "/.well-known/", 13) == 0 ||
	    strncmp(req->path, "/nodeinfo/", 10) == 0 || strcmp(req->path, "/actor") == 0)
		return 0;
	if (req->viewer != NULL)
		req->csrf = token_derive(req->arena, token, "parasol csrf");
	else if (load_csrf(req) != 0)
		return -1;
	/* bad-date alerts don't exist for a suspended member (web/alerts.h) */
	if (req->viewer && req->viewer->suspended &&
	    (strncmp(req->path, "/alerts", 7) == 0 || strncmp(req->path, "/admin/alert", 12) == 0))
		return err_set(&req->err, ERR_NOT_FOUND, NULL, "alerts: suspended member");
	if (req->viewer && req->viewer->suspended && !suspended_may(req->path))
		return err_set(&req->err, ERR_FORBIDDEN,
			       "Your account is suspended. The page \"Moderation of your account\" "
			       "gives the moderators' reasons, and you can appeal there.",
			       SUSPENDED_DETAIL);
	return 0;
}

int
web_check_csrf(struct req *req)
{
	if (strcmp(req->method, "POST") != 0 || csrf_exempt(req->path))
		return 0;
	const char *sent = req_form(req, "csrf");
	if (req->csrf == NULL || sent == NULL || !token_equal(sent, req->csrf))
		return err_set(&req->err, ERR_FORBIDDEN,
			       "This form has expired. Please go back, reload the page and try "
			       "again.",
			       "csrf mismatch");
	return 0;
}

int
web_redirect(struct req *req, const char *location, const char *notice)
{
	if (notice == NULL) {
		resp_redirect(req, location);
		return 0;
	}
	const char *sep = strchr(location, '?') ? "&" : "?";
	const char *hash = strchr(location, '#');
	if (hash != NULL) /* the notice goes before a fragment */
		resp_redirect(req, arena_printf(req->arena, "%.*s%snotice=%s%s",
						(int)(hash - location), location, sep, notice, hash));
	else
		resp_redirect(req, arena_printf(req->arena, "%s%snotice=%s", location, sep, notice));
	return 0;
}

int
web_need_signin(struct req *req)
{
	return web_need_signin_notice(req, NULL);
}

int
web_need_signin_notice(struct req *req, const char *notice)
{
	struct strbuf to;
	strbuf_init(&to, req->arena);
	strbuf_puts(&to, "/login?next=");
	if (strcmp(req->method, "GET") != 0) {
		strbuf_putc(&to, '/');
	} else {
		/* The path and the query are as sent (still percent-encoded; libmicrohttpd only
		 * turns '+' into ' ', which becomes %20), so encoding the whole once more makes the
		 * sign-in form's decoded `next` this very address. '/' is left as it is:
		 * web_local_path refuses an escaped one. */
		const char *raw = req_raw_query(req);
		struct strbuf here;
		strbuf_init(&here, req->arena);
		strbuf_puts(&here, req->path);
		if (*raw) {
			strbuf_putc(&here, '?');
			strbuf_put_pct(&here, raw, "/:%&=@,");
		}
		strbuf_put_pct(&to, here.data, "/");
	}
	return web_redirect(req, to.data, notice);
}

bool
web_has_role(const struct req *req, enum role min)
{
	return req->viewer != NULL && req->viewer->role >= min;
}

int
web_deny(struct req *req)
{
	if (req->viewer == NULL)
		return web_need_signin(req);
	return err_set(&req->err, ERR_FORBIDDEN, "You are not allowed to see this page.",
		       "role too low");
}

const char *
web_field(const struct req *req, const char *name)
{
	const char *v = req_form(req, name);
	return v ? v : "";
}

int
web_path_id(struct req *req, int64_t *id)
{
	const char *s = req_param(req, "id");
	if (s == NULL || id_parse(s, id) != 0)
		return err_set(&req->err, ERR_NOT_FOUND, NULL, "malformed id in the path");
	return 0;
}

bool
web_local_path(const char *s)
{
	if (s == NULL || s[0] != '/' || s[1] == '/')
		return false;
	size_t i;
	bool query = false;
	for (i = 1; s[i] != '\0'; i++) {
		char c = s[i];
		if (i >= WEB_LOCAL_PATH_MAX)
			return false;
		query = query || c == '?' || c == '#';
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    strchr("-._~/?=&#:@+,", c) != NULL)
			continue;
		if (c != '%')
			return false;
		/* two hex digits, not encoding a control, '/' or '\\' for whatever decodes them */
		int hi = router_hex_value(s[i + 1]), lo = hi < 0 ? -1 : router_hex_value(s[i + 2]);
		int v = hi * 16 + lo;
		if (hi < 0 || lo < 0 || v < 0x20 || v == 0x7f ||
		    (!query && (v == '/' || v == '\\')))
			return false;
		i += 2;
	}
	return true;
}

const char *
web_back(const struct req *req, const char *fallback)
{
	const char *back = req_form(req, "back");
	return web_local_path(back) ? back : fallback;
}

/* Whether s names a post's element: "s-", "b-" or "pin-" and 1 to 20 digits. */
static bool
post_anchor_ok(const char *s)
{
	if (s == NULL)
		return false;
	const char *digits;
	if (strncmp(s, "s-", 2) == 0 || strncmp(s, "b-", 2) == 0)
		digits = s + 2;
	else if (strncmp(s, "pin-", 4) == 0)
		digits = s + 4;
	else
		return false;
	size_t n = strspn(digits, "0123456789");
	return n >= 1 && n <= 20 && digits[n] == '\0';
}

const char *
web_back_to_status(struct req *req, const char *fallback, int64_t id)
{
	char buf[ID_STRLEN];
	const char *at = req_form(req, "at");
	if (!post_anchor_ok(at))
		at = arena_printf(req->arena, "s-%s", id_format(id, buf));
	const char *back = web_back(req, fallback);
	const char *hash = strchr(back, '#');
	return arena_printf(req->arena, "%.*s#%s", (int)(hash ? hash - back : (long)strlen(back)),
			    back, at);
}

int
web_page_params(struct req *req, struct page *page)
{
	page->max_id = page->min_id = 0;
	page->limit = WEB_PAGE_SIZE;
	const char *max = req_query(req, "max_id"), *min = req_query(req, "min_id");
	if ((max != NULL && *max && id_parse(max, &page->max_id) != 0) ||
	    (min != NULL && *min && id_parse(min, &page->min_id) != 0))
		return err_set(&req->err, ERR_INVALID, "That page link is malformed.",
			       "bad pagination id");
	return 0;
}

void
web_page_links(struct req *req, struct tval *ctx, const char *base, int64_t newest,
	       int64_t oldest, bool has_newer, bool has_older)
{
	const char *sep = strchr(base, '?') ? "&" : "?";
	char buf[ID_STRLEN];
	if (has_newer)
		tval_set_str(ctx, "newer_url",
			     arena_printf(req->arena, "%s%smin_id=%s", base, sep,
					  id_format(newest, buf)));
	if (has_older)
		tval_set_str(ctx, "older_url",
			     arena_printf(req->arena, "%s%smax_id=%s", base, sep,
					  id_format(oldest, buf)));
}

/* What web_time keeps for one request: one "now" for the whole page, and the offsets of the
 * reader's zone it looked up. */
struct page_state {
	int64_t now;
	struct tz_cache tz;
	/* what the page shows, recorded after web_page_collect (web/memberpage.c) */
	bool collect;
	int64_t *statuses, *accounts;
	int nstatuses, naccounts, cap_statuses, cap_accounts;
	int64_t until; /* the second a time on the page reads otherwise, 0: none does */
};

/* req's page state, made on first use. */
static struct page_state *
page_state(struct req *req)
{
	struct page_state *ps = req->page_state;
	if (ps == NULL) {
		ps = arena_alloc(req->arena, sizeof *ps);
		memset(ps, 0, sizeof *ps);
		ps->now = clock_now();
		req->page_state = ps;
	}
	return ps;
}

void
web_page_collect(struct req *req)
{
	page_state(req)->collect = true;
}

/* Appends id to *ids (grown in the arena). */
static void
record_id(struct arena *a, int64_t **ids, int *n, int *cap, int64_t id)
{
	if (id == 0)
		return;
	if (*n == *cap) {
		int ncap = *cap ? *cap * 2 : 32;
		int64_t *grown = arena_alloc(a, sizeof *grown * (size_t)ncap);
		if (*n > 0)
			memcpy(grown, *ids, sizeof *grown * (size_t)*n);
		*ids = grown;
		*cap = ncap;
	}
	(*ids)[(*n)++] = id;
}

void
web_page_shows_status(struct req *req, int64_t id)
{
	struct page_state *ps = req->page_state;
	if (ps != NULL && ps->collect)
		record_id(req->arena, &ps->statuses, &ps->nstatuses, &ps->cap_statuses, id);
}

void
web_page_shows_account(struct req *req, int64_t id)
{
	struct page_state *ps = req->page_state;
	if (ps != NULL && ps->collect)
		record_id(req->arena, &ps->accounts, &ps->naccounts, &ps->cap_accounts, id);
}

void
web_page_shown(struct req *req, const int64_t **statuses, int *nstatuses,
	       const int64_t **accounts, int *naccounts, int64_t *until)
{
	struct page_state *ps = page_state(req);
	*statuses = ps->statuses;
	*nstatuses = ps->nstatuses;
	*accounts = ps->accounts;
	*naccounts = ps->naccounts;
	*until = ps->until;
}

/* Notes that the relative time of t (timefmt_relative) at ps->now reads otherwise from
 * the returned second on: the end of its "just now", minute or hour, or t itself for a
 * time still ahead; 0 when it never does (shown as a date). */
static int64_t
relative_until(int64_t t, int64_t now)
{
	int64_t ago = now - t;
	if (ago < 0)
		return t;
	if (ago < 60)
		return t + 60;
	if (ago < 3600)
		return t + 60 * (ago / 60 + 1);
	if (ago < 86400)
		return t + 3600 * (ago / 3600 + 1);
	return 0;
}

/* msgid (with one "{n}") translated, with n in its place. */
static const char *
count_text(struct req *req, const char *msgid, int n)
{
	const char *text = i18n_gettext(req->lang, msgid);
	const char *at = strstr(text, "{n}");
	if (at == NULL)
		return text;
	return arena_printf(req->arena, "%.*s%d%s", (int)(at - text), text, n, at + 3);
}

const char *
web_time_zone(const struct req *req)
{
	if (req->viewer != NULL && req->viewer->time_zone != NULL && req->viewer->domain == NULL)
		return req->viewer->time_zone;
	return req->settings && req->settings->time_zone ? req->settings->time_zone : "UTC";
}

const char *
web_time(struct req *req, const char *iso)
{
	int64_t t;
	if (iso == NULL)
		return "";
	if (timefmt_parse(iso, &t) != 0)
		return iso;
	struct page_state *ps = page_state(req);
	int64_t until = relative_until(t, ps->now);
	if (until != 0 && (ps->until == 0 || until < ps->until))
		ps->until = until;
	int n;
	switch (timefmt_relative(t, ps->now, &n)) {
	case TIMEFMT_JUST_NOW:
		return i18n_gettext(req->lang, N_("just now"));
	case TIMEFMT_MINUTES:
		return count_text(req, N_("{n} min ago"), n);
	case TIMEFMT_HOURS:
		return count_text(req, N_("{n} h ago"), n);
	case TIMEFMT_ABSOLUTE:
		break;
	}
	const char *zone = web_time_zone(req);
	int offset = 0;
	struct err err;
	if (tz_offset(req->arena, &ps->tz, zone, t, &offset, &err) != 0) {
		log_msg(LOG_WARN, "time zone offset: %s", err.detail);
		zone = "UTC"; /* say so rather than show a wrong local time */
	}
	char out[TIMEFMT_ABS_LEN];
	timefmt_absolute(t, offset, out);
	if (strcmp(zone, "UTC") == 0 || strcmp(zone, "Etc/UTC") == 0)
		return arena_printf(req->arena, "%s UTC", out);
	return arena_strdup(req->arena, out);
}

int
web_form_ids(const struct req *req, const char *name, int64_t **out, int *n)
{
	const struct body *b = &req->body;
	size_t cap = b->kind == BODY_FORM ? b->nfields : 0;
	*out = arena_alloc(req->arena, sizeof **out * (cap > 0 ? cap : 1));
	*n = 0;
	for (size_t i = 0; i < cap; i++) {
		if (strcmp(b->fields[i].name, name) != 0)
			continue;
		if (id_parse(b->fields[i].value, &(*out)[*n]) != 0)
			return -1;
		(*n)++;
	}
	return 0;
}
