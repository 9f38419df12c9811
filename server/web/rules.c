/* rules.c - the rules admin page: moderators and admins add, edit, reorder and delete the
 * community's numbered rules. Also the list the about, home and sign-up pages show. */
#include "web/rules.h"

#include <microhttpd.h>
#include <stdbool.h>

#include "core/rules.h"
#include "http/request.h"
#include "http/router.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/id.h"
#include "util/log.h"
#include "util/tmpl.h"
#include "web/confirm.h"
#include "web/web.h"

struct tval *
web_rules_view(struct req *req)
{
	return web_rules_view_checked(req, NULL, 0);
}

struct tval *
web_rules_view_checked(struct req *req, const int64_t *checked, int nchecked)
{
	struct tval *list = tval_list(req->arena);
	struct rule_row *rows;
	struct err err;
	int n = rules_list_in(req->arena, req->lang, &rows, &err);
	if (n < 0) {
		log_msg(LOG_WARN, "rules: %s", err.detail);
		return list;
	}
	char buf[ID_STRLEN];
	for (int i = 0; i < n; i++) {
		struct tval *v = tval_obj(req->arena);
		tval_set_str(v, "id", id_format(rows[i].id, buf));
		tval_set_int(v, "number", rows[i].position);
		tval_set_str(v, "title", rows[i].title);
		tval_set_str(v, "text", rows[i].body);
		bool on = false;
		for (int j = 0; j < nchecked && !on; j++)
			on = checked[j] == rows[i].id;
		tval_set_bool(v, "checked", on);
		tval_push(list, v);
	}
	return list;
}

struct tval *
web_rules_cited(struct req *req, const int64_t *ids, int n)
{
	struct tval *list = tval_list(req->arena);
	struct rule_row *rows;
	struct err err;
	int nrows = n > 0 ? rules_list_in(req->arena, req->lang, &rows, &err) : 0;
	if (nrows < 0) {
		log_msg(LOG_WARN, "rules: %s", err.detail);
		return list;
	}
	for (int i = 0; i < nrows; i++)
		for (int j = 0; j < n; j++)
			if (ids[j] == rows[i].id) {
				struct tval *v = tval_obj(req->arena);
				tval_set_int(v, "number", rows[i].position);
				tval_set_str(v, "title", rows[i].title);
				tval_push(list, v);
				break;
			}
	return list;
}

/* The admin page. After a failed submission form_err is set: edit_id is the rule whose
 * form was sent (0: the add form) and its fields show what was sent. */
static int
rules_page(struct req *req, int64_t edit_id, const struct err *form_err)
{
	struct rule_row *rows;
	int n = rules_list(req->arena, &rows, &req->err);
	if (n < 0)
		return -1;
	struct tval *ctx = tval_obj(req->arena);
	struct tval *list = tval_list(req->arena);
	char buf[ID_STRLEN];
	for (int i = 0; i < n; i++) {
		struct tval *v = tval_obj(req->arena);
		bool edited = form_err != NULL && rows[i].id == edit_id;
		tval_set_str(v, "id", id_format(rows[i].id, buf));
		tval_set_int(v, "number", rows[i].position);
		tval_set_str(v, "title", rows[i].title);
		tval_set_str(v, "title_value", edited ? web_field(req, "title") : rows[i].title);
		tval_set_str(v, "text_value", edited ? web_field(req, "text") : rows[i].body);
		tval_set_bool(v, "edited", edited);
		tval_set_bool(v, "first", i == 0);
		tval_set_bool(v, "last", i == n - 1);
		tval_push(list, v);
	}
	tval_set(ctx, "rules", list);
	tval_set_bool(ctx, "has_rules", n > 0);
	bool new_error = form_err != NULL && edit_id == 0;
	tval_set_bool(ctx, "new_error", new_error);
	if (new_error) {
		tval_set_str(ctx, "new_title_value", web_field(req, "title"));
		tval_set_str(ctx, "new_text_value", web_field(req, "text"));
	}
	return web_render_form(req, "admin_rules", N_("Rules"), ctx, form_err);
}

static int
rules_get(struct req *req)
{
	if (!web_has_role(req, ROLE_MODERATOR))
		return web_deny(req);
	return rules_page(req, 0, NULL);
}

static int
rules_create(struct req *req)
{
	if (!web_has_role(req, ROLE_MODERATOR))
		return web_deny(req);
	struct err err;
	if (rule_create(req->arena, web_field(req, "title"), web_field(req, "text"), NULL, &err) != 0)
		return rules_page(req, 0, &err);
	return web_redirect(req, "/admin/rules", "rule_saved");
}

static int
rules_update(struct req *req)
{
	if (!web_has_role(req, ROLE_MODERATOR))
		return web_deny(req);
	int64_t id;
	if (web_path_id(req, &id) != 0)
		return -1;
	struct err err;
	if (rule_update(req->arena, id, web_field(req, "title"), web_field(req, "text"), &err) != 0) {
		if (err.code == ERR_NOT_FOUND) {
			req->err = err;
			return -1;
		}
		return rules_page(req, id, &err);
	}
	return web_redirect(req, "/admin/rules", "rule_saved");
}

static int
move(struct req *req, int delta)
{
	if (!web_has_role(req, ROLE_MODERATOR))
		return web_deny(req);
	int64_t id;
	if (web_path_id(req, &id) != 0 || rule_move(req->arena, id, delta, &req->err) != 0)
		return -1;
	return web_redirect(req, "/admin/rules", "rule_saved");
}

static int
rules_up(struct req *req)
{
	return move(req, -1);
}

static int
rules_down(struct req *req)
{
	return move(req, 1);
}

static int
rules_delete(struct req *req)
{
	if (!web_has_role(req, ROLE_MODERATOR))
		return web_deny(req);
	int64_t id;
	if (web_path_id(req, &id) != 0)
		return -1;
	if (!web_confirmed(req)) { /* a destructive action: say what happens first */
		struct rule_row *rows;
		int n = rules_list(req->arena, &rows, &req->err);
		if (n < 0)
			return -1;
		for (int i = 0; i < n; i++) {
			if (rows[i].id != id)
				continue;
			struct tval *ctx = tval_obj(req->arena);
			struct tval *rule = tval_obj(req->arena);
			tval_set_int(rule, "number", rows[i].position);
			tval_set_str(rule, "title", rows[i].title);
			tval_set(ctx, "rule", rule);
			return web_confirm_page(req, N_("Delete a rule"), ctx, "/admin/rules");
		}
		return err_set(&req->err, ERR_NOT_FOUND, "There is no such rule.",
			       "rule delete: no rule %lld", (long long)id);
	}
	if (rule_delete(req->arena, id, &req->err) != 0)
		return -1;
	return web_redirect(req, "/admin/rules", "rule_deleted");
}

int
web_rules_routes(struct router *r)
{
	int rc = 0;
	rc |= router_add(r, "GET", "/admin/rules", rules_get);
	rc |= router_add(r, "POST", "/admin/rules", rules_create);
	rc |= router_add(r, "POST", "/admin/rules/:id", rules_update);
	rc |= router_add(r, "POST", "/admin/rules/:id/up", rules_up);
	rc |= router_add(r, "POST", "/admin/rules/:id/down", rules_down);
	rc |= router_add(r, "POST", "/admin/rules/:id/delete", rules_delete);
	return rc ? -1 : 0;
}
