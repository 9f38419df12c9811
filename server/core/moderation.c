/* moderation.c - moderators' actions, the two-person rule, appeals and the periodic sweep. */
#include "core/moderation.h"

#include <string.h>

#include "core/account.h"
#include "core/cache.h"
#include "core/events.h"
#include "core/federation.h"
#include "core/media.h"
#include "core/remote_media.h"
#include "core/settings.h"
#include "db/db.h"
#include "db/queue.h"
#include "db/reports.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/log.h"
#include "util/utf8.h"

static const char *const kind_names[MOD__MAX] = {
    [MOD_DISMISS] = "dismiss",
    [MOD_SENSITIVE] = "sensitive",
    [MOD_HIDE] = "hide",
    [MOD_DELETE] = "delete",
    [MOD_NOTE] = "note",
    [MOD_WARN] = "warn",
    [MOD_LIMIT] = "limit",
    [MOD_UNLIMIT] = "unlimit",
    [MOD_SUSPEND] = "suspend",
    [MOD_UNSUSPEND] = "unsuspend",
    [MOD_REJECT_MEDIA] = "reject_media",
    [MOD_ACCEPT_MEDIA] = "accept_media",
    [MOD_LIMIT_DOMAIN] = "limit_domain",
    [MOD_UNLIMIT_DOMAIN] = "unlimit_domain",
    [MOD_DEFEDERATE] = "defederate",
    [MOD_GRANT_MODERATOR] = "grant_moderator",
    [MOD_REVOKE_MODERATOR] = "revoke_moderator",
    [MOD_LOCKDOWN] = "lockdown",
    [MOD_UNLOCK] = "unlock",
    [MOD_GRANT_SUPPORT_WORKER] = "grant_support_worker",
    [MOD_REVOKE_SUPPORT_WORKER] = "revoke_support_worker",
};

const char *
mod_kind_name(enum mod_kind k)
{
	return k < MOD__MAX ? kind_names[k] : "";
}

int
mod_kind_parse(const char *s, enum mod_kind *out)
{
	for (int i = 0; s != NULL && i < MOD__MAX; i++)
		if (strcmp(s, kind_names[i]) == 0) {
			*out = (enum mod_kind)i;
			return 0;
		}
	return -1;
}

enum mod_on
mod_kind_on(enum mod_kind k)
{
	switch (k) {
	case MOD_DISMISS:
		return MOD_ON_ITEM;
	case MOD_SENSITIVE:
	case MOD_HIDE:
	case MOD_DELETE:
		return MOD_ON_POST;
	case MOD_REJECT_MEDIA:
	case MOD_ACCEPT_MEDIA:
	case MOD_LIMIT_DOMAIN:
	case MOD_UNLIMIT_DOMAIN:
	case MOD_DEFEDERATE:
		return MOD_ON_DOMAIN;
	case MOD_GRANT_MODERATOR:
	case MOD_REVOKE_MODERATOR:
	case MOD_LOCKDOWN: /* admins' acts on the node: never offered as a moderation */
	case MOD_UNLOCK:
	case MOD_GRANT_SUPPORT_WORKER:
	case MOD_REVOKE_SUPPORT_WORKER:
		return MOD_ON_ROLE;
	default:
		return MOD_ON_ACCOUNT;
	}
}

bool
mod_kind_needs_rule(enum mod_kind k)
{
	switch (k) {
	case MOD_SENSITIVE:
	case MOD_HIDE:
	case MOD_DELETE:
	case MOD_WARN:
	case MOD_LIMIT:
	case MOD_SUSPEND:
	case MOD_REJECT_MEDIA:
	case MOD_LIMIT_DOMAIN:
	case MOD_DEFEDERATE:
		return true;
	default:
		return false;
	}
}

bool
mod_kind_appealable(enum mod_kind k)
{
	switch (k) {
	case MOD_SENSITIVE:
	case MOD_HIDE:
	case MOD_DELETE:
	case MOD_WARN:
	case MOD_LIMIT:
	case MOD_SUSPEND:
		return true;
	default:
		return false;
	}
}

int
mod_target_state(struct arena *a, const struct account *acct, struct mod_target_state *st,
		 struct err *err)
{
	st->remote = acct->domain != NULL;
	st->suspended = acct->suspended;
	st->limited = acct->limited;
	st->media_rejected = st->domain_limited = false;
	if (st->remote && db_domain_policy_get(a, acct->domain, &st->media_rejected,
					       &st->domain_limited, err) != 0)
		return -1;
	return 0;
}

bool
mod_kind_fits(enum mod_kind k, const struct mod_target_state *st)
{
	switch (mod_kind_on(k)) {
	case MOD_ON_ITEM:
		return st->item;
	case MOD_ON_POST:
		return st->post;
	case MOD_ON_ROLE:
		return false;
	case MOD_ON_DOMAIN:
		if (!st->remote)
			return false;
		break;
	case MOD_ON_ACCOUNT:
		break;
	}
	switch (k) {
	case MOD_LIMIT:
		return !st->limited;
	case MOD_UNLIMIT:
		return st->limited;
	case MOD_SUSPEND:
		return !st->suspended;
	case MOD_UNSUSPEND:
		return st->suspended;
	case MOD_REJECT_MEDIA:
		return !st->media_rejected;
	case MOD_ACCEPT_MEDIA:
		return st->media_rejected;
	case MOD_LIMIT_DOMAIN:
		return !st->domain_limited;
	case MOD_UNLIMIT_DOMAIN:
		return st->domain_limited;
	default:
		return true;
	}
}

/* Whether the two-person rule holds this kind back. */
static bool
needs_second(const struct instance_settings *s, enum mod_kind k)
{
	return s->two_person_rule && (k == MOD_SUSPEND || k == MOD_DEFEDERATE);
}

static bool
is_moderator(const struct account *acct)
{
	return acct != NULL && acct->role >= ROLE_MODERATOR && !acct->suspended;
}

/* Checks text is UTF-8 with 1..max characters; msg is the error to give. */
static int
check_text(const char *text, size_t max, const char *msg, struct err *err)
{
	if (text == NULL || !utf8_valid(text, strlen(text)))
		return err_set(err, ERR_UNPROCESSABLE, msg, "moderation: bad text");
	size_t n = utf8_chars(text);
	size_t lead = strspn(text, " \t\r\n");
	if (n == 0 || lead == strlen(text) || n > max)
		return err_set(err, ERR_UNPROCESSABLE, msg, "moderation: text of %zu characters",
			       n);
	return 0;
}

/* An event for peers, when the affected post is a local member's. */
static int
emit_for_post(struct arena *a, enum event_kind kind, int64_t author, int64_t status_id, bool local,
	      struct err *err)
{
	if (!local)
		return 0;
	struct event ev = {.kind = kind, .actor_id = author, .status_id = status_id};
	return events_emit(a, &ev, err);
}

/* What action action_id changes; `undo` applies its reverse (a granted appeal). The post
 * and account were checked by the caller; a suspension's end is the action's. */
static int
apply(struct arena *a, const struct instance_settings *s, enum mod_kind k, int64_t account_id,
      bool local, int64_t status_id, const char *domain, int64_t action_id, const char *cw,
      bool undo, struct err *err)
{
	switch (k) {
	case MOD_SENSITIVE:
		if (db_status_set_sensitive(a, status_id, !undo, cw, err) < 0)
			return -1;
		return emit_for_post(a, EV_STATUS_UPDATED, account_id, status_id, local, err);
	case MOD_HIDE:
		return db_status_set_hidden(a, status_id, !undo, err) < 0 ? -1 : 0;
	case MOD_DELETE:
		if (undo) /* gone for good: the member may post it again */
			return 0;
		/* peers hear of it while the post can still be read */
		if (emit_for_post(a, EV_STATUS_DELETING, account_id, status_id, local, err) != 0)
			return -1;
		return db_status_delete_any(a, status_id, err) < 0 ? -1 : 0;
	case MOD_LIMIT:
	case MOD_UNLIMIT:
		return db_account_set_limited(a, account_id, (k == MOD_LIMIT) != undo, err) < 0 ? -1
												: 0;
	case MOD_SUSPEND:
	case MOD_UNSUSPEND:
		if ((k == MOD_SUSPEND) != undo)
			return db_account_suspend(a, account_id, action_id,
						  s ? s->suspension_purge_days : -1, err) < 0
				   ? -1
				   : 0;
		return db_account_unsuspend(a, account_id, err) < 0 ? -1 : 0;
	case MOD_REJECT_MEDIA:
	case MOD_ACCEPT_MEDIA:
		return db_domain_policy_set(a, domain, "reject_media", k == MOD_REJECT_MEDIA, err);
	case MOD_LIMIT_DOMAIN:
	case MOD_UNLIMIT_DOMAIN:
		return db_domain_policy_set(a, domain, "limited", k == MOD_LIMIT_DOMAIN, err);
	case MOD_DEFEDERATE: {
		enum fed_mode mode = federation_mode(a, err);
		if (err->code != ERR_NONE)
			return -1;
		return mode == FED_ALLOWLIST ? federation_peer_remove(a, domain, err)
					     : federation_peer_add(a, domain, "defederated", err);
	}
	default: /* dismiss, note, warn: nothing changes but the record */
		return 0;
	}
}

/* The member hears of an action on their account or posts (not notes, dismissals, roles). */
static int
notify_target(struct arena *a, enum mod_kind k, int64_t target, int64_t action_id, struct err *err)
{
	enum mod_on on = mod_kind_on(k);
	if (target == 0 || k == MOD_NOTE || (on != MOD_ON_POST && on != MOD_ON_ACCOUNT))
		return 0;
	return db_notification_moderation(a, target, "moderation", action_id, err);
}

/* The members who reported queue item report_id (all the reports of its group) hear that it
 * was closed, and whether the moderators acted or found nothing to do (a dismissal): the
 * notification (type 'report', web/notifications.c) says only that. What was done, the
 * reason and who decided are left out: the reason is written to the member acted on and may
 * tell what they want few to know, the kind of action is the reported member's business (the
 * moderation log already says what every member may know), and no moderator is ever named
 * to a reporter. It names neither the post nor the account either, so that a glance at a
 * shared phone shows no one's name. A pending action (two-person rule) is not an answer yet:
 * the reporters hear of it when a second moderator approves it, and nothing if it is
 * refused (the item stays open for another decision). */
static int
notify_reporters(struct arena *a, int64_t report_id, int64_t action_id, struct err *err)
{
	int64_t *ids;
	int n = db_queue_reporters(a, report_id, &ids, err);
	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++)
		if (db_notification_moderation(a, ids[i], "report", action_id, err) != 0)
			return -1;
	return 0;
}

/* The rules cited, checked: at least one when the kind needs it, all existing. */
static int
check_rules(struct arena *a, const struct mod_draft *d, struct err *err)
{
	if (d->nrules == 0 && mod_kind_needs_rule(d->kind))
		return err_set(
		    err, ERR_UNPROCESSABLE,
		    "Choose the rule this action applies. If no rule fits, write the rule first.",
		    "moderation: no rule");
	if (d->nrules == 0)
		return 0;
	int found = db_rules_existing(a, d->rule_ids, d->nrules, err);
	if (found < 0)
		return -1;
	/* duplicates count once on both sides */
	int distinct = 0;
	for (int i = 0; i < d->nrules; i++) {
		bool seen = false;
		for (int j = 0; j < i && !seen; j++)
			seen = d->rule_ids[j] == d->rule_ids[i];
		distinct += !seen;
	}
	if (found != distinct)
		return err_set(err, ERR_UNPROCESSABLE, "One of the rules chosen doesn't exist.",
			       "moderation: unknown rule");
	return 0;
}

/* The resolved target of a draft. */
struct target {
	int64_t account_id;
	bool local;
	const char *domain;
	struct account *acct;
};

static int
resolve_target(struct arena *a, const struct account *moderator, const struct mod_draft *d,
	       struct target *t, struct err *err)
{
	memset(t, 0, sizeof *t);
	enum mod_on on = mod_kind_on(d->kind);
	int64_t account_id = d->account_id;
	if (on == MOD_ON_POST) {
		if (d->status_id == 0)
			return err_set(err, ERR_UNPROCESSABLE, "This action needs a post.",
				       "moderation: post action without a post");
		int64_t author = db_status_author_of(a, d->status_id, err);
		if (author < 0)
			return -1;
		if (author == 0)
			return err_set(err, ERR_NOT_FOUND, "This post does not exist any more.",
				       "moderation: no post");
		account_id = author;
	}
	if (on == MOD_ON_ITEM)
		return 0;
	if (account_id == 0 && on == MOD_ON_DOMAIN && d->domain != NULL) {
		t->domain = federation_domain_normalise(a, d->domain, err);
		return t->domain ? 0 : -1;
	}
	if (account_id == 0)
		return err_set(err, ERR_UNPROCESSABLE, "This action needs an account.",
			       "moderation: no account");
	t->acct = account_by_id(a, account_id, err);
	if (t->acct == NULL)
		return -1;
	t->account_id = account_id;
	t->local = t->acct->domain == NULL;
	t->domain = t->acct->domain;
	if (account_id == moderator->id)
		return err_set(err, ERR_FORBIDDEN,
			       "Another moderator must act on your own account or posts.",
			       "moderation: on self");
	if (t->local && t->acct->role >= ROLE_MODERATOR && moderator->role < ROLE_ADMIN)
		return err_set(err, ERR_FORBIDDEN,
			       "Only an admin can act on a moderator's or an admin's account.",
			       "moderation: on a moderator");
	if (on == MOD_ON_DOMAIN && t->local)
		return err_set(err, ERR_UNPROCESSABLE,
			       "Domain actions apply to other servers' accounts only.",
			       "moderation: domain action on a local account");
	return 0;
}

int
mod_act(struct arena *a, const struct instance_settings *s, const struct account *moderator,
	const struct mod_draft *d, int64_t *id, bool *pending, struct err *err)
{
	if (!is_moderator(moderator))
		return err_set(err, ERR_FORBIDDEN, "Only moderators can do this.",
			       "moderation: not a moderator");
	enum mod_on on = mod_kind_on(d->kind);
	if (d->kind >= MOD__MAX || on == MOD_ON_ROLE)
		return err_set(err, ERR_UNPROCESSABLE, "Choose an action from the list.",
			       "moderation: bad kind");
	if (check_text(d->reason, MOD_REASON_MAX,
		       N_("Give a reason of 1 to 1000 characters: the member will read it."),
		       err) != 0)
		return -1;
	if (d->kind == MOD_SUSPEND &&
	    (d->suspend_days < 0 || d->suspend_days > MOD_SUSPEND_DAYS_MAX))
		return err_set(err, ERR_UNPROCESSABLE, "Choose how long the suspension lasts.",
			       "moderation: suspend days %d", d->suspend_days);
	if (d->kind == MOD_DISMISS && d->report_id == 0)
		return err_set(err, ERR_UNPROCESSABLE, "Only a queue item can be dismissed.",
			       "moderation: dismiss without item");
	if (d->cw != NULL && utf8_chars(d->cw) > 500)
		return err_set(err, ERR_UNPROCESSABLE,
			       "A content warning can have at most 500 characters.",
			       "moderation: long cw");
	if (check_rules(a, d, err) != 0)
		return -1;
	struct target t;
	if (resolve_target(a, moderator, d, &t, err) != 0)
		return -1;
	if (t.acct != NULL) { /* what the kind needs was checked: now the account's state */
		struct mod_target_state st = {.item = true, .post = true};
		if (mod_target_state(a, t.acct, &st, err) != 0)
			return -1;
		if (!mod_kind_fits(d->kind, &st))
			return err_set(err, ERR_CONFLICT,
				       "That is in force already, or there is nothing to lift.",
				       "moderation: %s does not fit the state",
				       mod_kind_name(d->kind));
	}
	if (d->kind == MOD_DEFEDERATE) {
		bool allowed = federation_domain_allowed(a, t.domain, err);
		if (!allowed && err->code != ERR_FORBIDDEN)
			return -1;
		if (!allowed)
			return err_set(err, ERR_UNPROCESSABLE,
				       "This node does not federate with that server already.",
				       "moderation: defederating a non-peer");
	}
	bool wait = needs_second(s, d->kind);

	/* a report of a group is answered by answering the group's item */
	int64_t report_id = d->report_id;
	if (report_id != 0) {
		struct queue_item *q = db_queue_get(a, report_id, err);
		if (q == NULL)
			return -1;
		/* Reports about a moderator are another moderator's to read and decide, even a
		 * dismissal or a note: otherwise the reported could bury them (core/queue.h). */
		if (q->target_id == moderator->id)
			return err_set(err, ERR_FORBIDDEN,
				       "Another moderator must handle reports about you.",
				       "moderation: report about the moderator");
		if (q->group_id != 0)
			report_id = q->group_id;
	}

	if (db_begin(err) != 0)
		return -1;
	if (report_id != 0) {
		int64_t holder = 0;
		int open = db_queue_lock(a, report_id, &holder, err);
		if (open < 0)
			goto fail;
		if (open == 0) {
			err_set(err, ERR_CONFLICT, "This queue item is closed already.",
				"moderation: closed item");
			goto fail;
		}
		/* a claim is a lock (core/queue.h): its holder acts, or whoever takes it over */
		if (holder != 0 && holder != moderator->id) {
			err_set(
			    err, ERR_CONFLICT,
			    "Another moderator has claimed this item. Take it over to act on it.",
			    "moderation: item claimed by another moderator");
			goto fail;
		}
		/* An action waiting for a second moderator has not answered the item yet: the
		 * item stays open (its evidence kept), held by the proposer so that nobody acts
		 * on it meanwhile, and is closed when the action is approved (mod_approve). */
		int waiting = db_mod_action_pending_for_report(a, report_id, err);
		if (waiting < 0)
			goto fail;
		if (waiting) {
			err_set(err, ERR_CONFLICT,
				"An action on this item waits for a second moderator: approve or "
				"refuse it first.",
				"moderation: item has a pending action");
			goto fail;
		}
		if (wait && holder == 0 && db_queue_claim(a, report_id, moderator->id, 0, err) < 0)
			goto fail;
		if (d->kind != MOD_NOTE && !wait && db_queue_close(a, report_id, err) < 0)
			goto fail;
	}
	struct mod_action_new row = {
	    .kind = mod_kind_name(d->kind),
	    .moderator_id = moderator->id,
	    .target_id = t.account_id,
	    .status_id = on == MOD_ON_POST ? d->status_id : 0,
	    .domain = on == MOD_ON_DOMAIN ? t.domain : NULL,
	    .report_id = report_id,
	    .reason = d->reason,
	    .rule_ids = d->rule_ids,
	    .nrules = d->nrules,
	    .suspend_days = d->kind == MOD_SUSPEND ? d->suspend_days : 0,
	    .pending = wait,
	};
	int64_t action_id;
	if (db_mod_action_insert(a, &row, &action_id, err) != 0)
		goto fail;
	if (!wait) {
		if (apply(a, s, d->kind, t.account_id, t.local, d->status_id, t.domain, action_id,
			  d->cw, false, err) != 0)
			goto fail;
		if (notify_target(a, d->kind, t.account_id, action_id, err) != 0)
			goto fail;
	}
	if (report_id != 0 && d->kind != MOD_NOTE && !wait &&
	    notify_reporters(a, report_id, action_id, err) != 0)
		goto fail;
	if (db_commit(err) != 0)
		return -1;
	cache_invalidate(CACHE_PEERS); /* a defederation changed them: reload now it committed */
	cache_invalidate(CACHE_REMOTE); /* a remote actor's suspension counts from its next
					 * request, not from when the trigger's notice arrives */
	if (!wait && (d->kind == MOD_REJECT_MEDIA || d->kind == MOD_DEFEDERATE)) {
		/* the server's cached images go now (the sweep would catch up on a failure) */
		struct err merr;
		if (remote_media_sweep(a, &merr) < 0)
			log_msg(LOG_WARN, "remote images not evicted: %s", merr.detail);
	}
	log_msg(LOG_INFO, "moderation: action %lld (%s)%s", (long long)action_id, row.kind,
		wait ? " waits for a second moderator" : "");
	if (id != NULL)
		*id = action_id;
	if (pending != NULL)
		*pending = wait;
	return 0;
fail:
	db_rollback();
	return -1;
}

int
mod_approve(struct arena *a, const struct instance_settings *s, const struct account *moderator,
	    int64_t action_id, bool approve, struct err *err)
{
	if (!is_moderator(moderator))
		return err_set(err, ERR_FORBIDDEN, "Only moderators can do this.",
			       "moderation: not a moderator");
	struct mod_action_row *m = db_mod_action_get(a, action_id, err);
	if (m == NULL)
		return -1;
	if (strcmp(m->state, "pending") != 0)
		return err_set(err, ERR_CONFLICT, "This action isn't waiting for approval.",
			       "moderation: not pending");
	if (m->moderator_id == moderator->id)
		return err_set(err, ERR_FORBIDDEN,
			       "A second moderator must approve this: not the one who proposed it.",
			       "moderation: self-approval");
	if (m->target_id != 0 && m->target_id == moderator->id)
		return err_set(err, ERR_FORBIDDEN,
			       "Another moderator must decide an action on your own account or "
			       "posts.",
			       "moderation: approval by the target");
	enum mod_kind k;
	if (mod_kind_parse(m->kind, &k) != 0)
		return err_set(err, ERR_INTERNAL, "Something went wrong.", "bad stored kind");
	if (db_begin(err) != 0)
		return -1;
	int moved = db_mod_action_transition(a, action_id, "pending", approve ? "done" : "rejected",
					     moderator->id, err);
	if (moved < 0)
		goto fail;
	if (moved == 0) {
		err_set(err, ERR_CONFLICT, "This action isn't waiting for approval.",
			"moderation: raced");
		goto fail;
	}
	if (approve) {
		if (apply(a, s, k, m->target_id, m->target_local, m->status_id, m->domain,
			  action_id, NULL, false, err) != 0)
			goto fail;
		if (notify_target(a, k, m->target_id, action_id, err) != 0)
			goto fail;
		/* now the item it answers is answered: closed, its reporters told */
		int closed = m->report_id != 0 ? db_queue_close(a, m->report_id, err) : 0;
		if (closed < 0 ||
		    (closed > 0 && notify_reporters(a, m->report_id, action_id, err) != 0))
			goto fail;
	}
	if (db_commit(err) != 0)
		return -1;
	cache_invalidate(CACHE_PEERS); /* as in mod_act */
	cache_invalidate(CACHE_REMOTE);
	log_msg(LOG_INFO, "moderation: action %lld %s by a second moderator", (long long)action_id,
		approve ? "approved" : "refused");
	return 0;
fail:
	db_rollback();
	return -1;
}

/* The action as its target member may see it: theirs, effective, not a note or dismissal. */
static bool
members_own(const struct mod_action_row *m, const struct account *member)
{
	return m->target_id == member->id && strcmp(m->kind, "note") != 0 &&
	       strcmp(m->kind, "dismiss") != 0 &&
	       (strcmp(m->state, "done") == 0 || strcmp(m->state, "reversed") == 0);
}

int
mod_appeal(struct arena *a, const struct account *member, int64_t action_id, const char *text,
	   struct err *err)
{
	struct mod_action_row *m = db_mod_action_get(a, action_id, err);
	if (m == NULL)
		return -1;
	if (!members_own(m, member))
		return err_set(err, ERR_NOT_FOUND, "No moderation action has that number.",
			       "appeal: not the member's");
	enum mod_kind k;
	if (mod_kind_parse(m->kind, &k) != 0 || !mod_kind_appealable(k) ||
	    strcmp(m->state, "done") != 0)
		return err_set(err, ERR_UNPROCESSABLE, "This action can't be appealed.",
			       "appeal: kind %s", m->kind);
	if (k == MOD_SUSPEND && !member->suspended)
		return err_set(err, ERR_UNPROCESSABLE,
			       "This suspension was lifted: there is nothing left to appeal.",
			       "appeal: suspension lifted");
	if (check_text(text, MOD_APPEAL_MAX, N_("Write your appeal in 1 to 1000 characters."),
		       err) != 0)
		return -1;
	int made = db_appeal_insert(a, action_id, member->id, text, err);
	if (made < 0)
		return -1;
	if (made == 0)
		return err_set(err, ERR_CONFLICT, "You have appealed this action already.",
			       "appeal: twice");
	log_msg(LOG_INFO, "moderation: appeal of action %lld", (long long)action_id);
	return 0;
}

int
mod_appeal_decide(struct arena *a, const struct account *moderator, int64_t action_id, bool grant,
		  const char *decision, struct err *err)
{
	if (!is_moderator(moderator))
		return err_set(err, ERR_FORBIDDEN, "Only moderators can do this.",
			       "moderation: not a moderator");
	struct mod_action_row *m = db_mod_action_get(a, action_id, err);
	if (m == NULL)
		return -1;
	if (m->appeal_id == 0 || strcmp(m->appeal_state, "open") != 0)
		return err_set(err, ERR_NOT_FOUND, "There is no open appeal of this action.",
			       "appeal decide: none open");
	if (m->moderator_id == moderator->id || m->approved_by == moderator->id)
		return err_set(err, ERR_FORBIDDEN,
			       "You took this action: another moderator must decide the appeal.",
			       "appeal decide: own action");
	if (m->target_id == moderator->id)
		return err_set(err, ERR_FORBIDDEN,
			       "This is your own appeal: another moderator must decide it.",
			       "appeal decide: own appeal");
	if (check_text(decision, MOD_REASON_MAX,
		       N_("Give the reason for your decision in 1 to 1000 characters."), err) != 0)
		return -1;
	enum mod_kind k;
	if (mod_kind_parse(m->kind, &k) != 0)
		return err_set(err, ERR_INTERNAL, "Something went wrong.", "bad stored kind");
	if (db_begin(err) != 0)
		return -1;
	int n = db_appeal_decide(a, action_id, grant ? "granted" : "denied", moderator->id,
				 decision, err);
	if (n < 0)
		goto fail;
	if (n == 0) {
		err_set(err, ERR_NOT_FOUND, "There is no open appeal of this action.",
			"appeal decide: raced");
		goto fail;
	}
	if (grant) {
		if (apply(a, NULL, k, m->target_id, m->target_local, m->status_id, m->domain,
			  action_id, NULL, true, err) != 0 ||
		    db_mod_action_transition(a, action_id, "done", "reversed", 0, err) < 0)
			goto fail;
	}
	if (db_notification_moderation(a, m->target_id, "appeal", action_id, err) != 0)
		goto fail;
	if (db_commit(err) != 0)
		return -1;
	cache_invalidate(CACHE_PEERS); /* as in mod_act: granting may undo a defederation */
	cache_invalidate(CACHE_REMOTE);
	log_msg(LOG_INFO, "moderation: appeal of action %lld %s", (long long)action_id,
		grant ? "granted" : "denied");
	return 0;
fail:
	db_rollback();
	return -1;
}

int
mod_list(struct arena *a, enum db_mod_list which, int64_t target_id, int64_t max_id,
	 struct mod_action_row **out, struct err *err)
{
	return db_mod_actions_list(a, which, target_id, max_id, MOD_PAGE_SIZE, out, err);
}

#define SWEEP_BATCH 100

int
mod_purge_data(struct arena *a, const struct account *acct, const struct event *last,
	       struct err *err)
{
	if (acct->domain == NULL) {
		int64_t *ids;
		int n = db_account_status_ids(a, acct->id, &ids, err);
		if (n < 0)
			return -1;
		for (int i = 0; i < n; i++)
			if (emit_for_post(a, EV_STATUS_DELETING, acct->id, ids[i], true, err) != 0)
				return -1;
	}
	if (last != NULL && events_emit(a, last, err) != 0)
		return -1;
	return db_account_purge(a, acct->id, err);
}

/* Purges one suspended account: its local posts leave peers first, then everything goes. */
static int
purge_one(struct arena *a, int64_t id, struct err *err)
{
	struct account *acct = account_by_id(a, id, err);
	if (acct == NULL)
		return -1;
	if (db_begin(err) != 0)
		return -1;
	if (mod_purge_data(a, acct, NULL, err) != 0)
		goto fail;
	if (db_commit(err) != 0)
		return -1;
	media_empty_trash(a);
	log_msg(LOG_INFO, "moderation: purged the data of suspended account %lld", (long long)id);
	return 0;
fail:
	db_rollback();
	return -1;
}

int
mod_sweep(struct arena *a, struct err *err)
{
	int64_t *ids;
	int over = db_suspensions_over(a, SWEEP_BATCH, &ids, err);
	if (over < 0)
		return -1;
	for (int i = 0; i < over; i++) {
		if (db_account_unsuspend(a, ids[i], err) < 0)
			return -1;
		log_msg(LOG_INFO, "moderation: suspension of account %lld ended",
			(long long)ids[i]);
	}
	int due = db_purges_due(a, SWEEP_BATCH, &ids, err);
	if (due < 0)
		return -1;
	for (int i = 0; i < due; i++)
		if (purge_one(a, ids[i], err) != 0)
			return -1;
	return over + due;
}
