/* alerts.c - see alerts.h. */
#include "core/alerts.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/events.h"
#include "core/roles.h"
#include "core/settings.h"
#include "core/twofactor.h"
#include "db/db.h"
#include "db/settings.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/secretbox.h"
#include "util/utf8.h"

static unsigned char ident_key[32];
static bool ident_key_loaded;

int
alerts_init(const char *data_dir, struct err *err)
{
	char path[4096];
	unsigned char node_key[SECRETBOX_KEY_BYTES];
	if (snprintf(path, sizeof path, "%s/%s", data_dir, TWOFACTOR_KEY_FILE) >= (int)sizeof path)
		return err_set(err, ERR_INTERNAL, NULL, "data_dir is too long");
	mkdir(data_dir, 0700); /* a fresh node's: the key file's load says when it fails */
	if (secretbox_key_load(path, node_key, err) != 0)
		return -1;
	/* a key of its own, so that the identifiers' hashes and sealed secrets never share one */
	static const char purpose[] = "parasol alert identifiers";
	unsigned int n = sizeof ident_key;
	if (HMAC(EVP_sha256(), node_key, sizeof node_key, (const unsigned char *)purpose,
		 sizeof purpose - 1, ident_key, &n) == NULL)
		return err_set(err, ERR_INTERNAL, NULL, "alerts: HMAC failed");
	memset(node_key, 0, sizeof node_key);
	ident_key_loaded = true;
	return 0;
}

char *
alert_ident_digest(struct arena *a, enum alert_ident_kind kind, const char *value)
{
	char *msg = arena_printf(a, "%s:%s", alert_ident_names[kind], value);
	unsigned char mac[32];
	unsigned int n = sizeof mac;
	char *hex = arena_alloc(a, 65);
	if (!ident_key_loaded ||
	    HMAC(EVP_sha256(), ident_key, sizeof ident_key, (const unsigned char *)msg,
		 strlen(msg), mac, &n) == NULL)
		return NULL;
	for (unsigned int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", mac[i]);
	return hex;
}

int64_t
alert_expiry(int64_t now, int months)
{
	time_t t = (time_t)now;
	struct tm tm;
	gmtime_r(&t, &tm);
	int day = tm.tm_mday;
	tm.tm_mon += months;
	tm.tm_mday = 1;
	time_t first = timegm(&tm); /* normalises the month and year */
	gmtime_r(&first, &tm);
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y = tm.tm_year + 1900;
	int last = days[tm.tm_mon] + (tm.tm_mon == 1 && (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)));
	tm.tm_mday = day < last ? day : last;
	/* to the end of that day: an expiry to the second would tell members when the alert
	 * was published or renewed, that is when its reporter (or a moderator) was active */
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	return (int64_t)timegm(&tm) + 86400;
}

static bool
is_moderator(const struct account *viewer)
{
	return viewer != NULL && viewer->role >= ROLE_MODERATOR && !viewer->suspended;
}

static int
not_found(struct err *err, int64_t id)
{
	return err_set(err, ERR_NOT_FOUND, "There is no such alert.", "alert %lld",
		       (long long)id);
}

/* What a viewer other than a moderator of a node that shows reporters must not learn. */
static void
hide_reporter(const struct account *viewer, const struct instance_settings *s,
	      struct db_alert *al)
{
	al->mine = viewer != NULL && al->reporter_id != 0 && al->reporter_id == viewer->id;
	if (!(is_moderator(viewer) && s != NULL && s->alerts_show_reporter)) {
		al->reporter_id = 0;
		al->reporter = "";
	}
}

/* The checked draft as the row's fields. */
static void
fields_of(const struct alert_checked *c, struct arena *a, struct db_alert_fields *f)
{
	const struct alert_draft *d = &c->d;
	*f = (struct db_alert_fields){
		.happened_on = d->happened_on, .part_of_day = d->part_of_day, .area = d->area,
		.area_key = alert_area_key(a, d->area), .severity = d->severity,
		.summary = d->summary, .phones = d->phones, .handles = d->handles,
		.emails = d->emails, .names = d->names, .vehicle = d->vehicle,
		.plates = d->plates, .description = d->description,
		.first_contact = d->first_contact, .consent_members = d->consent_members,
		.consent_partners = d->consent_partners, .for_member = d->for_member};
	f->categories = arena_alloc(a, sizeof *f->categories * ALERT_CATEGORY__MAX);
	for (int k = 0; k < ALERT_CATEGORY__MAX; k++)
		if (c->categories & (1u << k))
			f->categories[f->ncategories++] = alert_category_names[k];
}

/* Stores the checked identifiers' hashes for alert id. 0 or -1 + err. */
static int
store_idents(struct arena *a, int64_t id, const struct alert_checked *c, struct err *err)
{
	const char **kinds = arena_alloc(a, sizeof *kinds * (size_t)(c->nidents + 1));
	const char **digests = arena_alloc(a, sizeof *digests * (size_t)(c->nidents + 1));
	for (int i = 0; i < c->nidents; i++) {
		kinds[i] = alert_ident_names[c->idents[i].kind];
		digests[i] = alert_ident_digest(a, c->idents[i].kind, c->idents[i].value);
		if (digests[i] == NULL)
			return err_set(err, ERR_INTERNAL, NULL, "alerts: no identifier key");
	}
	return db_alert_idents_set(a, id, kinds, digests, c->nidents, err);
}

/* Tells the partners (ap/alerts.c, through core/events.h) about al, in the caller's
 * transaction: a published alert of ours its reporter let partners have (kind
 * EV_ALERT_SHARED: a Create, or an Update when it went to them before), or a shared one
 * withdrawn (EV_ALERT_UNSHARED). A partner's alert never goes further. 0 or -1 + err. */
static int
share(struct arena *a, const struct db_alert *al, enum event_kind kind, struct err *err)
{
	if (*al->partner_domain || (kind == EV_ALERT_SHARED && !al->consent_partners))
		return 0;
	struct event ev = {.kind = kind, .object_id = al->id, .again = *al->share_id != '\0'};
	return events_emit(a, &ev, err);
}

/* The id of an alert filed at now: a random instant of now's UTC day, in the layout of
 * parasol_id() (milliseconds << 16 | 16 more bits), so that it still sorts by day but tells
 * nobody when in the day it was filed (a time to the millisecond, and a place in the node's
 * sequence among the posts around it, would point at whoever was active then). *day gets
 * the day's midnight. 0, or -1 + ERR_INTERNAL. */
static int
hidden_id(int64_t now, int64_t *day, int64_t *id, struct err *err)
{
	uint64_t r;
	if (RAND_bytes((unsigned char *)&r, sizeof r) != 1)
		return err_set(err, ERR_INTERNAL, NULL, "alerts: RAND_bytes failed");
	*day = now - now % 86400;
	int64_t ms = *day * 1000 + (int64_t)((r >> 16) % 86400000u);
	*id = (int64_t)(((uint64_t)ms << 16) | (r & 0xffffu));
	return 0;
}

/* Only an account an admin marked as a support worker files for a member: 0, or -1 +
 * ERR_UNPROCESSABLE (*field "for_member") or another err. */
static int
support_check(struct arena *a, const struct account *member, const char **field,
	      struct err *err)
{
	int on = roles_is_support_worker(a, member, err);
	if (on < 0)
		return -1;
	if (on == 0) {
		*field = "for_member";
		return err_set(err, ERR_UNPROCESSABLE,
			       "Only accounts an admin marked as support workers can file an alert for "
			       "a member.",
			       "alert for a member by a non-support-worker");
	}
	return 0;
}

int
alert_file(struct arena *a, const struct account *member, const struct instance_settings *s,
	   const struct alert_draft *d, int64_t now, int64_t *id, const char **field,
	   struct err *err)
{
	struct alert_checked c;
	if (member == NULL || member->suspended)
		return not_found(err, 0);
	if (alert_draft_check(a, d, now, s->alerts_country, &c, field, err) != 0)
		return -1;
	if (d->for_member && support_check(a, member, field, err) != 0)
		return -1;
	struct db_alert_fields f;
	fields_of(&c, a, &f);
	int64_t day;
	if (hidden_id(now, &day, id, err) != 0 || db_begin(err) != 0)
		return -1;
	if (db_alert_insert(a, *id, member->id, day, &f, err) != 0 ||
	    store_idents(a, *id, &c, err) != 0) {
		db_rollback();
		return -1;
	}
	return db_commit(err);
}

/* Loads alert id locked for an action of its reporter: ERR_NOT_FOUND when member is not. */
static int
load_own(struct arena *a, const struct account *member, int64_t id, struct db_alert *al,
	 struct err *err)
{
	int found = db_alert_get(a, id, 0, true, al, err);
	if (found < 0)
		return -1;
	if (found == 0 || member == NULL || al->reporter_id != member->id)
		return not_found(err, id);
	return 0;
}

int
alert_edit(struct arena *a, const struct account *member, const struct instance_settings *s,
	   int64_t id, const struct alert_draft *d, int64_t now, const char **field,
	   struct err *err)
{
	*field = NULL;
	struct alert_checked c;
	if (alert_draft_check(a, d, now, s->alerts_country, &c, field, err) != 0)
		return -1;
	struct db_alert_fields f;
	fields_of(&c, a, &f);
	struct db_alert al;
	if (db_begin(err) != 0)
		return -1;
	if (load_own(a, member, id, &al, err) != 0)
		goto fail;
	if (strcmp(al.state, "pending") != 0 && strcmp(al.state, "published") != 0) {
		err_set(err, ERR_CONFLICT, "This alert was declined or withdrawn: it can't be changed.",
			"alert %lld is %s", (long long)id, al.state);
		goto fail;
	}
	if (d->for_member && !al.for_member && support_check(a, member, field, err) != 0)
		goto fail;
	if (db_alert_update(a, id, &f, true, err) < 0 || store_idents(a, id, &c, err) != 0)
		goto fail;
	/* partners lose the version they had (it may hold what the reporter took out); once
	 * published again it goes to them as a new alert */
	if (*al.share_id &&
	    (share(a, &al, EV_ALERT_UNSHARED, err) != 0 || db_alert_share_forget(a, id, err) != 0))
		goto fail;
	return db_commit(err);
fail:
	db_rollback();
	return -1;
}

int
alert_withdraw(struct arena *a, const struct account *member, int64_t id, struct err *err)
{
	struct db_alert al;
	if (db_begin(err) != 0)
		return -1;
	if (load_own(a, member, id, &al, err) != 0 ||
	    db_alert_set_state(a, id, "withdrawn", NULL, 0, 0, err) < 0 ||
	    (*al.share_id && share(a, &al, EV_ALERT_UNSHARED, err) != 0)) {
		db_rollback();
		return -1;
	}
	return db_commit(err);
}

/* Whether viewer may read al (at now, expired computed by the query). */
static bool
may_see(const struct account *viewer, const struct db_alert *al)
{
	if (viewer == NULL || viewer->suspended || !viewer->approved || viewer->domain != NULL)
		return false;
	if (is_moderator(viewer) || (al->reporter_id != 0 && al->reporter_id == viewer->id))
		return true;
	return strcmp(al->state, "published") == 0 && !al->expired;
}

int
alert_get(struct arena *a, const struct account *viewer, const struct instance_settings *s,
	  int64_t id, int64_t now, struct db_alert *out, struct err *err)
{
	int found = db_alert_get(a, id, now, false, out, err);
	if (found < 0)
		return -1;
	if (found == 0 || !may_see(viewer, out))
		return not_found(err, id);
	hide_reporter(viewer, s, out);
	return 0;
}

static bool
member_ok(const struct account *viewer)
{
	return viewer != NULL && !viewer->suspended && viewer->approved && viewer->domain == NULL;
}

static void
hide_all(const struct account *viewer, const struct instance_settings *s, struct db_alert *rows,
	 int n)
{
	for (int i = 0; i < n; i++)
		hide_reporter(viewer, s, &rows[i]);
}

int
alert_list_mine(struct arena *a, const struct account *viewer, int64_t before, int64_t now,
		struct db_alert **out, struct err *err)
{
	if (!member_ok(viewer))
		return not_found(err, 0);
	int n = db_alerts_list(a, DB_ALERTS_MINE, viewer->id, NULL, NULL, now, before,
			       ALERT_PAGE + 1, out, err);
	if (n > 0)
		hide_all(viewer, NULL, *out, n);
	return n;
}

int
alert_list_published(struct arena *a, const struct account *viewer, const char *area,
		     const char *category, int64_t before, int64_t now, struct db_alert **out,
		     struct err *err)
{
	if (!member_ok(viewer))
		return not_found(err, 0);
	const char *key = area != NULL && *area ? alert_area_key(a, area) : NULL;
	if (category != NULL && *category == '\0')
		category = NULL;
	if (category != NULL &&
	    alert_enum_parse(alert_category_names, ALERT_CATEGORY__MAX, category) < 0)
		return err_set(err, ERR_INVALID, "Choose the categories from the list.",
			       "unknown alert category");
	int n = db_alerts_list(a, DB_ALERTS_PUBLISHED, 0, key, category, now, before,
			       ALERT_PAGE + 1, out, err);
	if (n < 0)
		return -1;
	hide_all(viewer, NULL, *out, n);
	if (key != NULL && before == 0)
		db_alert_subscription_seen(a, viewer->id, key, err); /* best effort */
	return n;
}

int
alert_areas(struct arena *a, const struct account *viewer, int64_t now, const char ***keys,
	    const char ***names, int **counts, struct err *err)
{
	if (!member_ok(viewer))
		return not_found(err, 0);
	return db_alert_areas(a, now, keys, names, counts, err);
}

int
alert_lookup(struct arena *a, const struct account *viewer, const struct instance_settings *s,
	     const char *kind, const char *value, int64_t now, struct db_alert **out,
	     struct err *err)
{
	if (!member_ok(viewer))
		return not_found(err, 0);
	int k = alert_enum_parse(alert_ident_names, ALERT_ID__MAX, kind);
	if (k < 0)
		return err_set(err, ERR_UNPROCESSABLE, "Choose what to look up from the list.",
			       "lookup kind");
	if (value == NULL || strlen(value) > ALERT_FIELD_MAX)
		return err_set(err, ERR_UNPROCESSABLE, "That is too long to be an identifier.",
			       "lookup too long");
	char *norm = alert_ident_normalise(a, (enum alert_ident_kind)k, value, s->alerts_country);
	if (norm == NULL)
		return err_set(err, ERR_UNPROCESSABLE,
			       "That can't be looked up: check the number, handle, email or plate.",
			       "lookup value refused");
	const char *digest = alert_ident_digest(a, (enum alert_ident_kind)k, norm);
	if (digest == NULL)
		return err_set(err, ERR_INTERNAL, NULL, "alerts: no identifier key");
	int n = db_alerts_lookup(a, alert_ident_names[k], digest, now, ALERT_PAGE, out, err);
	if (n > 0)
		hide_all(viewer, s, *out, n);
	return n;
}

/* --- review ------------------------------------------------------------------------- */

int
alert_queue(struct arena *a, const struct account *mod, const struct instance_settings *s,
	    int64_t now, struct db_alert **out, struct err *err)
{
	if (!is_moderator(mod))
		return not_found(err, 0);
	int n = db_alerts_list(a, DB_ALERTS_QUEUE, 0, NULL, NULL, now, 0, 200, out, err);
	if (n > 0)
		hide_all(mod, s, *out, n);
	return n;
}

/* Loads alert id locked for a moderator's action. */
static int
load_for_mod(struct arena *a, const struct account *mod, int64_t id, int64_t now,
	     struct db_alert *al, struct err *err)
{
	if (!is_moderator(mod))
		return not_found(err, id);
	int found = db_alert_get(a, id, now, true, al, err);
	if (found < 0)
		return -1;
	return found == 0 ? not_found(err, id) : 0;
}

/* load_for_mod for a decision: ERR_CONFLICT when another moderator holds the claim. */
static int
load_to_act(struct arena *a, const struct account *mod, int64_t id, int64_t now,
	    struct db_alert *al, struct err *err)
{
	if (load_for_mod(a, mod, id, now, al, err) != 0)
		return -1;
	if (al->claimed_by != 0 && al->claimed_by != mod->id)
		return err_set(err, ERR_CONFLICT,
			       "Another moderator is handling this alert: take it over to act on it.",
			       "alert %lld claimed by %lld", (long long)id,
			       (long long)al->claimed_by);
	return 0;
}

bool
alert_in_review(const struct db_alert *al)
{
	return strcmp(al->state, "pending") == 0 ||
	       (strcmp(al->state, "published") == 0 && al->open_flags > 0);
}

int
alert_claim(struct arena *a, const struct account *mod, int64_t id, enum alert_claim_op op,
	    int64_t holder, struct err *err)
{
	struct db_alert al;
	if (db_begin(err) != 0)
		return -1;
	if (load_for_mod(a, mod, id, 0, &al, err) != 0)
		goto fail;
	const char *action = NULL;
	if (!alert_in_review(&al))
		err_set(err, ERR_CONFLICT, "This alert is not waiting for review any more.",
			"alert %lld not in review", (long long)id);
	else if (op == ALERT_CLAIM && al.claimed_by == mod->id)
		return db_commit(err); /* held already */
	else if (op == ALERT_CLAIM && al.claimed_by != 0)
		err_set(err, ERR_CONFLICT,
			"Another moderator is handling this alert: take it over to act on it.",
			"alert %lld claimed by %lld", (long long)id, (long long)al.claimed_by);
	else if (op == ALERT_RELEASE && al.claimed_by != mod->id)
		err_set(err, ERR_CONFLICT, "You are not handling this alert.",
			"alert %lld not held by %lld", (long long)id, (long long)mod->id);
	else if (op == ALERT_TAKE_OVER &&
		 (al.claimed_by == 0 || al.claimed_by == mod->id || al.claimed_by != holder))
		err_set(err, ERR_CONFLICT,
			"Who is handling this alert changed meanwhile: look again before taking it "
			"over.",
			"alert %lld: take-over of %lld, held by %lld", (long long)id,
			(long long)holder, (long long)al.claimed_by);
	else
		action = op == ALERT_CLAIM ? "claim" : op == ALERT_RELEASE ? "release" : "take_over";
	if (action == NULL ||
	    db_alert_claim_set(a, id, op == ALERT_RELEASE ? 0 : mod->id, err) != 0 ||
	    db_alert_log(a, id, mod->id, action, "", err) != 0)
		goto fail;
	return db_commit(err);
fail:
	db_rollback();
	return -1;
}

static int
check_text(const char *text, size_t max, const char *msg, struct err *err)
{
	if (text == NULL || !utf8_valid(text, strlen(text)) || utf8_chars(text) > max)
		return err_set(err, ERR_UNPROCESSABLE, msg, "alert text refused");
	for (const char *p = text; *p; p++)
		if (*p != ' ' && *p != '\n' && *p != '\r' && *p != '\t')
			return 0;
	return err_set(err, ERR_UNPROCESSABLE, msg, "alert text empty");
}

int
alert_publish(struct arena *a, const struct account *mod, const struct instance_settings *s,
	      int64_t id, const struct alert_draft *redacted, int64_t now, const char **field,
	      struct err *err)
{
	*field = NULL;
	struct db_alert al;
	struct alert_checked c;
	if (db_begin(err) != 0)
		return -1;
	if (load_to_act(a, mod, id, now, &al, err) != 0)
		goto fail;
	if (strcmp(al.state, "pending") != 0) {
		err_set(err, ERR_CONFLICT, "Only an alert waiting for review can be published.",
			"alert %lld is %s", (long long)id, al.state);
		goto fail;
	}
	if (!al.consent_members) {
		err_set(err, ERR_UNPROCESSABLE,
			"The reporter did not agree to members seeing this alert: ask them, or decline it.",
			"alert %lld without consent", (long long)id);
		goto fail;
	}
	if (redacted != NULL) {
		if (alert_draft_check(a, redacted, now, s->alerts_country, &c, field, err) != 0)
			goto fail;
		struct db_alert_fields f;
		fields_of(&c, a, &f);
		if (db_alert_keep_before(a, id, mod->id, err) != 0 ||
		    db_alert_update(a, id, &f, false, err) < 0 || store_idents(a, id, &c, err) != 0 ||
		    db_alert_log(a, id, mod->id, "redact", "", err) != 0)
			goto fail;
	}
	if (db_alert_set_state(a, id, "published", NULL, now,
			       alert_expiry(now, s->alerts_expiry_months), err) < 0 ||
	    db_alert_log(a, id, mod->id, "publish", "", err) != 0 ||
	    share(a, &al, EV_ALERT_SHARED, err) != 0 ||
	    (*al.published_at == '\0' && db_alert_notify_subscribers(a, id, err) != 0))
		goto fail;
	return db_commit(err);
fail:
	db_rollback();
	return -1;
}

int
alert_decline(struct arena *a, const struct account *mod, int64_t id, const char *reason,
	      struct err *err)
{
	struct db_alert al;
	if (check_text(reason, ALERT_REASON_MAX, "Give a reason of 1 to 1000 characters.", err) != 0)
		return -1;
	if (db_begin(err) != 0)
		return -1;
	if (load_to_act(a, mod, id, 0, &al, err) != 0)
		goto fail;
	if (strcmp(al.state, "pending") != 0) {
		err_set(err, ERR_CONFLICT, "Only an alert waiting for review can be declined.",
			"alert %lld is %s", (long long)id, al.state);
		goto fail;
	}
	if (db_alert_set_state(a, id, "declined", reason, 0, 0, err) < 0 ||
	    db_alert_log(a, id, mod->id, "decline", reason, err) != 0)
		goto fail;
	return db_commit(err);
fail:
	db_rollback();
	return -1;
}

int
alert_ask(struct arena *a, const struct account *mod, int64_t id, const char *body,
	  struct err *err)
{
	struct db_alert al;
	if (check_text(body, ALERT_MESSAGE_MAX, "Write a message of 1 to 2000 characters.", err) != 0)
		return -1;
	if (db_begin(err) != 0)
		return -1;
	if (load_to_act(a, mod, id, 0, &al, err) != 0 ||
	    db_alert_message_add(a, id, false, mod->id, body, err) != 0 ||
	    db_alert_log(a, id, mod->id, "ask", "", err) != 0) {
		db_rollback();
		return -1;
	}
	return db_commit(err);
}

int
alert_reply(struct arena *a, const struct account *member, int64_t id, const char *body,
	    struct err *err)
{
	struct db_alert al;
	if (db_begin(err) != 0)
		return -1;
	/* whose alert first: anyone else learns nothing, not even what a message may hold */
	if (load_own(a, member, id, &al, err) != 0 ||
	    check_text(body, ALERT_MESSAGE_MAX, "Write a message of 1 to 2000 characters.",
		       err) != 0 ||
	    db_alert_message_add(a, id, true, 0, body, err) != 0) {
		db_rollback();
		return -1;
	}
	return db_commit(err);
}

int
alert_thread(struct arena *a, const struct account *viewer, int64_t id,
	     struct db_alert_note **out, struct err *err)
{
	struct db_alert al;
	int found = db_alert_get(a, id, 0, false, &al, err);
	if (found < 0)
		return -1;
	bool mine = found && viewer && al.reporter_id != 0 && al.reporter_id == viewer->id;
	if (!found || !(mine || is_moderator(viewer)))
		return not_found(err, id);
	int n = db_alert_messages(a, id, out, err);
	for (int i = 0; i < n; i++)
		(*out)[i].who = ""; /* "a moderator" / "the reporter": no names either way */
	return n;
}

int
alert_review_get(struct arena *a, const struct account *mod, int64_t id,
		 struct alert_review *out, struct err *err)
{
	memset(out, 0, sizeof *out);
	if (!is_moderator(mod))
		return not_found(err, id);
	if ((out->nlog = db_alert_log_list(a, id, &out->log, err)) < 0 ||
	    (out->nflags = db_alert_flags_open(a, id, &out->flags, err)) < 0 ||
	    (out->nbefore = db_alert_redactions(a, id, &out->before, &out->before_at, err)) < 0)
		return -1;
	return 0;
}

int
alert_renew(struct arena *a, const struct account *viewer, const struct instance_settings *s,
	    int64_t id, int64_t now, struct err *err)
{
	struct db_alert al;
	if (db_begin(err) != 0)
		return -1;
	int found = db_alert_get(a, id, now, true, &al, err);
	if (found < 0)
		goto fail;
	bool mine = found && viewer && al.reporter_id != 0 && al.reporter_id == viewer->id;
	if (!found || !member_ok(viewer) || !(mine || is_moderator(viewer))) {
		not_found(err, id);
		goto fail;
	}
	if (strcmp(al.state, "published") != 0 || *al.partner_domain) {
		err_set(err, ERR_CONFLICT,
			*al.partner_domain ? "A partner's alert is renewed by the partner."
					   : "Only a published alert can be renewed.",
			"alert %lld is %s", (long long)id, al.state);
		goto fail;
	}
	if (db_alert_set_state(a, id, "published", NULL, now,
			       alert_expiry(now, s->alerts_expiry_months), err) < 0 ||
	    (is_moderator(viewer) && !mine &&
	     db_alert_log(a, id, viewer->id, "renew", "", err) != 0) ||
	    (*al.share_id && share(a, &al, EV_ALERT_SHARED, err) != 0))
		goto fail;
	return db_commit(err);
fail:
	db_rollback();
	return -1;
}

int
alert_flag(struct arena *a, const struct account *member, int64_t id, const char *reason,
	   int64_t now, struct err *err)
{
	struct db_alert al;
	if (check_text(reason, ALERT_REASON_MAX, "Give a reason of 1 to 1000 characters.", err) != 0)
		return -1;
	int found = db_alert_get(a, id, now, false, &al, err);
	if (found < 0)
		return -1;
	if (!found || !may_see(member, &al) || strcmp(al.state, "published") != 0 || al.expired)
		return not_found(err, id);
	return db_alert_flag_add(a, id, member->id, reason, err);
}

int
alert_flags_close(struct arena *a, const struct account *mod, int64_t id, const char *reason,
		  struct err *err)
{
	struct db_alert al;
	if (check_text(reason, ALERT_REASON_MAX, "Give a reason of 1 to 1000 characters.", err) != 0)
		return -1;
	if (db_begin(err) != 0)
		return -1;
	if (load_to_act(a, mod, id, 0, &al, err) != 0 || db_alert_flags_close(a, id, err) != 0 ||
	    db_alert_claim_set(a, id, 0, err) != 0 ||
	    db_alert_log(a, id, mod->id, "flag_closed", reason, err) != 0) {
		db_rollback();
		return -1;
	}
	return db_commit(err);
}

/* --- subscriptions ------------------------------------------------------------------ */

int
alert_subscribe(struct arena *a, const struct account *member, const char *area,
		struct err *err)
{
	if (!member_ok(member))
		return not_found(err, 0);
	if (area == NULL || !utf8_valid(area, strlen(area)) ||
	    utf8_chars(arena_strtrim(a, area)) < ALERT_AREA_MIN ||
	    utf8_chars(area) > ALERT_AREA_MAX)
		return err_set(err, ERR_UNPROCESSABLE,
			       "Name the area in 2 to 80 characters: a neighbourhood, district or town.",
			       "subscription area");
	return db_alert_subscribe(a, member->id, alert_area_key(a, area), err);
}

int
alert_unsubscribe(struct arena *a, const struct account *member, const char *area_key,
		  struct err *err)
{
	if (!member_ok(member))
		return not_found(err, 0);
	int rc = db_alert_unsubscribe(a, member->id, alert_area_key(a, area_key), err);
	if (rc == 0)
		return err_set(err, ERR_NOT_FOUND, "You don't follow that area.", "no subscription");
	return rc < 0 ? -1 : 0;
}

int
alert_subscriptions(struct arena *a, const struct account *member, int64_t now,
		    const char ***keys, int **news, struct err *err)
{
	if (!member_ok(member))
		return not_found(err, 0);
	return db_alert_subscriptions(a, member->id, now, keys, news, err);
}

/* --- settings ----------------------------------------------------------------------- */

int
alert_settings_save(struct arena *a, const struct account *admin, const char *country,
		    int months, bool show_reporter, const char **field, struct err *err)
{
	*field = NULL;
	if (admin == NULL || admin->role < ROLE_ADMIN)
		return not_found(err, 0);
	if (!alert_country_known(country)) {
		*field = "country";
		return err_set(err, ERR_UNPROCESSABLE, "Choose a country from the list.",
			       "alerts country");
	}
	if (months < 1 || months > ALERT_EXPIRY_MONTHS_MAX) {
		*field = "expiry_months";
		return err_set(err, ERR_UNPROCESSABLE,
			       "Alerts expire after 1 to 60 months.", "alerts months %d", months);
	}
	char m[16];
	snprintf(m, sizeof m, "%d", months);
	const struct db_setting rows[] = {
		{"alerts_country", country},
		{"alerts_expiry_months", m},
		{"alerts_show_reporter", show_reporter ? "true" : "false"},
	};
	return settings_put(a, rows, sizeof rows / sizeof rows[0], err);
}

/* --- partners ----------------------------------------------------------------------- */

int
alert_partner_set(struct arena *a, const struct account *admin, const char *domain, bool on,
		  struct err *err)
{
	if (admin == NULL || admin->role < ROLE_ADMIN || admin->suspended)
		return not_found(err, 0);
	if (!on) {
		/* its alerts go with it: we would no longer hear it withdraw or change them */
		if (db_begin(err) != 0)
			return -1;
		if (db_alert_partner_set(a, domain ? domain : "", false, err) < 0 ||
		    db_alert_partner_forget(a, domain ? domain : "", err) != 0) {
			db_rollback();
			return -1;
		}
		return db_commit(err);
	}
	int rc = db_alert_partner_set(a, domain ? domain : "", on, err);
	if (rc < 0)
		return -1;
	if (rc == 0 && on && db_alert_partner_is(a, domain ? domain : "", err) == 0)
		return err_set(err, ERR_UNPROCESSABLE,
			       "Only a server this community federates with can be a partner.",
			       "alert partner: not a peer");
	return 0;
}

int
alert_partners(struct arena *a, const struct account *admin, const char ***out,
	       struct err *err)
{
	if (admin == NULL || admin->role < ROLE_ADMIN)
		return not_found(err, 0);
	return db_alert_partners(a, out, err);
}

int
alert_share_live(struct arena *a, const char *share_id, int64_t now, struct err *err)
{
	return db_alert_share_live(a, share_id, now, err);
}

int
alert_partner_check(struct arena *a, const char *domain, struct err *err)
{
	int is = db_alert_partner_is(a, domain, err);
	if (is < 0)
		return -1;
	if (is == 0)
		return err_set(err, ERR_FORBIDDEN, "This server doesn't share alerts with yours.",
			       "alert from %s, not a partner", domain);
	return 0;
}

/* The instance setting key, or def when it isn't set (or can't be read). */
static const char *
node_setting(struct arena *a, const char *key, const char *def)
{
	struct db_setting *rows;
	struct err ignored;
	int n = settings_rows(a, &rows, &ignored);
	for (int i = 0; i < n; i++)
		if (strcmp(rows[i].key, key) == 0)
			return rows[i].value;
	return def;
}

const char *
alert_node_country(struct arena *a)
{
	return node_setting(a, "alerts_country", "GB");
}

int
alert_shared_check(struct arena *a, const struct alert_shared *in, int64_t now,
		   struct err *err)
{
	struct alert_checked c;
	const char *field;
	if (in->uri == NULL || strlen(in->uri) > 1000)
		return err_set(err, ERR_INVALID, "The alert has no id.", "shared alert id");
	if (in->expires <= 0)
		return err_set(err, ERR_INVALID, "The alert has no endTime.", "shared alert expiry");
	if (in->expires <= now) /* nothing to store: it would never be shown */
		return err_set(err, ERR_INVALID, "The alert's endTime has passed.",
			       "shared alert expired");
	if (alert_draft_check(a, &in->d, now, alert_node_country(a), &c, &field, err) != 0) {
		/* a peer's malformed alert: 400 with what the draft check said (a copy: err_set
		 * writes err->safe) */
		char why[sizeof err->safe];
		memcpy(why, err->safe, sizeof why);
		return err_set(err, ERR_INVALID, why, "shared alert: %s", field);
	}
	return 0;
}

int
alert_partner_receive(struct arena *a, const char *domain, const struct alert_shared *in,
		      int64_t now, struct err *err)
{
	struct alert_checked c;
	const char *field;
	if (alert_partner_check(a, domain, err) != 0 ||
	    alert_draft_check(a, &in->d, now, alert_node_country(a), &c, &field, err) != 0)
		return -1;
	c.d.consent_members = true; /* the partner's members read it: so may ours, once reviewed */
	c.d.consent_partners = false;
	struct db_alert_fields f;
	fields_of(&c, a, &f);
	if (db_begin(err) != 0)
		return -1;
	int64_t id = db_alert_by_partner_uri(a, domain, in->uri, err);
	struct db_alert al;
	if (id < 0)
		goto fail;
	if (id == 0) {
		if (db_alert_partner_insert(a, domain, in->uri, &f, in->expires, &id, err) != 0)
			goto fail;
	} else {
		if (db_alert_get(a, id, now, true, &al, err) != 1)
			goto fail;
		bool changed = strcmp(al.summary, f.summary) != 0 || strcmp(al.area, f.area) != 0 ||
			       strcmp(al.phones, f.phones) != 0 ||
			       strcmp(al.handles, f.handles) != 0 ||
			       strcmp(al.emails, f.emails) != 0 || strcmp(al.plates, f.plates) != 0;
		bool live = strcmp(al.state, "pending") == 0 || strcmp(al.state, "published") == 0;
		/* the partner renews it, but for no longer than our own period from now */
		int months = atoi(node_setting(a, "alerts_expiry_months", "12"));
		int64_t cap = alert_expiry(now, months >= 1 && months <= ALERT_EXPIRY_MONTHS_MAX
							? months
							: 12);
		if ((changed && live && db_alert_update(a, id, &f, true, err) < 0) ||
		    db_alert_set_expiry(a, id, in->expires < cap ? in->expires : cap, err) != 0)
			goto fail;
		if (!changed || !live)
			return db_commit(err);
	}
	if (store_idents(a, id, &c, err) != 0)
		goto fail;
	return db_commit(err);
fail:
	db_rollback();
	return -1;
}

int
alert_partner_withdraw(struct arena *a, const char *domain, const char *uri, struct err *err)
{
	if (db_begin(err) != 0)
		return -1;
	int64_t id = db_alert_by_partner_uri(a, domain, uri, err);
	if (id <= 0) {
		db_rollback();
		return id < 0 ? -1 : 0;
	}
	if (db_alert_delete(a, id, err) != 0) {
		db_rollback();
		return -1;
	}
	return db_commit(err) == 0 ? 1 : -1;
}
