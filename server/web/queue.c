/* queue.c - the moderators' pages: the review queue (reports, peers' Flags and review-rule
 * matches, oldest first, filterable), one item with its context and the action form, an
 * account's moderation page, actions waiting for a second moderator, and open appeals.
 * Moderators and admins only; everyone else gets 403 (visitors are sent to sign in). */
#include "web/queue.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

#include "core/account.h"
#include "core/moderation.h"
#include "core/queue.h"
#include "core/timeline.h"
#include "http/request.h"
#include "http/router.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/id.h"
#include "util/tmpl.h"
#include "web/moderation.h"
#include "web/rules.h"
#include "web/statuses.h"
#include "web/web.h"

#define CONTEXT_POSTS 5 /* the account's recent posts shown beside an item */

/* Options of the action form, by what it acts on. */
static const struct {
	enum mod_kind kind;
	const char *label; /* imperative msgid */
} choices[] = {
    {MOD_DISMISS, N_("Dismiss: nothing needs doing")},
    {MOD_SENSITIVE, N_("Mark the post sensitive (adds a content warning)")},
    {MOD_HIDE, N_("Hide the post from timelines")},
    {MOD_DELETE, N_("Delete the post")},
    {MOD_NOTE, N_("Write a note (moderators only)")},
    {MOD_WARN, N_("Warn the account")},
    {MOD_LIMIT, N_("Limit the account (followers only, out of shared timelines)")},
    {MOD_UNLIMIT, N_("Lift the limit")},
    {MOD_SUSPEND, N_("Suspend the account")},
    {MOD_UNSUSPEND, N_("Lift the suspension")},
    {MOD_REJECT_MEDIA, N_("Reject media from the account's server")},
    {MOD_ACCEPT_MEDIA, N_("Accept media from the account's server again")},
    {MOD_LIMIT_DOMAIN, N_("Limit the account's server")},
    {MOD_UNLIMIT_DOMAIN, N_("Lift the limit on the account's server")},
    {MOD_DEFEDERATE, N_("Defederate the account's server")},
};

/* The action form's context: the kinds that fit the target's state, the rules to cite, and
 * what was sent. */

/* The label posts show for the visibility named name ("public", ...), translated; "" for
 * none. */
static const char *
visibility_label(struct req *req, const char *name)
{
	static const char *const labels[VIS__MAX] = {
	    [VIS_PUBLIC] = N_("Public"),	  [VIS_UNLISTED] = N_("Unlisted"),
	    [VIS_PRIVATE] = N_("Followers only"), [VIS_MEMBERS] = N_("Members only"),
	    [VIS_DIRECT] = N_("Direct"),
	};
	enum visibility v;
	if (name == NULL || visibility_parse(name, &v) != 0)
		return "";
	return i18n_gettext(req->lang, labels[v]);
}

static struct tval *
action_form(struct req *req, const char *action, const struct mod_target_state *st)
{
	struct tval *f = tval_obj(req->arena);
	tval_set_str(f, "action", action);
	const char *sent = web_field(req, "kind");
	struct tval *opts = tval_list(req->arena);
	for (size_t i = 0; i < sizeof choices / sizeof choices[0]; i++) {
		enum mod_kind k = choices[i].kind;
		if (!mod_kind_fits(k, st))
			continue;
		struct tval *o = tval_obj(req->arena);
		tval_set_str(o, "value", mod_kind_name(k));
		tval_set_str(o, "label", i18n_gettext(req->lang, choices[i].label));
		tval_set_bool(o, "selected", strcmp(sent, mod_kind_name(k)) == 0);
		tval_push(opts, o);
	}
	tval_set(f, "kinds", opts);
	int64_t *ticked = NULL;
	int nticked = 0;
	if (web_form_ids(req, "rule", &ticked, &nticked) != 0)
		nticked = 0; /* a malformed id: the error says so, nothing stays ticked */
	tval_set(f, "rules", web_rules_view_checked(req, ticked, nticked));
	tval_set_str(f, "reason_value", web_field(req, "reason"));
	tval_set_str(f, "cw_value", web_field(req, "cw"));
	const char *days = web_field(req, "suspend_days");
	static const char *const lengths[] = {"1", "7", "30", "0"};
	for (size_t i = 0; i < sizeof lengths / sizeof lengths[0]; i++)
		tval_set_bool(f, arena_printf(req->arena, "days_%s", lengths[i]),
			      strcmp(days, lengths[i]) == 0);
	return f;
}

/* The target's state for the form and the page's badges; -1 + req->err. */
static int
target_state(struct req *req, struct tval *ctx, const struct account *acct,
	     struct mod_target_state *st)
{
	if (mod_target_state(req->arena, acct, st, &req->err) != 0)
		return -1;
	tval_set_bool(ctx, "limited", st->limited);
	tval_set_bool(ctx, "suspended", st->suspended);
	tval_set_bool(ctx, "media_rejected", st->media_rejected);
	tval_set_bool(ctx, "domain_limited", st->domain_limited);
	tval_set_str(ctx, "suspended_until",
		     acct->suspended_until ? web_time(req, acct->suspended_until) : "");
	return 0;
}

/* The item's context: the thread around the post, the account's recent posts, earlier
 * actions on the account. Visibility is the moderator's own: they see what a member sees. */
static int
context(struct req *req, struct tval *ctx, int64_t account_id, int64_t status_id)
{
	if (status_id != 0) {
		struct thread th;
		struct err ignored;
		if (timeline_thread(req->arena, req->viewer->id, status_id, &th, &ignored) == 0) {
			tval_set(ctx, "ancestors",
				 web_status_list(req, th.ancestors, th.nancestors, NULL));
			tval_set(ctx, "descendants",
				 web_status_list(req, th.descendants, th.ndescendants, NULL));
			tval_set_bool(ctx, "has_thread", th.nancestors + th.ndescendants > 0);
		}
	}
	struct timeline_query q = {.limit = CONTEXT_POSTS};
	struct timeline_page recent;
	if (timeline_account(req->arena, req->viewer->id, account_id, &q, &recent, &req->err) != 0)
		return -1;
	tval_set(ctx, "recent", web_status_list(req, recent.items, recent.n, NULL));
	tval_set_bool(ctx, "has_recent", recent.n > 0);
	struct mod_action_row *rows;
	int n = mod_list(req->arena, DB_MOD_TARGET, account_id, 0, &rows, &req->err);
	if (n < 0)
		return -1;
	struct tval *list = tval_list(req->arena);
	for (int i = 0; i < n; i++)
		tval_push(list, web_mod_action_view(req, &rows[i], true));
	tval_set(ctx, "history", list);
	tval_set_bool(ctx, "has_history", n > 0);
	return 0;
}

/* An item for templates. */
static struct tval *
item_view(struct req *req, const struct queue_item *q)
{
	struct tval *v = tval_obj(req->arena);
	char buf[ID_STRLEN];
	tval_set_str(v, "id", id_format(q->id, buf));
	tval_set_str(v, "url", arena_printf(req->arena, "/admin/queue/%s", buf));
	tval_set_bool(v, "from_member", strcmp(q->source, "member") == 0);
	tval_set_bool(v, "from_peer", strcmp(q->source, "peer") == 0);
	tval_set_bool(v, "from_rule", strcmp(q->source, "rule") == 0);
	tval_set_bool(v, "open", strcmp(q->state, "open") == 0);
	if (q->reporter_acct)
		tval_set_str(v, "reporter_acct", q->reporter_acct);
	if (q->origin_domain)
		tval_set_str(v, "origin_domain", q->origin_domain);
	tval_set_str(v, "target_acct", q->target_acct);
	tval_set_str(v, "target_url", web_account_path(req->arena, q->target_acct));
	tval_set_str(v, "account_url",
		     arena_printf(req->arena, "/admin/accounts/%s", id_format(q->target_id, buf)));
	tval_set_bool(v, "remote", q->target_domain != NULL);
	bool has_status = q->status_id != 0 && q->status_content != NULL;
	tval_set_bool(v, "has_status", has_status);
	if (has_status) {
		tval_set_str(v, "status_url", web_status_url(req, q->target_acct, q->status_id));
		tval_set_html(v, "content", q->status_content); /* core/text.c or sanitised */
		tval_set_str(v, "spoiler", q->status_spoiler ? q->status_spoiler : "");
		tval_set_str(v, "visibility", visibility_label(req, q->status_visibility));
		tval_set_bool(v, "sensitive", q->status_sensitive);
		tval_set_bool(v, "hidden", q->status_hidden);
	}
	/* The post is gone (its author or server deleted it): the copy kept with the report. */
	bool has_copy = !has_status && q->snap_status_id != 0 && q->snap_status_content != NULL;
	tval_set_bool(v, "has_copy", has_copy);
	if (has_copy) {
		tval_set_html(v, "copy_content", q->snap_status_content); /* as statuses.content */
		tval_set_str(v, "copy_spoiler",
			     q->snap_status_spoiler ? q->snap_status_spoiler : "");
		tval_set_str(v, "copy_visibility",
			     visibility_label(req, q->snap_status_visibility));
		tval_set_bool(v, "copy_sensitive", q->snap_status_sensitive);
		if (q->snap_status_url)
			tval_set_str(v, "copy_url", q->snap_status_url);
		if (q->snap_status_created_at) {
			tval_set_str(v, "copy_time", web_time(req, q->snap_status_created_at));
			tval_set_str(v, "copy_iso", q->snap_status_created_at);
		}
	}
	tval_set_bool(v, "target_deleted", q->target_deleted);
	if (q->snap_display_name && *q->snap_display_name)
		tval_set_str(v, "target_name", q->snap_display_name);
	if (q->snap_account_url)
		tval_set_str(v, "target_page", q->snap_account_url);
	tval_set_bool(v, "forward_comment", q->forward_comment);
	if (q->forwarded_text && *q->forwarded_text)
		tval_set_str(v, "forwarded_text", q->forwarded_text);
	tval_set_str(v, "forward_text", q->forward_comment && q->comment ? q->comment : "");
	tval_set_str(v, "comment", q->comment ? q->comment : "");
	tval_set(v, "rules", web_rules_cited(req, q->rule_ids, q->nrules));
	tval_set_bool(v, "has_rules", q->nrules > 0);
	tval_set_str(v, "created_at", web_time(req, q->created_at));
	tval_set_str(v, "created_iso", q->created_at);
	if (q->claimed_by_username)
		tval_set_str(v, "claimed_by", q->claimed_by_username);
	if (q->claimed_by != 0)
		tval_set_str(v, "claimed_by_id", id_format(q->claimed_by, buf));
	tval_set_bool(v, "mine", q->claimed_by != 0 && q->claimed_by == req->viewer->id);
	tval_set_bool(v, "held_by_other", q->claimed_by != 0 && q->claimed_by != req->viewer->id);
	tval_set_int(v, "nreports", q->nreports);
	tval_set_bool(v, "grouped", q->nreports > 1);
	if (q->forwarded_at)
		tval_set_str(v, "forwarded_at", web_time(req, q->forwarded_at));
	if (q->closed_at)
		tval_set_str(v, "closed_at", web_time(req, q->closed_at));
	return v;
}

/* The queue's filters from the query string; -1 + 400 for an unknown value. */
static int
filters(struct req *req, struct queue_filter *f, int64_t *after)
{
	memset(f, 0, sizeof *f);
	const char *state = req_query(req, "state");
	const char *source = req_query(req, "source");
	const char *claim = req_query(req, "claim");
	const char *aft = req_query(req, "after");
	f->me = req->viewer->id;
	*after = 0;
	if (state && *state && strcmp(state, "open") != 0 && strcmp(state, "closed") != 0)
		goto bad;
	f->closed = state && strcmp(state, "closed") == 0;
	if (source && *source) {
		if (strcmp(source, "member") != 0 && strcmp(source, "peer") != 0 &&
		    strcmp(source, "rule") != 0)
			goto bad;
		f->source = source;
	}
	if (claim && *claim) {
		if (strcmp(claim, "all") == 0)
			f->claim = 0;
		else if (strcmp(claim, "unclaimed") == 0)
			f->claim = 1;
		else if (strcmp(claim, "mine") == 0)
			f->claim = 2;
		else
			goto bad;
	}
	if (aft && *aft && id_parse(aft, after) != 0)
		goto bad;
	return 0;
bad:
	return err_set(&req->err, ERR_INVALID, "That filter doesn't exist.", "queue: bad filter");
}

static int
queue_get(struct req *req)
{
	if (!web_has_role(req, ROLE_MODERATOR))
		return web_deny(req);
	struct queue_filter f;
	int64_t after;
	if (filters(req, &f, &after) != 0)
		return -1;
	struct queue_item *items;
	int n = queue_list(req->arena, &f, after, &items, &req->err);
	if (n < 0)
		return -1;
	struct mod_action_row *pending, *appeals;
	int npending = mod_list(req->arena, DB_MOD_PENDING, 0, 0, &pending, &req->err);
	int nappeals =
	    npending < 0 ? -1 : mod_list(req->arena, DB_MOD_APPEALS, 0, 0, &appeals, &req->err);
	if (nappeals < 0)
		return -1;
	struct tval *ctx = tval_obj(req->arena);
	struct tval *list = tval_list(req->arena);
	for (int i = 0; i < n; i++)
		tval_push(list, item_view(req, &items[i]));
	tval_set(ctx, "items", list);
	tval_set_bool(ctx, "has_items", n > 0);
	struct tval *pl = tval_list(req->arena);
	int shown = 0;
	for (int i = 0; i < npending; i++) {
		if (pending[i].target_id == req->viewer->id)
			continue; /* an action on oneself is another moderator's to decide */
		struct tval *v = web_mod_action_view(req, &pending[i], true);
		tval_set_bool(v, "own", pending[i].moderator_id == req->viewer->id);
		tval_push(pl, v);
		shown++;
	}
	tval_set(ctx, "pending", pl);
	tval_set_bool(ctx, "has_pending", shown > 0);
	tval_set_int(ctx, "appeals", nappeals);
	tval_set_bool(ctx, "state_closed", f.closed);
	tval_set_str(ctx, "source", f.source ? f.source : "");
	tval_set_bool(ctx, "src_member", f.source && strcmp(f.source, "member") == 0);
	tval_set_bool(ctx, "src_peer", f.source && strcmp(f.source, "peer") == 0);
	tval_set_bool(ctx, "src_rule", f.source && strcmp(f.source, "rule") == 0);
	tval_set_bool(ctx, "claim_unclaimed", f.claim == 1);
	tval_set_bool(ctx, "claim_mine", f.claim == 2);
	if (n == QUEUE_PAGE_SIZE) {
		char buf[ID_STRLEN];
		tval_set_str(ctx, "next_url",
			     arena_printf(req->arena,
					  "/admin/queue?state=%s&source=%s&claim=%s&after=%s",
					  f.closed ? "closed" : "open", f.source ? f.source : "",
					  f.claim == 1	 ? "unclaimed"
					  : f.claim == 2 ? "mine"
							 : "all",
					  id_format(items[n - 1].id, buf)));
	}
	return web_render(req, MHD_HTTP_OK, "admin_queue", N_("Review queue"), ctx);
}

/* The item page; form_err after a failed action. */
static int
item_page(struct req *req, int64_t id, const struct err *form_err)
{
	struct queue_item *q = queue_get_item(req->arena, id, &req->err);
	if (q == NULL)
		return -1;
	struct account *acct = account_by_id(req->arena, q->target_id, &req->err);
	if (acct == NULL)
		return -1;
	struct tval *ctx = tval_obj(req->arena);
	tval_set(ctx, "item", item_view(req, q));
	struct queue_item *reports;
	int nreports = queue_group(req->arena, q->id, &reports, &req->err);
	if (nreports < 0)
		return -1;
	struct tval *rl = tval_list(req->arena);
	for (int i = 0; i < nreports; i++)
		tval_push(rl, item_view(req, &reports[i]));
	tval_set(ctx, "reports", rl);
	tval_set_int(ctx, "nreports", nreports);
	struct queue_takeover *tk;
	int ntk = queue_takeovers(req->arena, q->id, &tk, &req->err);
	if (ntk < 0)
		return -1;
	struct tval *tl = tval_list(req->arena);
	const char *gone = i18n_gettext(req->lang, N_("a former moderator"));
	for (int i = 0; i < ntk; i++) {
		struct tval *t = tval_obj(req->arena);
		tval_set_str(t, "moderator", tk[i].moderator ? tk[i].moderator : gone);
		tval_set_str(t, "from_moderator",
			     tk[i].from_moderator ? tk[i].from_moderator : gone);
		tval_set_str(t, "when", web_time(req, tk[i].created_at));
		tval_push(tl, t);
	}
	tval_set(ctx, "takeovers", tl);
	tval_set_bool(ctx, "has_takeovers", ntk > 0);
	char buf[ID_STRLEN];
	/* the form only for who may act: an item another moderator holds is theirs (a lock) */
	bool open = strcmp(q->state, "open") == 0 &&
		    (q->claimed_by == 0 || q->claimed_by == req->viewer->id);
	struct mod_target_state st = {.item = true,
				      .post = q->status_id != 0 && q->status_content != NULL};
	if (target_state(req, ctx, acct, &st) != 0)
		return -1;
	if (open)
		tval_set(ctx, "form",
			 action_form(
			     req,
			     arena_printf(req->arena, "/admin/queue/%s/act", id_format(q->id, buf)),
			     &st));
	tval_set_bool(ctx, "can_forward",
		      open && acct->domain != NULL && q->forwarded_at == NULL &&
			  strcmp(q->source, "peer") != 0);
	if (context(req, ctx, q->target_id, q->status_content ? q->status_id : 0) != 0)
		return -1;
	return web_render_form(req, "admin_queue_item", N_("Queue item"), ctx, form_err);
}

static int
item_get(struct req *req)
{
	if (!web_has_role(req, ROLE_MODERATOR))
		return web_deny(req);
	int64_t id;
	if (web_path_id(req, &id) != 0)
		return -1;
	struct queue_item *q = queue_get_item(req->arena, id, &req->err);
	if (q == NULL)
		return -1;
	if (!queue_may_handle(q, req->viewer))
		return err_set(&req->err, ERR_FORBIDDEN,
			       "Another moderator must handle reports about you.",
			       "queue: item about the moderator");
	if (q->group_id != 0) { /* one report of an item: the item's page lists it */
		char buf[ID_STRLEN], rb[ID_STRLEN];
		return web_redirect(req,
				    arena_printf(req->arena, "/admin/queue/%s#report-%s",
						 id_format(q->group_id, buf), id_format(id, rb)),
				    NULL);
	}
	return item_page(req, id, NULL);
}

/* The take-over page of item id: status and err say why it is shown (200 and NULL when the
 * moderator asked for it). An item nobody else holds (any more) sends them to its page. */
static int
take_over_page(struct req *req, int64_t id, const struct err *err)
{
	struct queue_item *q = queue_get_item(req->arena, id, &req->err);
	if (q == NULL)
		return -1;
	char buf[ID_STRLEN];
	int64_t item_id = q->group_id ? q->group_id : id;
	if (q->group_id != 0 && (q = queue_get_item(req->arena, item_id, &req->err)) == NULL)
		return -1;
	if (!queue_may_handle(q, req->viewer))
		return err_set(&req->err, ERR_FORBIDDEN,
			       "Another moderator must handle reports about you.",
			       "queue: item about the moderator");
	bool held =
	    strcmp(q->state, "open") == 0 && q->claimed_by != 0 && q->claimed_by != req->viewer->id;
	if (!held) {
		if (err != NULL) {
			req->err = *err;
			return -1;
		}
		return web_redirect(
		    req, arena_printf(req->arena, "/admin/queue/%s", id_format(item_id, buf)),
		    NULL);
	}
	struct tval *ctx = tval_obj(req->arena);
	tval_set(ctx, "item", item_view(req, q));
	return web_render_form(req, "admin_queue_take_over", N_("Take over a queue item"), ctx,
			       err);
}

static int
take_over_get(struct req *req)
{
	if (!web_has_role(req, ROLE_MODERATOR))
		return web_deny(req);
	int64_t id;
	if (web_path_id(req, &id) != 0)
		return -1;
	return take_over_page(req, id, NULL);
}

static int
item_claim(struct req *req)
{
	if (!web_has_role(req, ROLE_MODERATOR))
		return web_deny(req);
	int64_t id;
	if (web_path_id(req, &id) != 0)
		return -1;
	enum queue_claim_op op = QUEUE_CLAIM;
	int64_t holder = 0;
	if (*web_field(req, "release") != '\0')
		op = QUEUE_RELEASE;
	else if (*web_field(req, "take_over") != '\0') {
		op = QUEUE_TAKE_OVER;
		if (id_parse(web_field(req, "holder"), &holder) != 0)
			holder = 0; /* refused below with a precise message */
	}
	struct err err;
	if (queue_claim(req->arena, req->viewer, id, op, holder, &err) != 0) {
		/* someone else holds it: say so, in the member's language, and offer the
		 * take-over instead of a bare 409 */
		if (err.code == ERR_CONFLICT || err.code == ERR_UNPROCESSABLE)
			return take_over_page(req, id, &err);
		req->err = err;
		return -1;
	}
	struct queue_item *q = queue_get_item(req->arena, id, &req->err);
	if (q == NULL)
		return -1;
	char buf[ID_STRLEN];
	static const char *const notices[] = {[QUEUE_CLAIM] = "claimed",
					      [QUEUE_RELEASE] = "released",
					      [QUEUE_TAKE_OVER] = "taken_over"};
	return web_redirect(req,
			    arena_printf(req->arena, "/admin/queue/%s",
					 id_format(q->group_id ? q->group_id : id, buf)),
			    notices[op]);
}

/* Reads the action form into d (rules into the arena). -1 + ERR_UNPROCESSABLE when a field
 * is malformed. */
static int
read_form(struct req *req, struct mod_draft *d, struct err *err)
{
	memset(d, 0, sizeof *d);
	if (mod_kind_parse(web_field(req, "kind"), &d->kind) != 0 ||
	    mod_kind_on(d->kind) == MOD_ON_ROLE)
		return err_set(err, ERR_UNPROCESSABLE, "Choose an action from the list.",
			       "action form: kind");
	d->reason = web_field(req, "reason");
	d->cw = web_field(req, "cw");
	int64_t *ids;
	if (web_form_ids(req, "rule", &ids, &d->nrules) != 0)
		return err_set(err, ERR_UNPROCESSABLE, "One of the rules chosen doesn't exist.",
			       "action form: rule id");
	d->rule_ids = ids;
	const char *days = web_field(req, "suspend_days");
	if (d->kind == MOD_SUSPEND) {
		if (*days == '\0' || strspn(days, "0123456789") != strlen(days) || strlen(days) > 4)
			return err_set(err, ERR_UNPROCESSABLE,
				       "Choose how long the suspension lasts.",
				       "action form: days");
		d->suspend_days = atoi(days);
	}
	return 0;
}

/* Takes the action the form describes; on a form error, render(req, id, err) shows the
 * page again. */
static int
act(struct req *req, struct mod_draft *d, int64_t id, const char *back,
    int (*render)(struct req *, int64_t, const struct err *))
{
	struct err err;
	bool pending = false;
	if (mod_act(req->arena, req->settings, req->viewer, d, NULL, &pending, &err) != 0) {
		if (err.code != ERR_UNPROCESSABLE) {
			req->err = err;
			return -1;
		}
		return render(req, id, &err);
	}
	return web_redirect(req, back, pending ? "action_pending" : "action_taken");
}

static int
item_act(struct req *req)
{
	if (!web_has_role(req, ROLE_MODERATOR))
		return web_deny(req);
	int64_t id;
	if (web_path_id(req, &id) != 0)
		return -1;
	struct queue_item *q = queue_get_item(req->arena, id, &req->err);
	if (q == NULL)
		return -1;
	struct mod_draft d;
	struct err err;
	if (read_form(req, &d, &err) != 0)
		return item_page(req, id, &err);
	d.report_id = id;
	d.account_id = q->target_id;
	d.status_id = q->status_id;
	struct err err2;
	bool pending = false;
	if (mod_act(req->arena, req->settings, req->viewer, &d, NULL, &pending, &err2) != 0) {
		if (err2.code == ERR_UNPROCESSABLE)
			return item_page(req, id, &err2);
		if (err2.code == ERR_CONFLICT) /* claimed by another: the take-over page */
			return take_over_page(req, id, &err2);
		req->err = err2;
		return -1;
	}
	return web_redirect(req, "/admin/queue", pending ? "action_pending" : "action_taken");
}

/* An account's moderation page: its state, the action form, context. */
static int
account_page(struct req *req, int64_t id, const struct err *form_err)
{
	/* its history holds the other moderators' private notes about this moderator */
	if (id == req->viewer->id)
		return err_set(&req->err, ERR_FORBIDDEN,
			       "Another moderator must act on your own account or posts.",
			       "moderation page of one's own account");
	struct account *acct = account_by_id(req->arena, id, &req->err);
	if (acct == NULL)
		return -1;
	struct tval *ctx = tval_obj(req->arena);
	tval_set(ctx, "account", web_account_view(req, acct));
	tval_set_str(ctx, "acct", account_handle(req->arena, acct));
	struct mod_target_state st = {0};
	if (target_state(req, ctx, acct, &st) != 0)
		return -1;
	char buf[ID_STRLEN];
	tval_set(ctx, "form",
		 action_form(req,
			     arena_printf(req->arena, "/admin/accounts/%s/act", id_format(id, buf)),
			     &st));
	if (context(req, ctx, id, 0) != 0)
		return -1;
	return web_render_form(req, "admin_account", N_("Account moderation"), ctx, form_err);
}

static int
account_get(struct req *req)
{
	if (!web_has_role(req, ROLE_MODERATOR))
		return web_deny(req);
	int64_t id;
	if (web_path_id(req, &id) != 0)
		return -1;
	return account_page(req, id, NULL);
}

static int
account_act(struct req *req)
{
	if (!web_has_role(req, ROLE_MODERATOR))
		return web_deny(req);
	int64_t id;
	if (web_path_id(req, &id) != 0)
		return -1;
	struct mod_draft d;
	struct err err;
	if (read_form(req, &d, &err) != 0)
		return account_page(req, id, &err);
	d.account_id = id;
	char buf[ID_STRLEN];
	return act(req, &d, id, arena_printf(req->arena, "/admin/accounts/%s", id_format(id, buf)),
		   account_page);
}

static int
decide_pending(struct req *req, bool approve)
{
	if (!web_has_role(req, ROLE_MODERATOR))
		return web_deny(req);
	int64_t id;
	if (web_path_id(req, &id) != 0 ||
	    mod_approve(req->arena, req->settings, req->viewer, id, approve, &req->err) != 0)
		return -1;
	return web_redirect(req, "/admin/queue", approve ? "action_approved" : "action_rejected");
}

static int
action_approve(struct req *req)
{
	return decide_pending(req, true);
}

static int
action_reject(struct req *req)
{
	return decide_pending(req, false);
}

/* Open appeals, oldest first; form_err and form_id after a failed decision. */
static int
appeals_page(struct req *req, int64_t form_id, const struct err *form_err)
{
	struct mod_action_row *rows;
	int n = mod_list(req->arena, DB_MOD_APPEALS, 0, 0, &rows, &req->err);
	if (n < 0)
		return -1;
	struct tval *ctx = tval_obj(req->arena);
	struct tval *list = tval_list(req->arena);
	for (int i = 0; i < n; i++) {
		struct tval *v = web_mod_action_view(req, &rows[i], true);
		tval_set_bool(v, "own",
			      rows[i].moderator_id == req->viewer->id ||
				  rows[i].approved_by == req->viewer->id);
		if (form_err != NULL && rows[i].id == form_id) {
			tval_set_bool(v, "form_error", true);
			tval_set_str(v, "decision_value", web_field(req, "decision"));
		}
		tval_push(list, v);
	}
	tval_set(ctx, "actions", list);
	tval_set_bool(ctx, "has_actions", n > 0);
	return web_render_form(req, "admin_appeals", N_("Appeals"), ctx, form_err);
}

static int
appeals_get(struct req *req)
{
	if (!web_has_role(req, ROLE_MODERATOR))
		return web_deny(req);
	return appeals_page(req, 0, NULL);
}

static int
appeal_decide(struct req *req)
{
	if (!web_has_role(req, ROLE_MODERATOR))
		return web_deny(req);
	int64_t id;
	if (web_path_id(req, &id) != 0)
		return -1;
	const char *outcome = web_field(req, "outcome");
	struct err err;
	int rc;
	if (strcmp(outcome, "grant") != 0 && strcmp(outcome, "deny") != 0)
		rc = err_set(&err, ERR_UNPROCESSABLE, "Choose to grant or deny the appeal.",
			     "appeal: outcome");
	else
		rc = mod_appeal_decide(req->arena, req->viewer, id, strcmp(outcome, "grant") == 0,
				       web_field(req, "decision"), &err);
	if (rc != 0) {
		if (err.code != ERR_UNPROCESSABLE) {
			req->err = err;
			return -1;
		}
		return appeals_page(req, id, &err);
	}
	return web_redirect(req, "/admin/appeals", "appeal_decided");
}

int
web_queue_routes(struct router *r)
{
	int rc = 0;
	rc |= router_add(r, "GET", "/admin/queue", queue_get);
	rc |= router_add(r, "GET", "/admin/queue/:id", item_get);
	rc |= router_add(r, "POST", "/admin/queue/:id/claim", item_claim);
	rc |= router_add(r, "GET", "/admin/queue/:id/take-over", take_over_get);
	rc |= router_add(r, "POST", "/admin/queue/:id/act", item_act);
	rc |= router_add(r, "GET", "/admin/accounts/:id", account_get);
	rc |= router_add(r, "POST", "/admin/accounts/:id/act", account_act);
	rc |= router_add(r, "POST", "/admin/actions/:id/approve", action_approve);
	rc |= router_add(r, "POST", "/admin/actions/:id/reject", action_reject);
	rc |= router_add(r, "GET", "/admin/appeals", appeals_get);
	rc |= router_add(r, "POST", "/admin/appeals/:id", appeal_decide);
	return rc;
}
