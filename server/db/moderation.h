/* moderation.h - SQL for moderators' actions (mod_actions), appeals, and what the actions
 * change: limited and suspended accounts, hidden or sensitive posts, domain policies, the
 * purge of suspended accounts. core/moderation.c decides; this file only reads and writes. */
#ifndef PARASOL_DB_MODERATION_H
#define PARASOL_DB_MODERATION_H

#include <stdbool.h>
#include <stdint.h>

struct arena;
struct err;

/* An action with what the pages show. Strings are arena-owned; NULL where SQL had NULL. */
struct mod_action_row {
	int64_t id;
	const char *kind;  /* mod_actions.kind, e.g. "suspend" */
	const char *state; /* "pending", "done", "reversed", "rejected" */
	int64_t moderator_id;
	const char *moderator_username; /* NULL once that account is gone */
	int64_t target_id;		/* 0: none (domain actions) or gone */
	const char *target_acct;	/* "name" or "name@domain" */
	bool target_local;		/* the target is this node's member */
	int64_t status_id;		/* 0: not about a post */
	const char *status_excerpt;	/* the post's text when acted on */
	const char *domain;
	int64_t report_id;
	const char *reason;
	int64_t *rule_ids;
	int nrules;
	const char *suspend_until; /* ISO 8601 */
	int64_t approved_by;
	const char *created_at; /* ISO 8601, UTC */
	const char *effective_at;
	/* the appeal, when there is one (appeal_id 0 otherwise) */
	int64_t appeal_id;
	const char *appeal_state; /* "open", "granted", "denied" */
	const char *appeal_text;
	const char *appeal_decision;
	int64_t appeal_decided_by;
	const char *appeal_created_at;
	const char *appeal_decided_at;
};

/* What db_mod_action_insert stores (the target's name and the post's text are copied from
 * their rows by the query). Zero ids mean none. */
struct mod_action_new {
	const char *kind;
	int64_t moderator_id;
	int64_t target_id;
	int64_t status_id;
	const char *domain;
	int64_t report_id;
	const char *reason;
	const int64_t *rule_ids;
	int nrules;
	int suspend_days; /* suspend: days until it ends; 0 = until lifted */
	bool pending;	  /* waits for a second moderator */
};

/* Stores an action (state "pending" or "done"; a done one is effective now); *id gets its id.
 * 0, or -1 + err. */
int db_mod_action_insert(struct arena *a, const struct mod_action_new *in, int64_t *id,
			 struct err *err);

/* The action id with its appeal, or NULL + ERR_NOT_FOUND. */
struct mod_action_row *db_mod_action_get(struct arena *a, int64_t id, struct err *err);

/* Moves an action from state `from` to `to` (approved_by: the second moderator, 0 for none;
 * to "done" also makes it effective now, moving a timed suspension's end by as long as it
 * waited). 1 when moved, 0 when it wasn't in `from`, -1 + err. */
int db_mod_action_transition(struct arena *a, int64_t id, const char *from, const char *to,
			     int64_t approved_by, struct err *err);

/* Whether an action on queue item report_id waits for a second moderator: 1 yes, 0 no,
 * -1 + err. */
int db_mod_action_pending_for_report(struct arena *a, int64_t report_id, struct err *err);

/* Which actions a list shows. */
enum db_mod_list {
	DB_MOD_LOG,	/* the members' log: done or reversed, without dismissals and notes */
	DB_MOD_TARGET,	/* everything about one account (moderators' context), notes included */
	DB_MOD_MINE,	/* what a member sees about themself: DB_MOD_LOG's rule, one target */
	DB_MOD_PENDING, /* waiting for a second moderator */
	DB_MOD_APPEALS, /* with an open appeal (oldest appeal first) */
	DB_MOD_LIST__MAX
};

/* Actions of list `which` (target_id for DB_MOD_TARGET and DB_MOD_MINE) with ids below max_id
 * (0: no bound), newest first except DB_MOD_APPEALS; at most limit. *out is arena-owned.
 * The count, or -1 + err. */
int db_mod_actions_list(struct arena *a, enum db_mod_list which, int64_t target_id, int64_t max_id,
			int limit, struct mod_action_row **out, struct err *err);

/* ---- what actions change ---- */

/* Marks a post sensitive, with cw as its content warning when the post has none (cw may be
 * NULL or ""), or clears the mark (sensitive false; the warning stays). 1, 0 when no such
 * post, -1 + err. */
int db_status_set_sensitive(struct arena *a, int64_t status_id, bool sensitive, const char *cw,
			    struct err *err);

/* Hides a post from timelines, or shows it again. 1, 0 when no such post, -1 + err. */
int db_status_set_hidden(struct arena *a, int64_t status_id, bool hidden, struct err *err);

/* Deletes any post (a moderator's delete). 1, 0 when no such post, -1 + err. */
int db_status_delete_any(struct arena *a, int64_t status_id, struct err *err);

/* Limits or unlimits an account. 1, 0 when no such account, -1 + err. */
int db_account_set_limited(struct arena *a, int64_t id, bool limited, struct err *err);

/* Suspends an account until the end action_id gives (its suspend_until; NULL: until lifted),
 * its data purged after purge_days when the suspension is indefinite (purge_days < 0: never).
 * Sessions stay, so that a member can still read their actions and appeal.
 * 1, 0 when no such account, -1 + err. */
int db_account_suspend(struct arena *a, int64_t id, int64_t action_id, int purge_days,
		       struct err *err);

/* Lifts a suspension (never from a member who deleted their account). 1, 0 when the
 * account wasn't suspended (or is such a member), -1 + err. */
int db_account_unsuspend(struct arena *a, int64_t id, struct err *err);

/* Sets one domain policy ("reject_media" or "limited") to on. 0, or -1 + err. */
int db_domain_policy_set(struct arena *a, const char *domain, const char *policy, bool on,
			 struct err *err);

/* The domain's policies (false when none). 0, or -1 + err. */
int db_domain_policy_get(struct arena *a, const char *domain, bool *reject_media, bool *limited,
			 struct err *err);

/* Ids of the accounts whose timed suspension is over (at most limit). The count, -1 + err. */
int db_suspensions_over(struct arena *a, int limit, int64_t **out, struct err *err);

/* Ids of the suspended accounts whose purge is due and not done (at most limit). */
int db_purges_due(struct arena *a, int limit, int64_t **out, struct err *err);

/* Deletes a suspended account's posts, follows, follow requests, likes, bookmarks, pins,
 * notifications, mutes and blocks, its picture and header (their files queued in
 * media_trash), empties its profile, and marks it purged. 0, or -1 + err. */
int db_account_purge(struct arena *a, int64_t id, struct err *err);

/* The author of post status_id (not a boost), 0 when there is no such post, -1 + err. */
int64_t db_status_author_of(struct arena *a, int64_t status_id, struct err *err);

/* The ids of an account's posts (not boosts), oldest first. The count, or -1 + err. */
int db_account_status_ids(struct arena *a, int64_t account_id, int64_t **out, struct err *err);

/* ---- appeals ---- */

/* Files account_id's appeal of action_id. 1 when stored, 0 when the action already has one;
 * -1 + err. */
int db_appeal_insert(struct arena *a, int64_t action_id, int64_t account_id, const char *text,
		     struct err *err);

/* Decides the open appeal of action_id ("granted" or "denied"). 1, 0 when no open appeal, -1 +
 * err. */
int db_appeal_decide(struct arena *a, int64_t action_id, const char *state, int64_t moderator_id,
		     const char *decision, struct err *err);

/* ---- notifications ---- */

/* Tells account_id about action_id: type "moderation" (an action on them) or "appeal" (their
 * appeal was decided). 0, or -1 + err. */
int db_notification_moderation(struct arena *a, int64_t account_id, const char *type,
			       int64_t action_id, struct err *err);

#endif
