/* settings.c - a member's settings page: profile, preferences, password, sessions. The
 * rules (lengths, languages, password checks) live in core/account.c and core/session.c. */
#include "web/settings.h"

#include <microhttpd.h>
#include <stdio.h>
#include <string.h>

#include "core/account.h"
#include "core/auth.h"
#include "core/expiry.h"
#include "core/media.h"
#include "core/recovery.h"
#include "core/timezone.h"
#include "core/session.h"
#include "core/settings.h"
#include "http/body.h"
#include "http/request.h"
#include "http/router.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/id.h"
#include "util/log.h"
#include "util/tmpl.h"
#include "web/auth.h"
#include "web/media.h"
#include "http/signin_limit.h"
#include "web/oauth.h"
#include "web/twofactor.h"
#include "web/web.h"

#define TEMPLATE "settings"
#define TITLE N_("Settings")

/* A checkbox is on when the form sent it at all. */
static bool
checked(const struct req *req, const char *name)
{
	const char *v = req_form(req, name);
	return v != NULL && *v != '\0';
}

/* The profile form's keys from u (the saved profile, or what was just sent). */
static void
profile_keys(struct req *req, struct tval *ctx, const struct profile_update *u)
{
	tval_set_str(ctx, "display_name", u->display_name);
	tval_set_str(ctx, "bio", u->bio);
	tval_set_bool(ctx, "locked", u->locked);
	tval_set_bool(ctx, "hide_collections", u->hide_collections);
	tval_set_bool(ctx, "discoverable", u->discoverable);
	tval_set_bool(ctx, "indexable", u->indexable);
	struct tval *fields = tval_list(req->arena);
	for (int i = 0; i < ACCOUNT_MAX_FIELDS; i++) {
		struct tval *f = tval_obj(req->arena);
		tval_set_int(f, "n", i + 1);
		tval_set_int(f, "i", i);
		tval_set_str(f, "name", i < u->nfields ? u->fields[i].name : "");
		tval_set_str(f, "value", i < u->nfields ? u->fields[i].value : "");
		tval_push(fields, f);
	}
	tval_set(ctx, "fields", fields);
}

/* The preferences form's keys: language (NULL for the browser's) and default visibility. */
static void
preference_keys(struct tval *ctx, const char *language, enum visibility vis)
{
	tval_set_bool(ctx, "lang_browser", language == NULL);
	tval_set_bool(ctx, "lang_en", language != NULL && strcmp(language, "en") == 0);
	tval_set_bool(ctx, "lang_zh", language != NULL && strcmp(language, "zh-CN") == 0);
	static const char *const keys[VIS__MAX] = {"vis_public", "vis_unlisted", "vis_private",
						   "vis_members", "vis_direct"};
	for (int v = 0; v < VIS__MAX; v++)
		tval_set_bool(ctx, keys[v], (enum visibility)v == vis);
}

/* The "posts that delete themselves" form's keys: the default expiry e, the auto-delete
 * amount as typed (amount, "" when off) and unit u, or the unit list's "off" when u < 0. */
static void
expiry_keys(struct tval *ctx, enum post_expiry e, const char *amount, int u)
{
	static const char *const keys[EXPIRY__MAX] = {"exp_never", "exp_1h", "exp_1d", "exp_1w",
						      "exp_1m"};
	for (int i = 0; i < EXPIRY__MAX; i++)
		tval_set_bool(ctx, keys[i], (enum post_expiry)i == e);
	tval_set_str(ctx, "auto_delete_amount", amount);
	static const char *const units[AUTO__MAX] = {"unit_days", "unit_weeks", "unit_months"};
	for (int i = 0; i < AUTO__MAX; i++)
		tval_set_bool(ctx, units[i], i == u);
	tval_set_bool(ctx, "unit_off", u < 0);
}

/* The saved expiry settings' keys; never and off when they can't be read (logged). */
static void
saved_expiry_keys(struct req *req, struct tval *ctx)
{
	struct expiry_settings s = {EXPIRY_NEVER, 0, AUTO_WEEKS};
	struct err err;
	if (expiry_settings_get(req->arena, req->viewer->id, &s, &err) != 0)
		log_msg(LOG_WARN, "expiry settings not read: %s", err.detail);
	bool on = s.auto_delete_amount > 0;
	expiry_keys(ctx, s.default_expiry,
		    on ? arena_printf(req->arena, "%d", s.auto_delete_amount) : "",
		    on ? (int)s.auto_delete_unit : -1);
}

/* The sessions list: when each began and its coarse label, never more. A database error
 * leaves the list out rather than the page. */
static void
sessions_keys(struct req *req, struct tval *ctx)
{
	struct session_row *rows;
	struct err err;
	int n = session_list(req->arena, req->viewer->id, &rows, &err);
	struct tval *list = tval_list(req->arena);
	char buf[ID_STRLEN];
	for (int i = 0; i < n; i++) {
		struct tval *v = tval_obj(req->arena);
		tval_set_str(v, "id", id_format(rows[i].id, buf));
		tval_set_str(v, "started", web_time(req, rows[i].created_at));
		tval_set_str(v, "started_iso", rows[i].created_at);
		tval_set_str(v, "label", rows[i].label);
		tval_set_bool(v, "forget", !rows[i].persistent);
		tval_set_bool(v, "current", rows[i].id == req->session_id);
		tval_push(list, v);
	}
	tval_set(ctx, "sessions", list);
}

/* The whole page from the saved account. */
static struct tval *
saved_ctx(struct req *req)
{
	const struct account *me = req->viewer;
	struct profile_update u;
	account_profile_of(me, &u);
	struct tval *ctx = tval_obj(req->arena);
	profile_keys(req, ctx, &u);
	preference_keys(ctx, me->language, me->default_visibility);
	tval_set_str(ctx, "time_zone", me->time_zone ? me->time_zone : "");
	tval_set_str(ctx, "node_time_zone",
		     req->settings && req->settings->time_zone ? req->settings->time_zone : "UTC");
	tval_set_str(ctx, "username", me->username);
	struct media_row *av = media_profile(req->arena, me->id, "avatar");
	struct media_row *hd = media_profile(req->arena, me->id, "header");
	tval_set_str(ctx, "avatar_url",
		     av ? arena_printf(req->arena, "/media/%s", av->thumb_name) : "");
	tval_set_str(ctx, "header_url",
		     hd ? arena_printf(req->arena, "/media/%s", hd->thumb_name) : "");
	saved_expiry_keys(req, ctx);
	sessions_keys(req, ctx);
	web_oauth_keys(req, ctx);
	web_twofactor_keys(req, ctx);
	return ctx;
}

/* The picture and header form (multipart): a new file replaces the old image, a ticked
 * "remove" box removes it. Each image goes through the same pipeline as posts'. */
static int
images_submit(struct req *req)
{
	if (req->viewer == NULL)
		return web_need_signin(req);
	static const char *const purposes[] = {"avatar", "header"};
	bool changed = false, removed = false;
	for (int i = 0; i < 2; i++) {
		const struct body_field *f =
		    req->body.kind == BODY_FORM ? body_field(&req->body, purposes[i]) : NULL;
		char box[32];
		snprintf(box, sizeof box, "remove_%s", purposes[i]);
		struct err err;
		int rc = 0;
		if (f != NULL && f->filename != NULL && (f->len > 0 || *f->filename != '\0')) {
			rc = media_set_profile(req->arena, req->viewer->id, purposes[i], f->value,
					       f->len, &err);
			changed = true;
		} else if (checked(req, box)) {
			rc = media_remove_profile(req->arena, req->viewer->id, purposes[i], &err);
			removed = true;
		}
		if (rc != 0 && web_media_refused(req, &err))
			return req->err.code != ERR_NONE ? -1 : 0;
		if (rc != 0)
			return web_render_field_error(req, TEMPLATE, TITLE, saved_ctx(req),
						      "images_error", &err);
	}
	return web_redirect(req, "/settings#images",
			    changed ? "avatar_saved" : removed ? "avatar_removed" : NULL);
}

static int
settings_page(struct req *req)
{
	if (req->viewer == NULL)
		return web_need_signin(req);
	return web_render(req, MHD_HTTP_OK, TEMPLATE, TITLE, saved_ctx(req));
}

static int
profile_submit(struct req *req)
{
	if (req->viewer == NULL)
		return web_need_signin(req);
	struct profile_update u = {
	    .display_name = web_field(req, "display_name"),
	    .bio = web_field(req, "bio"),
	    .nfields = ACCOUNT_MAX_FIELDS,
	    .locked = checked(req, "locked"),
	    .hide_collections = checked(req, "hide_collections"),
	    .discoverable = checked(req, "discoverable"),
	    .indexable = checked(req, "indexable"),
	};
	/* Only the four slots of the form are read: a fifth field is never looked at. */
	for (int i = 0; i < ACCOUNT_MAX_FIELDS; i++) {
		char name[32];
		snprintf(name, sizeof name, "field_name_%d", i);
		u.fields[i].name = web_field(req, name);
		snprintf(name, sizeof name, "field_value_%d", i);
		u.fields[i].value = web_field(req, name);
	}
	struct err err;
	if (account_update_profile(req->arena, req->viewer->id, &u, &err) != 0) {
		struct tval *ctx = saved_ctx(req);
		profile_keys(req, ctx, &u);
		return web_render_form_error(req, TEMPLATE, TITLE, ctx, &err);
	}
	return web_redirect(req, "/settings", "saved");
}

static int
preferences_submit(struct req *req)
{
	if (req->viewer == NULL)
		return web_need_signin(req);
	const char *language = web_field(req, "language");
	/* absent (an older form) keeps the member's zone; empty means the node's */
	const char *zone = req_form(req, "time_zone");
	if (zone == NULL)
		zone = req->viewer->time_zone ? req->viewer->time_zone : "";
	enum visibility vis;
	struct err err;
	int rc;
	/* the zone first, so that its error can sit next to its field */
	bool zone_bad = *zone && tz_check(req->arena, zone, &err) != 0;
	if (zone_bad)
		rc = -1;
	else if (visibility_parse(web_field(req, "default_visibility"), &vis) != 0)
		rc = err_set(&err, ERR_UNPROCESSABLE, "Choose a visibility from the list.",
			     "bad visibility");
	else
		rc = account_update_preferences(req->arena, req->viewer->id,
						*language ? language : NULL, vis,
						*zone ? zone : NULL, &err);
	if (rc != 0) {
		struct tval *ctx = saved_ctx(req);
		tval_set_str(ctx, "time_zone", zone);
		/* the form shows what was sent, not what is saved: a bad zone loses no choice */
		enum visibility sent;
		if (visibility_parse(web_field(req, "default_visibility"), &sent) != 0)
			sent = req->viewer->default_visibility;
		preference_keys(ctx, *language ? language : NULL, sent);
		return web_render_field_error(req, TEMPLATE, TITLE, ctx,
					      zone_bad ? "time_zone_error" : "preferences_error",
					      &err);
	}
	return web_redirect(req, "/settings#preferences", "saved");
}

/* POST /settings/expiry: the default expiry of new posts and the auto-delete age. A refused
 * value shows the form again with what was sent and the error, nothing saved. */
static int
expiry_submit(struct req *req)
{
	if (req->viewer == NULL)
		return web_need_signin(req);
	const char *def = web_field(req, "default_expiry");
	const char *amount = web_field(req, "auto_delete_amount");
	const char *unit = web_field(req, "auto_delete_unit");
	struct err err;
	if (expiry_settings_save(req->arena, req->viewer->id, def, amount, unit, &err) != 0) {
		if (err.code != ERR_UNPROCESSABLE) {
			req->err = err;
			return -1;
		}
		struct tval *ctx = saved_ctx(req);
		struct err ignored;
		enum post_expiry e = EXPIRY_NEVER;
		if (expiry_parse(def, &e, &ignored) != 0)
			e = EXPIRY_NEVER;
		int u = -1; /* as sent: "off" unless it was one of the units */
		for (int i = 0; i < AUTO__MAX; i++)
			if (strcmp(unit, auto_delete_unit_names[i]) == 0)
				u = i;
		expiry_keys(ctx, e, amount, u);
		return web_render_field_error(req, TEMPLATE, TITLE, ctx, "expiry_error", &err);
	}
	return web_redirect(req, "/settings#expiry", "saved");
}

static int
password_submit(struct req *req)
{
	if (req->viewer == NULL)
		return web_need_signin(req);
	const char *new_password = web_field(req, "new_password");
	struct err err;
	const char *field;
	char *token = NULL;
	int rc;
	if (strcmp(new_password, web_field(req, "confirm_password")) != 0) {
		field = "confirm_password_error";
		rc = err_set(&err, ERR_UNPROCESSABLE, "The two new passwords are not the same.",
			     "password confirmation differs");
	} else if ((rc = signin_limit_check(req, req->viewer->username, &err)) != 0) {
		field = "current_password_error"; /* guessed like a sign-in's: the same limits */
	} else {
		/* Whoever else held a session (a lost phone) is signed out, in the same
		 * transaction as the change; this browser stays in with a new session. */
		token = auth_change_password(req->arena, req->viewer->id,
					     web_field(req, "current_password"), new_password,
					     req_header(req, MHD_HTTP_HEADER_USER_AGENT),
					     req->session_persistent, &err);
		rc = token != NULL ? 0 : -1;
		/* A wrong current password is ERR_FORBIDDEN; a new one too short or long is
		 * ERR_UNPROCESSABLE; anything else (the database) is the request's error. */
		if (rc != 0 && err.code != ERR_FORBIDDEN && err.code != ERR_UNPROCESSABLE) {
			req->err = err;
			return -1;
		}
		if (rc != 0 && err.code == ERR_FORBIDDEN)
			signin_limit_failed(req, req->viewer->username);
		else if (rc == 0)
			signin_limit_succeeded(req, req->viewer->username);
		field = err.code == ERR_FORBIDDEN ? "current_password_error" : "new_password_error";
	}
	if (rc != 0)
		return web_render_field_error(req, TEMPLATE, TITLE, saved_ctx(req), field, &err);
	req_member_pages_forget(req, req->viewer->id, 0); /* every old session's pages */
	web_set_session_cookie(req, token, req->session_persistent);
	return web_redirect(req, "/settings", "password_changed");
}

int
web_settings_error(struct req *req, const char *key, const struct err *err)
{
	return web_render_field_error(req, TEMPLATE, TITLE, saved_ctx(req), key, err);
}

/* POST /settings/recovery-codes: new codes, after the password; the page that shows them
 * makes them (the old ones work until then). */
static int
recovery_submit(struct req *req)
{
	if (req->viewer == NULL)
		return web_need_signin(req);
	struct err err;
	/* the password asked for here is guessed like a sign-in's: the same limits */
	int rc = signin_limit_check(req, req->viewer->username, &err);
	if (rc == 0) {
		rc = recovery_codes_renew(req->arena, req->viewer,
					  web_field(req, "recovery_password"), &err);
		if (rc != 0 && err.code == ERR_FORBIDDEN)
			signin_limit_failed(req, req->viewer->username);
		else if (rc == 0)
			signin_limit_succeeded(req, req->viewer->username);
	}
	if (rc != 0)
		return web_render_field_error(req, TEMPLATE, TITLE, saved_ctx(req),
					      "recovery_error", &err);
	return web_redirect(
	    req, web_recovery_codes_url(req, req_cookie(req, web_session_cookie(req)), false),
	    NULL);
}

/* A GET of a form's address (a reload after an error, a bookmark, the address bar) goes
 * back to the settings page, at the form's section. */
static int
form_get(struct req *req)
{
	const char *section = strrchr(req->path, '/') + 1;
	if (strcmp(section, "recovery-codes") == 0)
		section = "recovery";
	else if (strcmp(section, "end") == 0)
		section = "sessions";
	return web_redirect(req, arena_printf(req->arena, "/settings#%s", section), NULL);
}

static int
sessions_end(struct req *req)
{
	if (req->viewer == NULL)
		return web_need_signin(req);
	if (session_end_all(req->arena, req->viewer->id, &req->err) != 0)
		return -1;
	req_member_pages_forget(req, req->viewer->id, 0);
	web_set_session_cookie(req, NULL, false);
	return web_redirect(req, "/login", "signed_out");
}

/* POST /settings/sessions/:id/end - signs one session out (this one included). */
static int
session_end_one(struct req *req)
{
	if (req->viewer == NULL)
		return web_need_signin(req);
	int64_t id;
	if (web_path_id(req, &id) != 0)
		return -1;
	if (session_end_id(req->arena, req->viewer->id, id, &req->err) != 0)
		return -1;
	req_member_pages_forget(req, req->viewer->id, id);
	if (id == req->session_id) {
		web_set_session_cookie(req, NULL, false);
		return web_redirect(req, "/login", "signed_out");
	}
	return web_redirect(req, "/settings#sessions", "session_ended");
}

int
web_settings_routes(struct router *r)
{
	int rc = 0;
	rc |= router_add(r, "GET", "/settings", settings_page);
	rc |= router_add(r, "POST", "/settings/profile", profile_submit);
	rc |= router_add(r, "POST", "/settings/images", images_submit);
	rc |= router_add(r, "GET", "/settings/images", form_get);
	rc |= router_add(r, "POST", "/settings/preferences", preferences_submit);
	rc |= router_add(r, "POST", "/settings/password", password_submit);
	rc |= router_add(r, "POST", "/settings/expiry", expiry_submit);
	rc |= router_add(r, "GET", "/settings/expiry", form_get);
	rc |= router_add(r, "POST", "/settings/sessions/end", sessions_end);
	rc |= router_add(r, "POST", "/settings/recovery-codes", recovery_submit);
	rc |= router_add(r, "GET", "/settings/profile", form_get);
	rc |= router_add(r, "GET", "/settings/preferences", form_get);
	rc |= router_add(r, "GET", "/settings/password", form_get);
	rc |= router_add(r, "GET", "/settings/recovery-codes", form_get);
	rc |= router_add(r, "GET", "/settings/sessions/end", form_get);
	rc |= router_add(r, "POST", "/settings/sessions/:id/end", session_end_one);
	return rc ? -1 : 0;
}
