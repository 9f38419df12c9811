/* alerts.h - SQL for bad-date alerts (migration 0045): the alerts, their identifiers' keyed
 * hashes, redactions, the question thread, the moderators' log, members' flags and area
 * subscriptions. The rules (who may see and do what) live in core/alerts.c; times are Unix
 * seconds passed in, so that tests can move the clock. */
#ifndef PARASOL_DB_ALERTS_H
#define PARASOL_DB_ALERTS_H

#include <stdbool.h>
#include <stdint.h>

struct arena;
struct err;

/* One alert row; strings are the arena's. Times ISO 8601 UTC, "" when NULL. */
struct db_alert {
	int64_t id;
	int64_t reporter_id; /* 0: none (deleted account, or a partner's alert) */
	bool for_member;
	const char *state; /* pending, published, declined, withdrawn */
	const char *happened_on, *part_of_day, *area, *area_key;
	const char **categories;
	int ncategories;
	const char *severity, *summary;
	const char *phones, *handles, *emails, *names, *vehicle, *plates, *description,
		*first_contact;
	bool consent_members, consent_partners;
	const char *decline_reason; /* "" when none */
	const char *created_at, *published_at, *expires_at;
	bool expired;	    /* published, and expires_at is past */
	const char *reporter; /* the reporter's username ("" when none) */
	int open_flags;	    /* members' flags not yet closed */
	int messages;	    /* messages in the question thread */
	bool mine;	    /* set by core/alerts.c: the viewer filed it */
	const char *partner_domain; /* a partner's alert: its domain ("" for ours) */
	const char *share_id;	    /* ours as partners know it ("" until shared) */
	int64_t claimed_by;	    /* the moderator handling it in review (0: nobody) */
	const char *claimer;	    /* their username ("" when nobody) */
	const char *claimed_at;	    /* since when ("" when nobody) */
};

/* The fields a member writes (also what a redaction changes). */
struct db_alert_fields {
	const char *happened_on, *part_of_day, *area, *area_key;
	const char **categories;
	int ncategories;
	const char *severity, *summary;
	const char *phones, *handles, *emails, *names, *vehicle, *plates, *description,
		*first_contact;
	bool consent_members, consent_partners, for_member;
};

/* Inserts pending alert id of reporter_id, filed on filed_day (Unix time of a UTC midnight:
 * created_at keeps the day, never the time; core/alerts.c chooses id so that it doesn't tell
 * the time either). 0 or -1 + err. */
int db_alert_insert(struct arena *a, int64_t id, int64_t reporter_id, int64_t filed_day,
		    const struct db_alert_fields *f, struct err *err);

/* Replaces the alert's fields (state unchanged unless to_pending). 1 changed, 0 no such
 * alert, -1 + err. */
int db_alert_update(struct arena *a, int64_t id, const struct db_alert_fields *f,
		    bool to_pending, struct err *err);

/* Replaces the alert's identifier hashes: kinds[i] and digests[i] for i < n. 0 or -1. */
int db_alert_idents_set(struct arena *a, int64_t id, const char *const *kinds,
			const char *const *digests, int n, struct err *err);

/* The alert (locked FOR UPDATE when lock), now deciding `expired`. 1 found, 0 not, -1. */
int db_alert_get(struct arena *a, int64_t id, int64_t now, bool lock, struct db_alert *out,
		 struct err *err);

/* Lists (newest first, at most limit, ids below before when before > 0):
 *  DB_ALERTS_MINE: reporter_id's, every state;
 *  DB_ALERTS_PUBLISHED: published and not expired at now, in area_key when not NULL, with
 *    category when not NULL;
 *  DB_ALERTS_QUEUE: pending ones and published ones with open flags (oldest first).
 * The count (rows into *out, arena) or -1 + err. */
enum db_alert_list { DB_ALERTS_MINE, DB_ALERTS_PUBLISHED, DB_ALERTS_QUEUE };
int db_alerts_list(struct arena *a, enum db_alert_list which, int64_t reporter_id,
		   const char *area_key, const char *category, int64_t now, int64_t before,
		   int limit, struct db_alert **out, struct err *err);

/* Published, unexpired alerts holding an identifier of kind with digest (newest first, at
 * most limit). The count or -1 + err. */
int db_alerts_lookup(struct arena *a, const char *kind, const char *digest, int64_t now,
		     int limit, struct db_alert **out, struct err *err);

/* The areas of published unexpired alerts: keys[i], a display name names[i] (the newest
 * alert's spelling) and counts[i]. The count or -1 + err. */
int db_alert_areas(struct arena *a, int64_t now, const char ***keys, const char ***names,
		   int **counts, struct err *err);

/* Sets the state (and decline reason; published_at/expires_at when publishing, expires_at
 * when renewing: state "published" with expires set) and ends any claim on it. 1 changed, 0
 * not, -1 + err. */
/* Gives the claim on alert id to moderator holder (0: nobody) from now. 0 or -1 + err. */
int db_alert_claim_set(struct arena *a, int64_t id, int64_t holder, struct err *err);

int db_alert_set_state(struct arena *a, int64_t id, const char *state, const char *reason,
		       int64_t now, int64_t expires, struct err *err);

/* Keeps the fields before a redaction (a JSON object, made by SQL from the row). 0 or -1. */
int db_alert_keep_before(struct arena *a, int64_t id, int64_t moderator_id, struct err *err);

/* The redactions of an alert, oldest first: before[i] (JSON text), at[i]. Count or -1. */
int db_alert_redactions(struct arena *a, int64_t id, const char ***before, const char ***at,
			struct err *err);

/* A log line for the moderators (action as in migration 0045). 0 or -1 + err. */
int db_alert_log(struct arena *a, int64_t id, int64_t moderator_id, const char *action,
		 const char *reason, struct err *err);

/* One entry of the log or of the thread. */
struct db_alert_note {
	const char *kind;  /* log: the action; thread: "reporter" or "moderator" */
	const char *who;   /* the moderator's username ("" when none) */
	const char *text;
	const char *at;
};
int db_alert_log_list(struct arena *a, int64_t id, struct db_alert_note **out,
		      struct err *err);

/* Adds a message to the thread (moderator_id 0 for the reporter, whose messages keep the
 * day they were sent, not the time). 0 or -1 + err. */
int db_alert_message_add(struct arena *a, int64_t id, bool from_reporter, int64_t moderator_id,
			 const char *body, struct err *err);
int db_alert_messages(struct arena *a, int64_t id, struct db_alert_note **out,
		      struct err *err);

/* Members' flags: add one (it keeps the day, not the time); list an alert's open ones (who
 * is "" always: flaggers are not shown); close them all. */
int db_alert_flag_add(struct arena *a, int64_t id, int64_t account_id, const char *reason,
		      struct err *err);
int db_alert_flags_open(struct arena *a, int64_t id, struct db_alert_note **out,
			struct err *err);
int db_alert_flags_close(struct arena *a, int64_t id, struct err *err);

/* Area subscriptions of account_id: add (0 or -1), remove (1, 0 or -1), list with the
 * number of published unexpired alerts newer than the last visit (keys, names, news). */
int db_alert_subscribe(struct arena *a, int64_t account_id, const char *area_key,
		       struct err *err);
int db_alert_unsubscribe(struct arena *a, int64_t account_id, const char *area_key,
			 struct err *err);
int db_alert_subscriptions(struct arena *a, int64_t account_id, int64_t now, const char ***keys,
			   int **news, struct err *err);
/* Marks the area's alerts seen by account_id (up to the newest now). 0 or -1 + err. */
int db_alert_subscription_seen(struct arena *a, int64_t account_id, const char *area_key,
			       struct err *err);

/* Account deletion (core/deletion.c): the alerts account_id filed stay, without anything
 * linking them to it (reporter_id NULL); its flags lose their author; its subscriptions go.
 * 0 or -1 + err. */
int db_alerts_forget_account(struct arena *a, int64_t account_id, struct err *err);

/* Tells every member following the alert's area (not suspended, not deleted, not its
 * reporter) that it was published (a notification, migration 0047). 0 or -1 + err. */
int db_alert_notify_subscribers(struct arena *a, int64_t id, struct err *err);

/* --- partners (migration 0046) ------------------------------------------------------- */

/* Marks (on) or unmarks peer domain as an alert partner: 1 changed, 0 not (already so, or
 * not a peer when marking), -1 + err. */
int db_alert_partner_set(struct arena *a, const char *domain, bool on, struct err *err);

/* Whether our alert partners know as share_id is published, unexpired at now and shared
 * with the reporter's consent: 1, 0, -1 + err. */
int db_alert_share_live(struct arena *a, const char *share_id, int64_t now, struct err *err);

/* Deletes every alert partner domain sent (with what hangs on them). 0 or -1 + err. */
int db_alert_partner_forget(struct arena *a, const char *domain, struct err *err);
/* The partners' domains (arena). Count or -1 + err. */
int db_alert_partners(struct arena *a, const char ***out, struct err *err);
/* Whether domain is a partner: 1, 0, -1 + err. */
int db_alert_partner_is(struct arena *a, const char *domain, struct err *err);

/* The alert's share_id, made from token when it has none yet (arena). NULL + err. */
const char *db_alert_share_id(struct arena *a, int64_t id, const char *token, struct err *err);

/* Deletes the alert and what hangs on it (identifiers, thread, log, flags, notifications).
 * 0 or -1 + err. */
int db_alert_delete(struct arena *a, int64_t id, struct err *err);

/* Forgets the alert's share_id: partners were told it was withdrawn. 0 or -1 + err. */
int db_alert_share_forget(struct arena *a, int64_t id, struct err *err);

/* A partner's alert by its id there: the local id, 0 when unknown, -1 + err. */
int64_t db_alert_by_partner_uri(struct arena *a, const char *domain, const char *uri,
				struct err *err);
/* Stores a partner's alert (pending, no reporter, members may read it once published, never
 * shared on) expiring at Unix time expires; *id its local id. 0 or -1 + err. */
int db_alert_partner_insert(struct arena *a, const char *domain, const char *uri,
			    const struct db_alert_fields *f, int64_t expires, int64_t *id,
			    struct err *err);
/* Sets the alert's expiry to Unix time expires. 0 or -1 + err. */
int db_alert_set_expiry(struct arena *a, int64_t id, int64_t expires, struct err *err);

#endif
