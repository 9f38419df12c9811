/* moderation.h - what moderators decide, and what members can see and appeal.
 *
 * Only a person acts: every action here is taken by a moderator (or an admin), with a reason
 * and, for anything that changes what members see, the community rule(s) it applies. Each is a
 * row of mod_actions, shown to the member it affects (notification and their own page) and,
 * except dismissals and private notes, in the moderation log every member can read.
 *
 * Kinds and what they act on:
 *   the queue item:  dismiss (nothing was wrong; not in the log)
 *   a post:          sensitive (mark sensitive, adding a content warning), hide (from the
 *                    timelines; still at its own address), delete (federates a Delete)
 *   an account:      note (moderators only), warn, limit / unlimit (posts shown to followers
 *                    only, never in shared timelines), suspend (for some days or until lifted;
 *                    an indefinite suspension's data is purged after the node's purge delay)
 *                    / unsuspend
 *   a remote domain: reject_media / accept_media, limit_domain / unlimit_domain, defederate
 *                    (off the allowlist, or onto the blocklist)
 *   roles:           grant_moderator / revoke_moderator, grant_support_worker /
 *                    revoke_support_worker (written by core/roles.c)
 * With the two-person rule on, suspend and defederate wait ("pending") until a second
 * moderator approves them.
 * The member affected may appeal an action on their account or posts once; a moderator who
 * neither took nor approved it decides, and a granted appeal undoes what can be undone. */
#ifndef PARASOL_CORE_MODERATION_H
#define PARASOL_CORE_MODERATION_H

#include <stdbool.h>
#include <stdint.h>

#include "db/moderation.h" /* struct mod_action_row */

struct account;
struct arena;
struct err;
struct event;
struct instance_settings;

enum mod_kind {
	MOD_DISMISS,
	MOD_SENSITIVE,
	MOD_HIDE,
	MOD_DELETE,
	MOD_NOTE,
	MOD_WARN,
	MOD_LIMIT,
	MOD_UNLIMIT,
	MOD_SUSPEND,
	MOD_UNSUSPEND,
	MOD_REJECT_MEDIA,
	MOD_ACCEPT_MEDIA,
	MOD_LIMIT_DOMAIN,
	MOD_UNLIMIT_DOMAIN,
	MOD_DEFEDERATE,
	MOD_GRANT_MODERATOR,
	MOD_REVOKE_MODERATOR,
	MOD_LOCKDOWN, /* an admin shut the node's doors (core/lockdown.h) */
	MOD_UNLOCK,   /* and opened them again */
	MOD_GRANT_SUPPORT_WORKER,  /* an admin marked a support worker (core/roles.h) */
	MOD_REVOKE_SUPPORT_WORKER, /* and took the mark back; both kept out of members' log */
	MOD__MAX
};

/* What a kind acts on. */
enum mod_on { MOD_ON_ITEM, MOD_ON_POST, MOD_ON_ACCOUNT, MOD_ON_DOMAIN, MOD_ON_ROLE };

/* The stored name ("suspend"), and its parser (0 or -1). */
const char *mod_kind_name(enum mod_kind k);
int mod_kind_parse(const char *s, enum mod_kind *out);
enum mod_on mod_kind_on(enum mod_kind k);
/* Whether the kind must cite at least one rule (everything that changes what members see). */
bool mod_kind_needs_rule(enum mod_kind k);
/* Whether the member affected may appeal it. */
bool mod_kind_appealable(enum mod_kind k);

/* What an action's target is like now, to tell which kinds make sense for it. */
struct mod_target_state {
	bool item;	     /* a queue item is being answered */
	bool post;	     /* the item is about a post that still exists */
	bool remote;	     /* the account is another server's */
	bool suspended;	     /* the account is suspended */
	bool limited;	     /* the account is limited */
	bool media_rejected; /* its server's media are rejected */
	bool domain_limited; /* its server is limited */
};

/* Fills st's account and server fields for acct (item and post are the caller's). 0 or -1 +
 * err. */
int mod_target_state(struct arena *a, const struct account *acct, struct mod_target_state *st,
		     struct err *err);

/* Whether kind k makes sense for a target in state st: post actions need a post, domain
 * actions a remote account, a dismissal a queue item; nothing is suspended, limited or
 * rejected twice, nor lifted when it isn't in force. Role kinds never fit (core/roles.h). */
bool mod_kind_fits(enum mod_kind k, const struct mod_target_state *st);

#define MOD_REASON_MAX 1000 /* characters */
#define MOD_APPEAL_MAX 1000 /* characters */
#define MOD_SUSPEND_DAYS_MAX 3650
#define MOD_PAGE_SIZE 50

/* What a moderator decided. */
struct mod_draft {
	enum mod_kind kind;
	int64_t report_id;  /* the queue item this answers (0: none); closed unless a note */
	int64_t account_id; /* account actions (post actions take the post's author) */
	int64_t status_id;  /* post actions */
	const char *domain; /* domain actions; NULL: the account's domain */
	const char *reason; /* required, 1..MOD_REASON_MAX characters */
	const int64_t *rule_ids;
	int nrules;
	int suspend_days; /* suspend: 1..MOD_SUSPEND_DAYS_MAX, or 0 for "until lifted" */
	const char *cw;	  /* sensitive: a content warning for a post that has none */
};

/* Records and (unless it must wait for a second moderator) applies moderator's decision d,
 * in one transaction; the affected member is notified. s gives the two-person rule and the
 * purge delay. *id gets the action's id and *pending whether it waits (both may be NULL).
 * Errors, with nothing changed: ERR_FORBIDDEN when moderator isn't one, acts on themself, or
 * a moderator acts on a moderator's or admin's account (admins may); ERR_NOT_FOUND for an
 * unknown post, account or queue item; ERR_UNPROCESSABLE for a missing or too long reason,
 * no rule cited where one is needed, an unknown rule, a kind that doesn't fit the target
 * (a post action without a post, a domain action on a local account, defederating a domain
 * that isn't a peer), a bad suspension length; ERR_CONFLICT for a closed queue item or one
 * another moderator has claimed (core/queue.h: a claim is a lock). Answering a queue item
 * (report_id: any report of its group) closes every report of the group, unless it is a note,
 * and tells each member who reported it that it was answered. */
int mod_act(struct arena *a, const struct instance_settings *s, const struct account *moderator,
	    const struct mod_draft *d, int64_t *id, bool *pending, struct err *err);

/* A second moderator approves (approve true) or refuses a pending action. Approving applies
 * it (a timed suspension then lasts its full length from now; s gives the purge delay) and
 * notifies the member. ERR_NOT_FOUND, ERR_CONFLICT when not pending, ERR_FORBIDDEN
 * when moderator is the one who proposed it (or isn't a moderator). 0 or -1 + err. */
int mod_approve(struct arena *a, const struct instance_settings *s, const struct account *moderator,
		int64_t action_id, bool approve, struct err *err);

/* member appeals an action on their account or posts, once, with text (1..MOD_APPEAL_MAX
 * characters). ERR_NOT_FOUND unless the action is theirs and visible to them (done or
 * reversed, not a note or dismissal), ERR_UNPROCESSABLE for a kind that can't be appealed, a
 * suspension that was lifted (member is no longer suspended) or bad text, ERR_CONFLICT when
 * already appealed. 0 or -1 + err. */
int mod_appeal(struct arena *a, const struct account *member, int64_t action_id, const char *text,
	       struct err *err);

/* A moderator decides the open appeal of action_id: grant (the action is undone where it can
 * be — a deleted post can't come back — and marked reversed) or deny, with a decision text
 * (1..MOD_REASON_MAX characters). The member is notified. ERR_FORBIDDEN when moderator took
 * the action or approved it (two-person rule): another moderator must decide; or when they
 * aren't a moderator; ERR_NOT_FOUND when there
 * is no open appeal. 0 or -1 + err. */
int mod_appeal_decide(struct arena *a, const struct account *moderator, int64_t action_id,
		      bool grant, const char *decision, struct err *err);

/* Actions of a list (db/moderation.h explains each) below max_id (for the pending and appeals
 * lists: after it), MOD_PAGE_SIZE at most. The count, or -1 + err. */
int mod_list(struct arena *a, enum db_mod_list which, int64_t target_id, int64_t max_id,
	     struct mod_action_row **out, struct err *err);

/* Purges acct's data inside the caller's transaction: for a member of this node, each of
 * its posts is announced as deleting first (peers get a Delete while it can still be read),
 * then last (unless NULL: the actor's own Delete for a self-deletion, core/deletion.h) is
 * emitted, then db_account_purge removes everything. The one purge, shared by the
 * moderators' purge of a suspended account and by a member's deletion of their own. The
 * caller empties the media trash after its commit. 0, or -1 + err. */
int mod_purge_data(struct arena *a, const struct account *acct, const struct event *last,
		   struct err *err);

/* Periodic work: lifts timed suspensions that are over and purges the data of indefinitely
 * suspended accounts whose purge delay has passed (their local posts are deleted with a
 * Delete to peers). Does at most a batch per call. The number of accounts handled, or -1 +
 * err. */
int mod_sweep(struct arena *a, struct err *err);

#endif
