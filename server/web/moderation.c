/* moderation.c - the members' side of moderation: the log every signed-in member can read,
 * a member's own page of actions (with the appeal form), and the appeal itself. */
#include "web/moderation.h"

#include <microhttpd.h>
#include <string.h>

#include "core/account.h"
#include "core/settings.h"
#include "http/request.h"
#include "http/router.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/id.h"
#include "util/tmpl.h"
#include "web/rules.h"
#include "web/statuses.h"
#include "web/web.h"

static const char *const kind_labels[MOD__MAX] = {
    [MOD_DISMISS] = N_("Queue item dismissed"),
    [MOD_SENSITIVE] = N_("Post marked sensitive"),
    [MOD_HIDE] = N_("Post hidden from timelines"),
    [MOD_DELETE] = N_("Post deleted"),
    [MOD_NOTE] = N_("Moderators' note"),
    [MOD_WARN] = N_("Warning"),
    [MOD_LIMIT] = N_("Account limited"),
    [MOD_UNLIMIT] = N_("Account limit lifted"),
    [MOD_SUSPEND] = N_("Account suspended"),
    [MOD_UNSUSPEND] = N_("Suspension lifted"),
    [MOD_REJECT_MEDIA] = N_("Media from a server rejected"),
    [MOD_ACCEPT_MEDIA] = N_("Media from a server accepted again"),
    [MOD_LIMIT_DOMAIN] = N_("Server limited"),
    [MOD_UNLIMIT_DOMAIN] = N_("Server limit lifted"),
    [MOD_DEFEDERATE] = N_("Server defederated"),
    [MOD_GRANT_MODERATOR] = N_("Moderator role granted"),
    [MOD_REVOKE_MODERATOR] = N_("Moderator role removed"),
    [MOD_LOCKDOWN] = N_("Lockdown switched on"),
    [MOD_UNLOCK] = N_("Lockdown switched off"),
    [MOD_GRANT_SUPPORT_WORKER] = N_("Marked as a support worker"),
    [MOD_REVOKE_SUPPORT_WORKER] = N_("Support-worker mark removed"),
};

const char *
web_mod_kind_label(enum mod_kind k)
{
	return k < MOD__MAX ? kind_labels[k] : "";
}

/* web_mod_action_view, and for the members' log (in_log): there an appeal shows only that it
 * was made and how it was decided, never its words, whoever reads the page. An appeal is
 * written for the moderators and may tell what the member wants few to know (the public log
 * of SAFETY.md); the member reads it on their own page, moderators on theirs. */
static struct tval *
action_view(struct req *req, const struct mod_action_row *m, bool for_moderators, bool in_log)
{
	struct tval *v = tval_obj(req->arena);
	char buf[ID_STRLEN];
	enum mod_kind k = MOD_NOTE;
	mod_kind_parse(m->kind, &k);
	tval_set_str(v, "id", id_format(m->id, buf));
	tval_set_str(v, "kind", m->kind);
	tval_set_str(v, "label", i18n_gettext(req->lang, web_mod_kind_label(k)));
	const char *when = m->effective_at ? m->effective_at : m->created_at;
	tval_set_str(v, "when", web_time(req, when));
	tval_set_str(v, "when_iso", when);
	if (m->target_acct != NULL) {
		tval_set_str(v, "target_acct", m->target_acct);
		tval_set_str(v, "target_url", web_account_path(req->arena, m->target_acct));
	}
	bool has_post = m->status_id != 0;
	tval_set_bool(v, "has_post", has_post);
	if (has_post) {
		tval_set_str(v, "post_id", id_format(m->status_id, buf));
		if (k != MOD_DELETE && m->target_acct != NULL)
			tval_set_str(v, "post_url",
				     web_status_url(req, m->target_acct, m->status_id));
		bool mine = req->viewer != NULL && req->viewer->id == m->target_id;
		if ((for_moderators || mine) && m->status_excerpt != NULL)
			tval_set_str(v, "excerpt", m->status_excerpt);
	}
	if (m->domain != NULL)
		tval_set_str(v, "domain", m->domain);
	tval_set_str(v, "reason", m->reason);
	struct tval *rules = web_rules_cited(req, m->rule_ids, m->nrules);
	tval_set(v, "rules", rules);
	tval_set_bool(v, "has_rules", m->nrules > 0);
	if (k == MOD_SUSPEND)
		tval_set_str(v, "until",
			     m->suspend_until ? web_time(req, m->suspend_until)
					      : i18n_gettext(req->lang, N_("until lifted")));
	tval_set_bool(v, "pending", strcmp(m->state, "pending") == 0);
	tval_set_bool(v, "reversed", strcmp(m->state, "reversed") == 0);
	tval_set_bool(v, "rejected", strcmp(m->state, "rejected") == 0);
	bool named = for_moderators || (req->settings && req->settings->name_moderators);
	tval_set_str(v, "by",
		     named && m->moderator_username ? m->moderator_username
						    : i18n_gettext(req->lang, N_("a moderator")));
	tval_set_bool(v, "by_named", named && m->moderator_username);
	if (m->appeal_id != 0) {
		struct tval *ap = tval_obj(req->arena);
		tval_set_bool(ap, "has_text", !in_log);
		if (!in_log)
			tval_set_str(ap, "text", m->appeal_text);
		tval_set_bool(ap, "open", strcmp(m->appeal_state, "open") == 0);
		tval_set_bool(ap, "granted", strcmp(m->appeal_state, "granted") == 0);
		tval_set_bool(ap, "denied", strcmp(m->appeal_state, "denied") == 0);
		tval_set_str(ap, "decision", m->appeal_decision ? m->appeal_decision : "");
		tval_set_str(ap, "when", web_time(req, m->appeal_created_at));
		tval_set_str(ap, "decided", web_time(req, m->appeal_decided_at));
		tval_set(v, "appeal", ap);
	}
	bool mine = req->viewer != NULL && req->viewer->id == m->target_id;
	/* A suspension that was lifted (by a moderator, or when its time was up) is over:
	 * nothing is left to appeal. */
	bool lifted = k == MOD_SUSPEND && mine && !req->viewer->suspended;
	tval_set_bool(v, "lifted", lifted && strcmp(m->state, "done") == 0);
	tval_set_bool(v, "can_appeal",
		      mine && m->appeal_id == 0 && mod_kind_appealable(k) && !lifted &&
			  strcmp(m->state, "done") == 0);
	return v;
}

struct tval *
web_mod_action_view(struct req *req, const struct mod_action_row *m, bool for_moderators)
{
	return action_view(req, m, for_moderators, false);
}

/* A page of actions from list `which`, newest first, with the older-page link. */
static int
action_page(struct req *req, enum db_mod_list which, int64_t target, const char *base,
	    const char *tmpl, const char *title, const struct err *form_err, int64_t form_id)
{
	struct page pg;
	if (web_page_params(req, &pg) != 0)
		return -1;
	struct mod_action_row *rows;
	int n = mod_list(req->arena, which, target, pg.max_id, &rows, &req->err);
	if (n < 0)
		return -1;
	struct tval *ctx = tval_obj(req->arena);
	struct tval *list = tval_list(req->arena);
	char buf[ID_STRLEN];
	for (int i = 0; i < n; i++) {
		struct tval *v = action_view(req, &rows[i], false, which == DB_MOD_LOG);
		if (form_err != NULL && rows[i].id == form_id) {
			tval_set_bool(v, "form_error", true);
			tval_set_str(v, "appeal_value", web_field(req, "text"));
		}
		tval_push(list, v);
	}
	tval_set(ctx, "actions", list);
	tval_set_bool(ctx, "has_actions", n > 0);
	if (n == MOD_PAGE_SIZE)
		tval_set_str(
		    ctx, "older_url",
		    arena_printf(req->arena, "%s?max_id=%s", base, id_format(rows[n - 1].id, buf)));
	return web_render_form(req, tmpl, title, ctx, form_err);
}

static int
log_get(struct req *req)
{
	if (!req->viewer)
		return web_need_signin(req);
	return action_page(req, DB_MOD_LOG, 0, "/moderation/log", "moderation_log",
			   N_("Moderation log"), NULL, 0);
}

static int
mine_get(struct req *req)
{
	if (!req->viewer)
		return web_need_signin(req);
	return action_page(req, DB_MOD_MINE, req->viewer->id, "/moderation/mine", "moderation_mine",
			   N_("Moderation of your account"), NULL, 0);
}

/* The appeal form's address opened with GET (a reload after an error): back to the page. */
static int
appeal_get(struct req *req)
{
	return web_redirect(req, "/moderation/mine", NULL);
}

static int
appeal_post(struct req *req)
{
	if (!req->viewer)
		return web_need_signin(req);
	int64_t id;
	if (web_path_id(req, &id) != 0)
		return -1;
	struct err err;
	if (mod_appeal(req->arena, req->viewer, id, web_field(req, "text"), &err) != 0) {
		if (err.code != ERR_UNPROCESSABLE) {
			req->err = err;
			return -1;
		}
		return action_page(req, DB_MOD_MINE, req->viewer->id, "/moderation/mine",
				   "moderation_mine", N_("Moderation of your account"), &err, id);
	}
	return web_redirect(req, "/moderation/mine", "appeal_sent");
}

int
web_moderation_routes(struct router *r)
{
	int rc = 0;
	rc |= router_add(r, "GET", "/moderation/log", log_get);
	rc |= router_add(r, "GET", "/moderation/mine", mine_get);
	rc |= router_add(r, "POST", "/moderation/actions/:id/appeal", appeal_post);
	rc |= router_add(r, "GET", "/moderation/actions/:id/appeal", appeal_get);
	return rc;
}
