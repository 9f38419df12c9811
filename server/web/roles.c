/* roles.c - the roles page (admins only): who the admins, moderators and support workers are,
 * making a member a moderator or a support worker and taking it back, each with a reason, and
 * the log of those changes with the admin who made them. */
#include "web/roles.h"

#include <microhttpd.h>
#include <string.h>

#include "core/account.h"
#include "core/roles.h"
#include "http/request.h"
#include "http/router.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/id.h"
#include "util/tmpl.h"
#include "web/web.h"

#define TITLE N_("Roles")

/* Which form a failed submission came from: a grant form, or the remove form of one
 * moderator or support worker. */
struct sent {
	const struct err *err; /* NULL: nothing was sent */
	int64_t revoke_id;     /* 0: a grant form */
	bool bad_reason;       /* the reason was refused (else the account) */
	bool support;	       /* a support-worker form (else a moderator one) */
};

/* p's rows with their remove forms; support: the support workers' list. */
static struct tval *
staff_list(struct req *req, const struct roles_staff_page *p, const struct sent *s, bool support)
{
	struct tval *list = tval_list(req->arena);
	char buf[ID_STRLEN];
	for (int i = 0; i < p->n; i++) {
		const struct staff_row *row = &p->items[i];
		struct tval *v = tval_obj(req->arena);
		bool sent_here = s->err != NULL && s->revoke_id == row->id && s->support == support;
		tval_set_str(v, "id", id_format(row->id, buf));
		tval_set_str(v, "username", row->username);
		tval_set_str(v, "name", *row->display_name ? row->display_name : row->username);
		tval_set_str(v, "url", web_account_path(req->arena, row->username));
		tval_set_bool(v, "is_admin", row->role == ROLE_ADMIN);
		tval_set_bool(v, "is_moderator", row->role == ROLE_MODERATOR);
		tval_set_bool(v, "reason_invalid", sent_here && s->bad_reason);
		tval_set_str(v, "revoke_reason", sent_here ? web_field(req, "reason") : "");
		tval_push(list, v);
	}
	return list;
}

static struct tval *
changes_list(struct req *req, const struct roles_changes_page *p)
{
	struct tval *list = tval_list(req->arena);
	char buf[ID_STRLEN];
	for (int i = 0; i < p->n; i++) {
		const struct role_change_row *row = &p->items[i];
		struct tval *v = tval_obj(req->arena);
		tval_set_str(v, "id", id_format(row->id, buf));
		tval_set_bool(v, "grant", row->grant);
		tval_set_bool(v, "support", row->support);
		tval_set_str(v, "target_acct", row->target_acct);
		tval_set_bool(v, "has_admin", row->admin != NULL);
		tval_set_str(v, "admin", row->admin ? row->admin : "");
		tval_set_str(v, "reason", row->reason);
		tval_set_str(v, "created_at", web_time(req, row->created_at));
		tval_set_str(v, "created_iso", row->created_at);
		tval_push(list, v);
	}
	return list;
}

/* The page: ?after=USERNAME pages the staff list, ?max_id= the log. After a failed
 * submission s->err is set and the form it came from keeps what was sent. */
static int
roles_page(struct req *req, const struct sent *s)
{
	const char *after = req_query(req, "after");
	if (after != NULL && *after == '\0')
		after = NULL;
	struct err bad;
	if (after != NULL && account_check_username(after, &bad) != 0)
		return err_set(&req->err, ERR_INVALID, "That page link is malformed.", "bad after");
	struct page pg;
	if (web_page_params(req, &pg) != 0)
		return -1;
	struct roles_staff_page staff, support;
	struct roles_changes_page changes;
	if (roles_staff(req->arena, after, &staff, &req->err) != 0 ||
	    roles_support_workers(req->arena, &support, &req->err) != 0 ||
	    roles_changes(req->arena, pg.max_id, &changes, &req->err) != 0)
		return -1;

	struct tval *ctx = tval_obj(req->arena);
	tval_set(ctx, "staff", staff_list(req, &staff, s, false));
	tval_set(ctx, "support_workers", staff_list(req, &support, s, true));
	tval_set_bool(ctx, "has_support_workers", support.n > 0);
	tval_set_bool(ctx, "support_more", support.has_more);
	tval_set_bool(ctx, "has_staff", staff.n > 0);
	tval_set_bool(ctx, "staff_pages", staff.has_more || after != NULL);
	if (staff.has_more)
		tval_set_str(ctx, "staff_next_url",
			     arena_printf(req->arena, "/admin/roles?after=%s#staff",
					  staff.items[staff.n - 1].username));
	if (after != NULL)
		tval_set_str(ctx, "staff_first_url", "/admin/roles#staff");

	tval_set(ctx, "changes", changes_list(req, &changes));
	tval_set_bool(ctx, "has_changes", changes.n > 0);
	tval_set_bool(ctx, "changes_pages", changes.has_older || pg.max_id != 0);
	char buf[ID_STRLEN];
	if (changes.has_older)
		tval_set_str(ctx, "changes_older_url",
			     arena_printf(req->arena, "/admin/roles?max_id=%s#changes",
					  id_format(changes.items[changes.n - 1].id, buf)));
	if (pg.max_id != 0)
		tval_set_str(ctx, "changes_newest_url", "/admin/roles#changes");

	for (int sup = 0; sup < 2; sup++) {
		bool grant_error = s->err != NULL && s->revoke_id == 0 && s->support == sup;
		const char *pre = sup ? "support_" : "";
		tval_set_bool(ctx, arena_printf(req->arena, "%susername_invalid", pre),
			      grant_error && !s->bad_reason);
		tval_set_bool(ctx, arena_printf(req->arena, "%sreason_invalid", pre),
			      grant_error && s->bad_reason);
		tval_set_str(ctx, arena_printf(req->arena, "%susername_value", pre),
			     grant_error ? web_field(req, sup ? "member" : "username") : "");
		tval_set_str(ctx, arena_printf(req->arena, "%sreason_value", pre),
			     grant_error ? web_field(req, "reason") : "");
	}
	return web_render_form(req, "admin_roles", TITLE, ctx, s->err);
}

static int
roles_get(struct req *req)
{
	if (!web_has_role(req, ROLE_ADMIN))
		return web_deny(req);
	struct sent s = {NULL, 0, false, false};
	return roles_page(req, &s);
}

/* A grant form (support: the support workers'; else the moderators'), and its redirect or
 * the page again with what was refused. */
static int
grant(struct req *req, bool support)
{
	if (!web_has_role(req, ROLE_ADMIN))
		return web_deny(req);
	struct err err;
	const char *reason = web_field(req, "reason");
	struct sent s = {&err, 0, roles_check_reason(req->arena, &reason, &err) != 0, support};
	if (s.bad_reason ||
	    (support ? roles_grant_support_worker(req->arena, req->viewer,
						  web_field(req, "member"), reason, NULL, &err)
		     : roles_grant_moderator(req->arena, req->viewer, web_field(req, "username"),
					     reason, NULL, &err)) != 0)
		return roles_page(req, &s);
	return web_redirect(req, "/admin/roles", "saved");
}

/* A remove form of the account the path names, as grant does. */
static int
take_back(struct req *req, bool support)
{
	if (!web_has_role(req, ROLE_ADMIN))
		return web_deny(req);
	int64_t id;
	if (web_path_id(req, &id) != 0)
		return -1;
	struct err err;
	const char *reason = web_field(req, "reason");
	struct sent s = {&err, id, roles_check_reason(req->arena, &reason, &err) != 0, support};
	if (s.bad_reason ||
	    (support ? roles_revoke_support_worker(req->arena, req->viewer, id, reason, NULL, &err)
		     : roles_revoke_moderator(req->arena, req->viewer, id, reason, NULL, &err)) != 0)
		return roles_page(req, &s);
	return web_redirect(req, "/admin/roles", "saved");
}

static int
roles_grant(struct req *req)
{
	return grant(req, false);
}

static int
roles_revoke(struct req *req)
{
	return take_back(req, false);
}

static int
support_grant(struct req *req)
{
	return grant(req, true);
}

static int
support_revoke(struct req *req)
{
	return take_back(req, true);
}

int
web_roles_routes(struct router *r)
{
	int rc = 0;
	rc |= router_add(r, "POST", "/admin/roles/support-workers", support_grant);
	rc |= router_add(r, "POST", "/admin/roles/:id/support-worker/revoke", support_revoke);
	rc |= router_add(r, "GET", "/admin/roles", roles_get);
	rc |= router_add(r, "POST", "/admin/roles", roles_grant);
	rc |= router_add(r, "POST", "/admin/roles/:id/revoke", roles_revoke);
	return rc ? -1 : 0;
}
