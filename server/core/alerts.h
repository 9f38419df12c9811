/* alerts.h - bad-date alerts (issue 14, ../shared/SAFETY.md "Bad-date alerts"): members warn
 * each other about dangerous clients.
 *
 * A member (or a support worker, for a member who consented) files an alert; it waits for a
 * moderator, who publishes it (possibly redacted: the fields before the edit are kept for the
 * moderators), asks the reporter a question in a thread that keeps the reporter anonymous, or
 * declines it with a reason. Published alerts are read by members only, until they expire
 * (instance setting alerts_expiry_months, 12 by default; the reporter or a moderator renews).
 * Nobody but the reporter learns who filed an alert; moderators do only when the node's
 * alerts_show_reporter setting is on. Identifiers (phone numbers, handles, emails, plates) are
 * normalised (core/alertcheck.h) and stored as HMAC-SHA256 keyed hashes for the screening
 * lookup, with a key derived from the node key (data_dir/node.key): a copy of the database
 * alone can't test a guessed number. Every function answers ERR_NOT_FOUND for what the viewer
 * may not see, as if it didn't exist. now is Unix time (util/clock.h). Rows are the arena's. */
#ifndef PARASOL_CORE_ALERTS_H
#define PARASOL_CORE_ALERTS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/alertcheck.h"
#include "db/alerts.h"
#include "db/model.h"

struct arena;
struct err;
struct instance_settings;

#define ALERT_PAGE 20
#define ALERT_REASON_MAX 1000
#define ALERT_MESSAGE_MAX 2000
#define ALERT_EXPIRY_MONTHS_MAX 60

/* Loads (or makes) the node key in data_dir and derives the identifiers' HMAC key from it.
 * 0, or -1 + err. */
int alerts_init(const char *data_dir, struct err *err);

/* The keyed hash of a normalised identifier of kind: 64 hex digits (arena). */
char *alert_ident_digest(struct arena *a, enum alert_ident_kind kind, const char *value);

/* Files member's alert after alert_draft_check (with the node's country); *id gets its id,
 * which (like its created_at, the day alone) tells the day it was filed but not the time.
 * ERR_UNPROCESSABLE + *field as alert_draft_check says, or *field "for_member" when d is
 * filed for a member and member is not marked as a support worker (core/roles.h). 0, or
 * -1 + err. */
int alert_file(struct arena *a, const struct account *member, const struct instance_settings *s,
	       const struct alert_draft *d, int64_t now, int64_t *id, const char **field,
	       struct err *err);

/* The reporter changes their alert: checked as when filed (turning for_member on needs the
 * support-worker mark; an alert filed for a member keeps it without); it goes back to the queue
 * (pending) unless it was declined or withdrawn (ERR_CONFLICT then). 0 or -1 + err. */
int alert_edit(struct arena *a, const struct account *member, const struct instance_settings *s,
	       int64_t id, const struct alert_draft *d, int64_t now, const char **field,
	       struct err *err);

/* The reporter withdraws their alert: nobody else sees it any more. 0 or -1 + err. */
int alert_withdraw(struct arena *a, const struct account *member, int64_t id, struct err *err);

/* One alert as viewer may see it: the reporter sees their own in every state, moderators
 * every alert, other members published unexpired ones; reporter fields are blanked unless
 * viewer is a moderator and the node shows reporters. 0, or -1 + ERR_NOT_FOUND. */
int alert_get(struct arena *a, const struct account *viewer, const struct instance_settings *s,
	      int64_t id, int64_t now, struct db_alert *out, struct err *err);

/* viewer's own alerts, newest first (before: keyset bound, 0 for the first page). */
int alert_list_mine(struct arena *a, const struct account *viewer, int64_t before, int64_t now,
		    struct db_alert **out, struct err *err);

/* Published unexpired alerts for a member, newest first, in area (any spelling; NULL or ""
 * for all) and category (a name, NULL or "" for all; ERR_INVALID when unknown). Reading an
 * area one subscribes to marks its alerts seen. Count or -1 + err. */
int alert_list_published(struct arena *a, const struct account *viewer, const char *area,
			 const char *category, int64_t before, int64_t now, struct db_alert **out,
			 struct err *err);

/* The areas of published alerts (db_alert_areas). Count or -1 + err. */
int alert_areas(struct arena *a, const struct account *viewer, int64_t now, const char ***keys,
		const char ***names, int **counts, struct err *err);

/* The screening lookup: published unexpired alerts holding identifier value of kind ("phone",
 * "handle", "email", "plate"), normalised as when filed. ERR_UNPROCESSABLE when value can't
 * be one (a message saying why). Count or -1 + err. */
int alert_lookup(struct arena *a, const struct account *viewer, const struct instance_settings *s,
		 const char *kind, const char *value, int64_t now, struct db_alert **out,
		 struct err *err);

/* --- review (moderators; ERR_NOT_FOUND for anyone else) -------------------------------- */

/* A claim is a lock, as on reports (core/queue.h): while a moderator handles an alert in
 * review, another may publish, decline, ask or close its flags only after taking it over.
 * Claiming one's own does nothing; a decision (or closing the flags) ends the claim. */
enum alert_claim_op {
	ALERT_CLAIM,	 /* take an alert nobody handles */
	ALERT_RELEASE,	 /* give one's own back */
	ALERT_TAKE_OVER, /* take it from holder, the moderator the page showed */
};
/* Whether al is in review: pending, or published with open flags. */
bool alert_in_review(const struct db_alert *al);

/* mod claims, releases or takes over alert id (holder: for a take-over, the moderator who
 * held it when the page was read, so that a claim changed in between isn't taken unseen),
 * logged in alert_log. ERR_CONFLICT when the alert is not in review (pending, or published
 * with open flags), held by another (a claim), not held by mod (a release), or held by
 * nobody, by mod or by someone else than holder (a take-over). 0 or -1 + err. */
int alert_claim(struct arena *a, const struct account *mod, int64_t id, enum alert_claim_op op,
		int64_t holder, struct err *err);

/* Pending alerts and published ones members flagged, oldest first. Count or -1 + err. */
int alert_queue(struct arena *a, const struct account *mod, const struct instance_settings *s,
		int64_t now, struct db_alert **out, struct err *err);

/* The decisions below answer ERR_CONFLICT when another moderator holds the claim.
 * Publishes a pending alert (ERR_CONFLICT otherwise; ERR_UNPROCESSABLE when the reporter
 * didn't consent to members seeing it). redacted: the fields the moderator edited (NULL:
 * none), checked as a draft; the fields before are kept (alert_redactions). It expires after
 * the node's period from now. 0 or -1 + err (*field for a refused redaction). */
int alert_publish(struct arena *a, const struct account *mod, const struct instance_settings *s,
		  int64_t id, const struct alert_draft *redacted, int64_t now, const char **field,
		  struct err *err);

/* Declines a pending alert with a reason the reporter reads (1..1000 characters). */
int alert_decline(struct arena *a, const struct account *mod, int64_t id, const char *reason,
		  struct err *err);

/* A message in the alert's thread: a moderator's question (alert_ask) or the reporter's
 * answer (alert_reply); 1..2000 characters. 0 or -1 + err. */
int alert_ask(struct arena *a, const struct account *mod, int64_t id, const char *body,
	      struct err *err);
int alert_reply(struct arena *a, const struct account *member, int64_t id, const char *body,
		struct err *err);

/* The thread as viewer reads it: "who" is blanked for the reporter (a moderator) and for
 * moderators (the reporter). Count or -1 + err. */
int alert_thread(struct arena *a, const struct account *viewer, int64_t id,
		 struct db_alert_note **out, struct err *err);

/* What moderators read besides the alert: its log, its redactions, its open flags. */
struct alert_review {
	struct db_alert_note *log, *flags;
	int nlog, nflags;
	const char **before, **before_at;
	int nbefore;
};
int alert_review_get(struct arena *a, const struct account *mod, int64_t id,
		     struct alert_review *out, struct err *err);

/* Renews a published alert (expired or not) for the node's period from now: its reporter
 * or a moderator. 0 or -1 + err. */
int alert_renew(struct arena *a, const struct account *viewer, const struct instance_settings *s,
		int64_t id, int64_t now, struct err *err);

/* A member flags a published alert they can see as wrong or harmful (reason 1..1000). */
int alert_flag(struct arena *a, const struct account *member, int64_t id, const char *reason,
	       int64_t now, struct err *err);

/* A moderator closes an alert's flags (the alert stays published) with a reason. */
int alert_flags_close(struct arena *a, const struct account *mod, int64_t id,
		      const char *reason, struct err *err);

/* --- subscriptions ------------------------------------------------------------------- */

/* Subscribes member to area (checked as an alert's area) / ends it. 0 or -1 + err. */
int alert_subscribe(struct arena *a, const struct account *member, const char *area,
		    struct err *err);
int alert_unsubscribe(struct arena *a, const struct account *member, const char *area_key,
		      struct err *err);
/* member's areas (keys) and how many alerts were published there since their last look. */
int alert_subscriptions(struct arena *a, const struct account *member, int64_t now,
			const char ***keys, int **news, struct err *err);

/* --- settings (admins) ----------------------------------------------------------------- */

/* Stores the node's alert settings: country (alert_country_known), expiry months
 * (1..ALERT_EXPIRY_MONTHS_MAX), whether moderators see reporters. ERR_UNPROCESSABLE with
 * *field. 0 or -1 + err. */
int alert_settings_save(struct arena *a, const struct account *admin, const char *country,
			int months, bool show_reporter, const char **field, struct err *err);

/* --- partners (admins mark allowlisted peers; both sides must) ------------------------ */

/* Marks or unmarks peer domain as an alert partner (admins; ERR_NOT_FOUND for others,
 * ERR_UNPROCESSABLE when domain is not a peer). Unmarked, the alerts it sent are deleted
 * here: its withdrawals would no longer reach them. 0 or -1 + err. */
int alert_partner_set(struct arena *a, const struct account *admin, const char *domain,
		      bool on, struct err *err);
/* The partners' domains (admins). Count or -1 + err. */
int alert_partners(struct arena *a, const struct account *admin, const char ***out,
		   struct err *err);

/* What a partner's alert activity carries (ap/alerts.c reads it). */
struct alert_shared {
	const char *uri; /* its id at the partner */
	struct alert_draft d; /* identifiers as the partner normalised them */
	int64_t expires;      /* Unix time */
};

/* The node's country for phone numbers (instance setting alerts_country, else GB), for
 * callers without the settings at hand (the worker). */
const char *alert_node_country(struct arena *a);

/* Whether our alert named share_id (as partners know it) is still to be sent to them at
 * now: published, unexpired, its reporter's consent kept (a Create or Update queued before
 * it was withdrawn or changed must not go). 1, 0, or -1 + err. */
int alert_share_live(struct arena *a, const char *share_id, int64_t now, struct err *err);

/* Whether domain may send this node alerts: it is a partner here (ERR_FORBIDDEN, nothing
 * stored, when not). 0 or -1 + err. */
int alert_partner_check(struct arena *a, const char *domain, struct err *err);

/* A partner's alert checked as a draft, with an id and an endTime still to come (ERR_INVALID
 * with why when refused). 0 or -1. */
int alert_shared_check(struct arena *a, const struct alert_shared *in, int64_t now,
		       struct err *err);

/* Applies a partner's alert (Create or Update): a new one waits for review here; one known
 * gets the partner's expiry (never later than the node's own period from now), and goes
 * back to review when its text changed. 0 or -1 + err. */
int alert_partner_receive(struct arena *a, const char *domain, const struct alert_shared *in,
			  int64_t now, struct err *err);

/* The partner withdrew uri (Delete): its copy here is deleted, with everything about it (it
 * may hold what the reporter took back). 1 it was one of its alerts, 0 not, -1 + err. */
int alert_partner_withdraw(struct arena *a, const char *domain, const char *uri,
			   struct err *err);

/* The end (the next UTC midnight) of the day months calendar months after now (the day
 * clamped to the month's end): never the time of day now was. */
int64_t alert_expiry(int64_t now, int months);

#endif
