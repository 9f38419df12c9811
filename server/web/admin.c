/* admin.c - the admin pages: instance settings, invites (create, list, revoke) and, for
 * moderators too, applications waiting in approval mode. */
#include "web/admin.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "core/invite.h"
#include "core/registration.h"
#include "core/settings.h"
#include "http/request.h"
#include "http/router.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/id.h"
#include "util/tmpl.h"
#include "web/confirm.h"
#include "web/web.h"

#define INVITES_PAGE 50
#define INVITE_MAX_USES 10000
#define INVITE_MAX_DAYS 365

/* ---- instance settings ---- */

static struct tval *
settings_ctx(struct req *req, const struct instance_settings *s)
{
	struct tval *ctx = tval_obj(req->arena);
	tval_set_str(ctx, "name", s->name);
	tval_set_str(ctx, "description", s->description);
	tval_set_bool(ctx, "mode_invite", s->registration_mode == REG_INVITE);
	tval_set_bool(ctx, "mode_approval", s->registration_mode == REG_APPROVAL);
	tval_set_bool(ctx, "mode_open", s->registration_mode == REG_OPEN);
	tval_set_bool(ctx, "lang_en", s->default_language == LANG_EN);
	tval_set_bool(ctx, "lang_zh", s->default_language == LANG_ZH_CN);
	tval_set_bool(ctx, "local_public_checked", s->local_timeline_public);
	tval_set_bool(ctx, "two_person_checked", s->two_person_rule);
	tval_set_bool(ctx, "name_moderators_checked", s->name_moderators);
	tval_set_int(ctx, "purge_days", s->suspension_purge_days);
	static const char *const vis_keys[VIS__MAX] = {"vis_public", "vis_unlisted", "vis_private",
						       "vis_members", "vis_direct"};
	for (int v = 0; v < VIS__MAX; v++)
		tval_set_bool(ctx, vis_keys[v], (enum visibility)v == s->default_visibility);
	tval_set_str(ctx, "time_zone", s->time_zone);
	tval_set_str(ctx, "quick_exit_field", s->quick_exit_url);
	tval_set_bool(ctx, "neutral_titles_checked", s->neutral_titles);
	tval_set_bool(ctx, "lockdown_on", s->lockdown);
	return ctx;
}

int
web_admin_settings_error(struct req *req, const char *key, const struct err *err)
{
	return web_render_field_error(req, "admin_settings", N_("Instance settings"),
				      settings_ctx(req, req->settings), key, err);
}

static int
settings_form(struct req *req)
{
	if (!web_has_role(req, ROLE_ADMIN))
		return web_deny(req);
	return web_render(req, MHD_HTTP_OK, "admin_settings", N_("Instance settings"),
			  settings_ctx(req, req->settings));
}

static int
settings_submit(struct req *req)
{
	if (!web_has_role(req, ROLE_ADMIN))
		return web_deny(req);
	struct instance_settings s = *req->settings;
	s.name = web_field(req, "name");
	s.description = web_field(req, "description");
	s.local_timeline_public = *web_field(req, "local_timeline_public") != '\0';
	s.two_person_rule = *web_field(req, "two_person_rule") != '\0';
	s.name_moderators = *web_field(req, "name_moderators") != '\0';
	s.neutral_titles = *web_field(req, "neutral_titles") != '\0';
	/* the quick exit: absent keeps the stored one */
	const char *exit_url = req_form(req, "quick_exit_url");
	if (exit_url != NULL)
		s.quick_exit_url = arena_strtrim(req->arena, exit_url);
	/* the purge delay: absent keeps the stored one; anything but digits is refused */
	const char *days = web_field(req, "suspension_purge_days");
	bool days_ok = strlen(days) <= 4 && strspn(days, "0123456789") == strlen(days);
	if (*days != '\0' && days_ok)
		s.suspension_purge_days = atoi(days);
	/* default visibility and time zone: absent keeps the stored ones */
	const char *vis = req_form(req, "default_visibility"), *zone = req_form(req, "time_zone");
	bool vis_ok = vis == NULL || visibility_parse(vis, &s.default_visibility) == 0;
	if (zone != NULL)
		s.time_zone = zone;
	struct err err;
	int rc = 0;
	const char *field = NULL; /* the form field the refusal is about */
	if (!days_ok) {
		field = "suspension_purge_days";
		rc = err_set(&err, ERR_UNPROCESSABLE,
			     "The purge delay must be a number of days from 0 to 3650.",
			     "bad purge days");
	} else if (!vis_ok) {
		field = "default_visibility";
		rc = err_set(&err, ERR_UNPROCESSABLE, "Choose a default visibility from the list.",
			     "bad default visibility");
	} else if (reg_mode_parse(web_field(req, "registration_mode"), &s.registration_mode) !=
		   0) {
		field = "registration_mode";
		rc = err_set(&err, ERR_UNPROCESSABLE, "Choose a registration mode from the list.",
			     "bad registration mode");
	} else if (i18n_lang_parse(web_field(req, "default_language"), &s.default_language) !=
		   0) {
		field = "default_language";
		rc = err_set(&err, ERR_UNPROCESSABLE, "Choose a language from the list.",
			     "bad language");
	} else {
		rc = settings_save(req->arena, &s, &field, &err);
	}
	if (rc != 0) {
		/* the form again as it was sent, the error beside its field (the template's
		 * <field>_error key), or above the form when it is about none */
		struct tval *ctx = settings_ctx(req, &s);
		if (!days_ok)
			tval_set_str(ctx, "purge_days", days);
		const char *key = field ? arena_printf(req->arena, "%s_error", field) : "error";
		return web_render_field_error(req, "admin_settings", N_("Instance settings"), ctx,
					      key, &err);
	}
	return web_redirect(req, "/admin/settings", "saved");
}

/* ---- invites ---- */

/* The invites page with the list; link is the invite link just made (shown this once). */
static int
invites_page(struct req *req, const char *link, struct tval *ctx, const struct err *form_err)
{
	struct page page;
	if (web_page_params(req, &page) != 0)
		return -1;
	struct invite_row *rows;
	bool more;
	int n = invite_list(req->arena, page.max_id, INVITES_PAGE, &rows, &more, &req->err);
	if (n < 0)
		return -1;
	if (ctx == NULL)
		ctx = tval_obj(req->arena);
	struct tval *list = tval_list(req->arena);
	char buf[ID_STRLEN];
	for (int i = 0; i < n; i++) {
		struct tval *v = tval_obj(req->arena);
		tval_set_str(v, "id", id_format(rows[i].id, buf));
		/* Named by the first characters of its link (the admin who sent it can match
		 * them), else, for invites made before those were kept, by its id. */
		tval_set_str(v, "name",
			     rows[i].code_prefix != NULL
				 ? arena_printf(req->arena, "%s…", rows[i].code_prefix)
				 : arena_printf(req->arena, "#%s", buf));
		tval_set_bool(v, "admin", strcmp(rows[i].role, "admin") == 0);
		tval_set_str(v, "created_at", web_time(req, rows[i].created_at));
		tval_set_str(v, "created_by", rows[i].created_by);
		tval_set_str(v, "role", rows[i].role);
		tval_set_int(v, "uses", rows[i].uses);
		if (rows[i].max_uses > 0)
			tval_set_int(v, "max_uses", rows[i].max_uses);
		tval_set_str(v, "expires_at",
			     rows[i].expires_at ? web_time(req, rows[i].expires_at) : NULL);
		tval_set_bool(v, "expired", rows[i].expired);
		tval_set_str(v, "revoked_at",
			     rows[i].revoked_at ? web_time(req, rows[i].revoked_at) : NULL);
		tval_set_bool(v, "usable",
			      rows[i].revoked_at == NULL && !rows[i].expired &&
				  (rows[i].max_uses == 0 || rows[i].uses < rows[i].max_uses));
		tval_push(list, v);
	}
	tval_set(ctx, "invites", list);
	tval_set_bool(ctx, "has_invites", n > 0);
	if (n > 0)
		web_page_links(req, ctx, "/admin/invites", rows[0].id, rows[n - 1].id, false, more);
	if (link != NULL)
		tval_set_str(ctx, "new_link", link);
	return web_render_form(req, "admin_invites", N_("Invites"), ctx, form_err);
}

static int
invites_get(struct req *req)
{
	if (!web_has_role(req, ROLE_ADMIN))
		return web_deny(req);
	return invites_page(req, NULL, NULL, NULL);
}

/* Reads an optional whole number between 1 and max from the form (empty: 0). */
static int
optional_count(const struct req *req, const char *name, int max, int *out, const char *message,
	       struct err *err)
{
	const char *s = web_field(req, name);
	*out = 0;
	if (*s == '\0')
		return 0;
	char *end;
	long v = strtol(s, &end, 10);
	if (*end != '\0' || end == s || v < 1 || v > max || s[0] == '+' || s[0] == ' ')
		return err_set(err, ERR_UNPROCESSABLE, message, "bad %s", name);
	*out = (int)v;
	return 0;
}

static int
invites_create(struct req *req)
{
	if (!web_has_role(req, ROLE_ADMIN))
		return web_deny(req);
	struct invite_opts opts = {.created_by = req->viewer->id, .role = ROLE_MEMBER};
	struct err err;
	struct tval *ctx = tval_obj(req->arena);
	tval_set_str(ctx, "max_uses_value", web_field(req, "max_uses"));
	tval_set_str(ctx, "expires_days_value", web_field(req, "expires_days"));
	if (optional_count(req, "max_uses", INVITE_MAX_USES, &opts.max_uses,
			   N_("The number of uses must be a whole number from 1 to 10000, or empty."),
			   &err) != 0 ||
	    optional_count(req, "expires_days", INVITE_MAX_DAYS, &opts.expires_days,
			   N_("The number of days must be a whole number from 1 to 365, or empty."),
			   &err) != 0)
		return invites_page(req, NULL, ctx, &err);
	char *code = invite_create(req->arena, &opts, &req->err);
	if (code == NULL)
		return -1;
	const struct app *app = req->app;
	return invites_page(req, invite_url(req->arena, app->cfg.base_url, code),
			    tval_obj(req->arena), NULL);
}

static int
invites_revoke(struct req *req)
{
	if (!web_has_role(req, ROLE_ADMIN))
		return web_deny(req);
	int64_t id;
	if (web_path_id(req, &id) != 0)
		return -1;
	if (!web_confirmed(req)) { /* a destructive action: say what happens first */
		struct invite_row *rows;
		bool more;
		int n = invite_list(req->arena, id + 1, 1, &rows, &more, &req->err);
		if (n < 0)
			return -1;
		if (n == 0 || rows[0].id != id)
			return err_set(&req->err, ERR_NOT_FOUND, "There is no such invite.",
				       "invite revoke: no invite %lld", (long long)id);
		struct tval *ctx = tval_obj(req->arena);
		struct tval *inv = tval_obj(req->arena);
		tval_set_str(inv, "created_at", rows[0].created_at);
		tval_set(ctx, "invite", inv);
		return web_confirm_page(req, N_("Revoke an invite"), ctx, "/admin/invites");
	}
	if (invite_revoke(req->arena, id, &req->err) != 0)
		return -1;
	return web_redirect(req, "/admin/invites", "invite_revoked");
}

/* ---- applications ---- */

static int
applications(struct req *req)
{
	if (!web_has_role(req, ROLE_MODERATOR))
		return web_deny(req);
	struct application *apps;
	int n = registration_pending(req->arena, &apps, &req->err);
	if (n < 0)
		return -1;
	struct tval *ctx = tval_obj(req->arena);
	struct tval *list = tval_list(req->arena);
	char buf[ID_STRLEN];
	for (int i = 0; i < n; i++) {
		struct tval *v = tval_obj(req->arena);
		tval_set_str(v, "id", id_format(apps[i].account_id, buf));
		tval_set_str(v, "username", apps[i].username);
		tval_set_str(v, "note", apps[i].note);
		tval_set_str(v, "created_at", web_time(req, apps[i].created_at));
		tval_push(list, v);
	}
	tval_set(ctx, "applications", list);
	tval_set_bool(ctx, "has_applications", n > 0);
	tval_set_bool(ctx, "approval_mode",
		      req->settings && req->settings->registration_mode == REG_APPROVAL);
	return web_render(req, MHD_HTTP_OK, "admin_applications", N_("Applications"), ctx);
}

static int
decide(struct req *req, bool approve)
{
	if (!web_has_role(req, ROLE_MODERATOR))
		return web_deny(req);
	int64_t id;
	if (web_path_id(req, &id) != 0)
		return -1;
	if (!approve && !web_confirmed(req)) { /* declining deletes: say so first */
		struct application *apps;
		int n = registration_pending(req->arena, &apps, &req->err);
		if (n < 0)
			return -1;
		for (int i = 0; i < n; i++) {
			if (apps[i].account_id != id)
				continue;
			struct tval *ctx = tval_obj(req->arena);
			struct tval *app = tval_obj(req->arena);
			tval_set_str(app, "username", apps[i].username);
			tval_set(ctx, "application", app);
			return web_confirm_page(req, N_("Decline an application"), ctx,
						"/admin/applications");
		}
		return err_set(&req->err, ERR_NOT_FOUND, "That application was already decided.",
			       "decline: no pending application %lld", (long long)id);
	}
	if (registration_decide(req->arena, id, approve, &req->err) != 0)
		return -1;
	return web_redirect(req, "/admin/applications",
			    approve ? "application_approved" : "application_declined");
}

static int
approve(struct req *req)
{
	return decide(req, true);
}
static int
decline(struct req *req)
{
	return decide(req, false);
}

int
web_admin_routes(struct router *r)
{
	int rc = 0;
	rc |= router_add(r, "GET", "/admin/settings", settings_form);
	rc |= router_add(r, "POST", "/admin/settings", settings_submit);
	rc |= router_add(r, "GET", "/admin/invites", invites_get);
	rc |= router_add(r, "POST", "/admin/invites", invites_create);
	rc |= router_add(r, "POST", "/admin/invites/:id/revoke", invites_revoke);
	rc |= router_add(r, "GET", "/admin/applications", applications);
	rc |= router_add(r, "POST", "/admin/applications/:id/approve", approve);
	rc |= router_add(r, "POST", "/admin/applications/:id/decline", decline);
	return rc ? -1 : 0;
}
