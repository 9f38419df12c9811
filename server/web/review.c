/* review.c - review rules pages: moderators and admins list, add and delete them on
 * /admin/review-rules; every signed-in member reads them on /moderation/review-rules, so the
 * community sees what is watched. A match only sends a post to a person for review. */
#include "web/review.h"

#include <microhttpd.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/review.h"
#include "http/request.h"
#include "http/router.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/id.h"
#include "util/tmpl.h"
#include "web/web.h"

#define ADMIN_PATH "/admin/review-rules"
#define MEMBERS_PATH "/moderation/review-rules"
#define TITLE N_("Review rules")

/* Sets one boolean per name in ctx, "<prefix><name>", true for the one chosen (none when
 * chosen is NULL or unknown): the template's labels and selected options. */
static void
flags(struct tval *ctx, const char *prefix, const char *const *names, int n, const char *chosen)
{
	char key[64];
	for (int i = 0; i < n; i++) {
		snprintf(key, sizeof key, "%s%s", prefix, names[i]);
		tval_set_bool(ctx, key, chosen != NULL && strcmp(chosen, names[i]) == 0);
	}
}

/* A page of rules into ctx ("rules", "has_rules", pager links under base). Who wrote a
 * rule is only given to the moderators' page (with_author). */
static int
list_into(struct req *req, struct tval *ctx, const char *base, bool with_author)
{
	struct page pg;
	struct review_page p;
	if (web_page_params(req, &pg) != 0 ||
	    review_rules_list(req->arena, pg.max_id, pg.min_id, &p, &req->err) != 0)
		return -1;
	struct tval *list = tval_list(req->arena);
	char buf[ID_STRLEN];
	for (int i = 0; i < p.n; i++) {
		const struct review_rule_row *r = &p.items[i];
		struct tval *v = tval_obj(req->arena);
		tval_set_str(v, "id", id_format(r->id, buf));
		flags(v, "kind_", review_kind_names, REVIEW_KIND__MAX, r->kind);
		flags(v, "scope_", review_scope_names, REVIEW_SCOPE__MAX, r->scope);
		tval_set_str(v, "pattern", r->pattern);
		tval_set_str(v, "note", r->note);
		if (with_author)
			tval_set_str(v, "created_by", r->created_by);
		tval_set_str(v, "created_at", web_time(req, r->created_at));
		tval_set_str(v, "created_iso", r->created_at);
		tval_push(list, v);
	}
	tval_set(ctx, "rules", list);
	tval_set_bool(ctx, "has_rules", p.n > 0);
	if (p.n > 0)
		web_page_links(req, ctx, base, p.items[p.n - 1].id, p.items[0].id, p.has_newer,
			       p.has_older);
	return 0;
}

/* The admin page; after a failed submission form_err is set and the add form keeps what
 * was sent. */
static int
admin_page(struct req *req, const struct err *form_err)
{
	struct tval *ctx = tval_obj(req->arena);
	if (list_into(req, ctx, ADMIN_PATH, true) != 0)
		return -1;
	const char *kind = form_err ? web_field(req, "kind") : "phrase";
	const char *scope = form_err ? web_field(req, "scope") : "both";
	flags(ctx, "new_kind_", review_kind_names, REVIEW_KIND__MAX, kind);
	flags(ctx, "new_scope_", review_scope_names, REVIEW_SCOPE__MAX, scope);
	tval_set_str(ctx, "pattern_value", form_err ? web_field(req, "pattern") : "");
	tval_set_str(ctx, "note_value", form_err ? web_field(req, "note") : "");
	tval_set_bool(ctx, "invalid", form_err != NULL);
	return web_render_form(req, "admin_review_rules", TITLE, ctx, form_err);
}

static int
admin_get(struct req *req)
{
	if (!web_has_role(req, ROLE_MODERATOR))
		return web_deny(req);
	return admin_page(req, NULL);
}

static int
admin_create(struct req *req)
{
	if (!web_has_role(req, ROLE_MODERATOR))
		return web_deny(req);
	struct review_draft d = {
	    .kind = web_field(req, "kind"),
	    .pattern = web_field(req, "pattern"),
	    .scope = web_field(req, "scope"),
	    .note = web_field(req, "note"),
	};
	struct err err;
	if (review_rule_create(req->arena, req->viewer->id, &d, NULL, &err) != 0) {
		if (err.code != ERR_UNPROCESSABLE && err.code != ERR_CONFLICT) {
			req->err = err;
			return -1;
		}
		return admin_page(req, &err);
	}
	return web_redirect(req, ADMIN_PATH, "rule_saved");
}

static int
admin_delete(struct req *req)
{
	if (!web_has_role(req, ROLE_MODERATOR))
		return web_deny(req);
	int64_t id;
	if (web_path_id(req, &id) != 0 || review_rule_delete(req->arena, id, &req->err) != 0)
		return -1;
	return web_redirect(req, ADMIN_PATH, "done");
}

static int
members_get(struct req *req)
{
	if (!req->viewer)
		return web_need_signin(req);
	struct tval *ctx = tval_obj(req->arena);
	if (list_into(req, ctx, MEMBERS_PATH, false) != 0)
		return -1;
	return web_render(req, MHD_HTTP_OK, "review_rules", TITLE, ctx);
}

int
web_review_routes(struct router *r)
{
	int rc = 0;
	rc |= router_add(r, "GET", ADMIN_PATH, admin_get);
	rc |= router_add(r, "POST", ADMIN_PATH, admin_create);
	rc |= router_add(r, "POST", ADMIN_PATH "/:id/delete", admin_delete);
	rc |= router_add(r, "GET", MEMBERS_PATH, members_get);
	return rc ? -1 : 0;
}
