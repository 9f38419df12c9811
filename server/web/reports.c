/* reports.c - the report form (a member reports a post or an account, citing rules and adding
 * a comment), and forwarding a report about a remote account to its server. Reports are read
 * on the moderators' review queue (web/queue.c); no page shows them to anyone else. */
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
	int n = rules_list_in(req->arena, req->lang, &rows, &req->err);
	if (n < 0)
		return -1;
	int64_t *sent = NULL;
	int nsent = 0;
	if (form_err != NULL) {
		if (web_form_ids(req, "rule", &sent, &nsent) != 0)
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
	const char *fwd = form_err != NULL ? req_form(req, "forward_comment") : NULL;
	tval_set_bool(ctx, "remote", t->acct->domain != NULL);
	tval_set_bool(ctx, "forward_checked", fwd != NULL && strcmp(fwd, "1") == 0);
	tval_set_str(ctx, "action", t->action);
	tval_set_str(ctx, "back", t->back);
	tval_set(ctx, "account", web_account_view(req, t->acct));
	if (t->st != NULL)
		tval_set(ctx, "status", web_status_view(req, t->st, NULL)); /* a preview */
	const char *title = t->st ? N_("Report a post") : N_("Report an account");
	tval_set_bool(ctx, "is_post", t->st != NULL);
	return web_render_form(req, "report", title, ctx, form_err);
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
	/* someone of an allowed peer this node hasn't met yet: look them up (ap/resolve.c) */
	if (t->acct == NULL && name && strchr(name, '@') && req->err.code == ERR_NOT_FOUND)
		t->acct = account_lookup_remote(req->arena, name, &req->err);
	if (t->acct == NULL && req->err.code == ERR_UNAVAILABLE)
		return -1;
	if (t->acct == NULL || !t->acct->approved)
		return err_set(&req->err, ERR_NOT_FOUND, "No account has that name.",
			       "report: no such account");
	t->back = web_account_path(req->arena, account_handle(req->arena, t->acct));
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
	/* only a report about a remote account can ever be forwarded */
	const char *fwd = req_form(req, "forward_comment");
	d.forward_comment = t.acct->domain != NULL && fwd != NULL && strcmp(fwd, "1") == 0;
	struct err err;
	int64_t *ids;
	if (web_form_ids(req, "rule", &ids, &d.nrules) != 0) {
		err_set(&err, ERR_UNPROCESSABLE, "One of the rules chosen doesn't exist.",
			"report: malformed rule id");
		return report_page(req, &t, &err);
	}
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

/* A moderator sends the report to the server of the remote account it is about (a Flag from
 * the instance actor), then goes back to the report's queue page. */
static int
report_forward_post(struct req *req)
{
	if (!web_has_role(req, ROLE_MODERATOR))
		return web_deny(req);
	int64_t id;
	if (web_path_id(req, &id) != 0 ||
	    report_forward(req->arena, req->viewer, id, req_form(req, "forward_text"),
			   &req->err) != 0)
		return -1;
	char buf[ID_STRLEN];
	return web_redirect(req, arena_printf(req->arena, "/admin/queue/%s", id_format(id, buf)),
			    "report_forwarded");
}

int
web_reports_routes(struct router *r)
{
	int rc = 0;
	rc |= router_add(r, "GET", "/statuses/:id/report", status_report_get);
	rc |= router_add(r, "POST", "/statuses/:id/report", status_report_post);
	rc |= router_add(r, "GET", "/@:name/report", account_report_get);
	rc |= router_add(r, "POST", "/@:name/report", account_report_post);
	rc |= router_add(r, "POST", "/admin/reports/:id/forward", report_forward_post);
	return rc ? -1 : 0;
}
