/* reports.c - the report form (a member reports a post or an account, citing rules and adding
 * a comment) and the moderators' list of open reports, oldest first. The reporter's name
 * appears on the moderators' list only; no page shows reports to anyone else. */
#include "web/reports.h"

#include <microhttpd.h>
#include <string.h>

#include "core/account.h"
#include "core/reports.h"
#include "core/rules.h"
#include "core/status.h"
#include "http/request.h"
#include "http/router.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/id.h"
#include "util/tmpl.h"
#include "web/statuses.h"
#include "web/web.h"

/* What is being reported: a post (st set) or an account. */
struct target {
	struct status *st; /* NULL: an account report */
	struct account *acct;
	const char *action; /* the form's path */
	const char *back;   /* the post's or the profile's path */
};

/* The rule ids checked in the form ("rule" fields), into the arena. -1 + ERR_UNPROCESSABLE
 * for a malformed id. */
static int
form_rule_ids(struct req *req, int64_t **out, int *n, struct err *err)
{
	const struct body *b = &req->body;
	size_t cap = b->kind == BODY_FORM ? b->nfields : 0;
	*out = arena_alloc(req->arena, sizeof **out * (cap > 0 ? cap : 1));
	*n = 0;
	for (size_t i = 0; i < cap; i++) {
		if (strcmp(b->fields[i].name, "rule") != 0)
			continue;
		int64_t id;
		if (id_parse(b->fields[i].value, &id) != 0)
			return err_set(err, ERR_UNPROCESSABLE,
				       "One of the rules chosen doesn't exist.",
				       "report: malformed rule id");
		(*out)[(*n)++] = id;
	}
	return 0;
}

static bool
checked(const int64_t *ids, int n, int64_t id)
{
	for (int i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

/* The report form; after a failed submission form_err is set and the fields keep what was
 * sent. */
static int
report_page(struct req *req, const struct target *t, const struct err *form_err)
{
	struct rule_row *rows;
	int n = rules_list(req->arena, &rows, &req->err);
	if (n < 0)
		return -1;
	int64_t *sent = NULL;
	int nsent = 0;
	if (form_err != NULL) {
		struct err ignored;
		if (form_rule_ids(req, &sent, &nsent, &ignored) != 0)
			nsent = 0;
	}
	struct tval *ctx = tval_obj(req->arena);
	struct tval *list = tval_list(req->arena);
	char buf[ID_STRLEN];
	for (int i = 0; i < n; i++) {
		struct tval *v = tval_obj(req->arena);
		tval_set_str(v, "id", id_format(rows[i].id, buf));
		tval_set_int(v, "number", rows[i].position);
		tval_set_str(v, "title", rows[i].title);
		tval_set_bool(v, "checked", checked(sent, nsent, rows[i].id));
		tval_push(list, v);
	}
	tval_set(ctx, "rules", list);
	tval_set_bool(ctx, "has_rules", n > 0);
	const char *comment = form_err != NULL ? req_form(req, "comment") : NULL;
	tval_set_str(ctx, "comment_value", comment ? comment : "");
	tval_set_bool(ctx, "invalid", form_err != NULL);
	tval_set_str(ctx, "action", t->action);
	tval_set_str(ctx, "back", t->back);
	tval_set(ctx, "account", web_account_view(req, t->acct));
	if (t->st != NULL)
		tval_set(ctx, "status", web_status_view(req, t->st, t->back));
	const char *title = t->st ? N_("Report a post") : N_("Report an account");
	tval_set_bool(ctx, "is_post", t->st != NULL);
	if (form_err != NULL)
		return web_render_form_error(req, "report", title, ctx, form_err);
	return web_render(req, MHD_HTTP_OK, "report", title, ctx);
}

/* Loads the post in the path (one the viewer can see). -1 + 404 otherwise. */
static int
status_target(struct req *req, struct target *t)
{
	int64_t id;
	if (web_path_id(req, &id) != 0)
		return -1;
	t->st = status_get(req->arena, req->viewer->id, id, &req->err);
	if (t->st == NULL)
		return -1;
	t->acct = &t->st->author;
	char buf[ID_STRLEN];
	t->action = arena_printf(req->arena, "/statuses/%s/report", id_format(id, buf));
	t->back = web_status_url(req, account_handle(req->arena, t->acct), id);
	return 0;
}

/* Loads the account in the path (local name or name@domain). -1 + 404 otherwise. */
static int
account_target(struct req *req, struct target *t)
{
	const char *name = req_param(req, "name");
	t->st = NULL;
	t->acct = name ? account_by_handle(req->arena, name, &req->err) : NULL;
	if (t->acct == NULL || !t->acct->approved)
		return err_set(&req->err, ERR_NOT_FOUND, "No account has that name.",
			       "report: no such account");
	t->back = arena_printf(req->arena, "/@%s", account_handle(req->arena, t->acct));
	t->action = arena_printf(req->arena, "%s/report", t->back);
	return 0;
}

static int
own_target(struct req *req)
{
	return err_set(&req->err, ERR_UNPROCESSABLE, "You can't report yourself.",
		       "report form for oneself");
}

static int
show(struct req *req, int (*load)(struct req *, struct target *))
{
	if (!req->viewer)
		return web_need_signin(req);
	struct target t;
	if (load(req, &t) != 0)
		return -1;
	if (t.acct->id == req->viewer->id)
		return own_target(req);
	return report_page(req, &t, NULL);
}

static int
submit(struct req *req, int (*load)(struct req *, struct target *))
{
	if (!req->viewer)
		return web_need_signin(req);
	struct target t;
	if (load(req, &t) != 0)
		return -1;
	struct report_draft d = {0};
	d.status_id = t.st ? t.st->id : 0;
	d.account_id = t.acct->id;
	d.comment = req_form(req, "comment");
	struct err err;
	int64_t *ids;
	if (form_rule_ids(req, &ids, &d.nrules, &err) != 0)
		return report_page(req, &t, &err);
	d.rule_ids = ids;
	if (report_create(req->arena, req->viewer, &d, NULL, &err) != 0) {
		if (err.code != ERR_UNPROCESSABLE) {
			req->err = err;
			return -1;
		}
		return report_page(req, &t, &err);
	}
	return web_redirect(req, t.back, "report_sent");
}

static int
status_report_get(struct req *req)
{
	return show(req, status_target);
}

static int
status_report_post(struct req *req)
{
	return submit(req, status_target);
}

static int
account_report_get(struct req *req)
{
	return show(req, account_target);
}

static int
account_report_post(struct req *req)
{
	return submit(req, account_target);
}

/* "name" or "name@domain" (arena). */
static const char *
handle(struct req *req, const char *username, const char *domain)
{
	return domain ? arena_printf(req->arena, "%s@%s", username, domain) : username;
}

/* "2024-05-01T10:20:30Z" -> "2024-05-01 10:20 UTC" */
static const char *
shown_time(struct req *req, const char *iso)
{
	if (iso == NULL || strlen(iso) < 16)
		return iso ? iso : "";
	return arena_printf(req->arena, "%.10s %.5s UTC", iso, iso + 11);
}

static int
reports_get(struct req *req)
{
	if (!web_has_role(req, ROLE_MODERATOR))
		return web_deny(req);
	struct page pg;
	if (web_page_params(req, &pg) != 0)
		return -1;
	struct report_page p;
	struct rule_row *rules;
	int nrules;
	if (reports_open_list(req->arena, pg.max_id, pg.min_id, &p, &req->err) != 0 ||
	    (nrules = rules_list(req->arena, &rules, &req->err)) < 0)
		return -1;
	struct tval *ctx = tval_obj(req->arena);
	struct tval *list = tval_list(req->arena);
	char buf[ID_STRLEN];
	for (int i = 0; i < p.n; i++) {
		const struct report_row *r = &p.items[i];
		struct tval *v = tval_obj(req->arena);
		tval_set_str(v, "id", id_format(r->id, buf));
		tval_set_str(v, "created_at", shown_time(req, r->created_at));
		tval_set_str(v, "created_iso", r->created_at);
		const char *target = handle(req, r->target_username, r->target_domain);
		tval_set_str(v, "target_acct", target);
		tval_set_str(v, "target_url", arena_printf(req->arena, "/@%s", target));
		const char *reporter = handle(req, r->reporter_username, r->reporter_domain);
		tval_set_str(v, "reporter_acct", reporter);
		tval_set_str(v, "reporter_url", arena_printf(req->arena, "/@%s", reporter));
		bool has_status = r->status_id != 0 && r->status_content != NULL;
		tval_set_bool(v, "has_status", has_status);
		if (has_status) {
			tval_set_str(v, "status_url", web_status_url(req, target, r->status_id));
			tval_set_html(v, "content", r->status_content); /* core/text.c output */
		}
		tval_set_str(v, "comment", r->comment ? r->comment : "");
		struct tval *cited = tval_list(req->arena);
		int ncited = 0;
		for (int j = 0; j < nrules; j++) {
			if (!checked(r->rule_ids, r->nrules, rules[j].id))
				continue;
			struct tval *rv = tval_obj(req->arena);
			tval_set_int(rv, "number", rules[j].position);
			tval_set_str(rv, "title", rules[j].title);
			tval_push(cited, rv);
			ncited++;
		}
		tval_set(v, "rules", cited);
		tval_set_bool(v, "has_rules", ncited > 0);
		tval_push(list, v);
	}
	tval_set(ctx, "reports", list);
	tval_set_bool(ctx, "has_reports", p.n > 0);
	if (p.n > 0)
		web_page_links(req, ctx, "/admin/reports", p.items[p.n - 1].id, p.items[0].id,
			       p.has_newer, p.has_older);
	return web_render(req, MHD_HTTP_OK, "admin_reports", N_("Reports"), ctx);
}

int
web_reports_routes(struct router *r)
{
	int rc = 0;
	rc |= router_add(r, "GET", "/statuses/:id/report", status_report_get);
	rc |= router_add(r, "POST", "/statuses/:id/report", status_report_post);
	rc |= router_add(r, "GET", "/@:name/report", account_report_get);
	rc |= router_add(r, "POST", "/@:name/report", account_report_post);
	rc |= router_add(r, "GET", "/admin/reports", reports_get);
	return rc ? -1 : 0;
}
