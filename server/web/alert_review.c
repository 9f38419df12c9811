/* alert_review.c - see alert_review.h. */
#include "web/alert_review.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "core/alerts.h"
#include "core/federation.h"
#include "db/peers.h"
#include "core/settings.h"
#include "http/request.h"
#include "http/respond.h"
#include "http/router.h"
#include "util/arena.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/id.h"
#include "util/strbuf.h"
#include "util/token.h"
#include "util/tval.h"
#include "web/alerts.h"
#include "web/web.h"

static int
nothing_here(struct req *req)
{
	return err_set(&req->err, ERR_NOT_FOUND, NULL, "alert review: not a moderator");
}

/* Who handles al in review, into v: claim_free, claim_mine, claim_other with claimer,
 * claimed_at and holder (their id, for the take-over form). */
static void
claim_view(struct req *req, struct tval *v, const struct db_alert *al)
{
	bool review = alert_in_review(al);
	char hb[ID_STRLEN];
	tval_set_bool(v, "claim_free", review && al->claimed_by == 0);
	tval_set_bool(v, "claim_mine", review && al->claimed_by == req->viewer->id);
	tval_set_bool(v, "claim_other",
		      review && al->claimed_by != 0 && al->claimed_by != req->viewer->id);
	tval_set_str(v, "claimer", al->claimer);
	tval_set_str(v, "claimed_at", *al->claimed_at ? web_time(req, al->claimed_at) : "");
	tval_set_str(v, "holder", id_format(al->claimed_by, hb));
}

static int
queue(struct req *req)
{
	if (!web_has_role(req, ROLE_MODERATOR))
		return nothing_here(req);
	struct db_alert *rows;
	int n = alert_queue(req->arena, req->viewer, req->settings, clock_now(), &rows,
			    &req->err);
	if (n < 0)
		return -1;
	struct tval *ctx = tval_obj(req->arena);
	struct tval *list = tval_list(req->arena);
	for (int i = 0; i < n; i++) {
		struct tval *v = web_alert_view(req, &rows[i]);
		tval_set_str(v, "review_url",
			     arena_printf(req->arena, "/admin/alerts/%lld", (long long)rows[i].id));
		claim_view(req, v, &rows[i]);
		tval_push(list, v);
	}
	tval_set(ctx, "alerts", list);
	tval_set_bool(ctx, "has_alerts", n > 0);
	tval_set_bool(ctx, "is_admin", web_has_role(req, ROLE_ADMIN));
	return web_render(req, MHD_HTTP_OK, "admin_alerts", N_("Alerts to review"), ctx);
}

static struct tval *
notes_view(struct req *req, const struct db_alert_note *notes, int n)
{
	static const char *const actions[][2] = {
		{"publish", N_("Published")},	   {"redact", N_("Redacted")},
		{"ask", N_("Asked the reporter")}, {"decline", N_("Declined")},
		{"renew", N_("Renewed")},	   {"flag_closed", N_("Flags closed")},
		{"claim", N_("Started handling it")}, {"release", N_("Stopped handling it")},
		{"take_over", N_("Took it over")},
		{"reporter", N_("The reporter")},  {"moderator", N_("A moderator")},
		{"flag", N_("A member's flag")},
	};
	struct tval *list = tval_list(req->arena);
	for (int i = 0; i < n; i++) {
		struct tval *o = tval_obj(req->arena);
		const char *label = notes[i].kind;
		for (size_t k = 0; k < sizeof actions / sizeof actions[0]; k++)
			if (strcmp(actions[k][0], notes[i].kind) == 0)
				label = i18n_gettext(req->lang, actions[k][1]);
		tval_set_str(o, "kind", label);
		tval_set_str(o, "who", notes[i].who);
		tval_set_str(o, "text", notes[i].text);
		tval_set_str(o, "at", web_time(req, notes[i].at));
		tval_push(list, o);
	}
	return list;
}

/* What the moderator reads of al, as a digest the publish form carries back: when the
 * reporter changed the alert meanwhile, publishing the form would put back what they took
 * out (or publish what nobody reviewed), so the publish is refused (arena). */
static const char *
version_of(struct req *req, const struct db_alert *al)
{
	const char *parts[] = {al->state,	  al->happened_on, al->part_of_day, al->area,
			       al->severity,	  al->summary,	   al->phones,	    al->handles,
			       al->emails,	  al->names,	   al->vehicle,	    al->plates,
			       al->description,	  al->first_contact,
			       al->consent_members ? "1" : "0", al->consent_partners ? "1" : "0",
			       al->for_member ? "1" : "0"};
	struct strbuf sb;
	strbuf_init(&sb, req->arena);
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		strbuf_puts(&sb, parts[i] ? parts[i] : "");
		strbuf_putc(&sb, '\x1f');
	}
	for (int i = 0; i < al->ncategories; i++) {
		strbuf_puts(&sb, al->categories[i]);
		strbuf_putc(&sb, ',');
	}
	return token_sha256_b64url(req->arena, sb.data);
}

/* The review page of al; after a refused form, err's message goes beside form's fields. */
static int
page(struct req *req, const struct db_alert *al, const char *form, const char *field,
     const struct err *err)
{
	struct alert_review rv;
	struct db_alert_note *thread;
	int nt;
	if (alert_review_get(req->arena, req->viewer, al->id, &rv, &req->err) != 0 ||
	    (nt = alert_thread(req->arena, req->viewer, al->id, &thread, &req->err)) < 0)
		return -1;
	struct tval *ctx = tval_obj(req->arena);
	struct tval *v = web_alert_view(req, al);
	claim_view(req, v, al);
	tval_set(ctx, "alert", v);
	tval_set_str(ctx, "base", arena_printf(req->arena, "/admin/alerts/%lld", (long long)al->id));
	tval_set_bool(ctx, "show_reporter", req->settings->alerts_show_reporter);
	tval_set(ctx, "thread", notes_view(req, thread, nt));
	tval_set_bool(ctx, "has_thread", nt > 0);
	tval_set(ctx, "log", notes_view(req, rv.log, rv.nlog));
	tval_set_bool(ctx, "has_log", rv.nlog > 0);
	tval_set(ctx, "flags", notes_view(req, rv.flags, rv.nflags));
	tval_set_bool(ctx, "has_flags", rv.nflags > 0);
	struct tval *before = tval_list(req->arena);
	for (int i = 0; i < rv.nbefore; i++) {
		struct tval *o = tval_obj(req->arena);
		tval_set_str(o, "json", rv.before[i]);
		tval_set_str(o, "at", web_time(req, rv.before_at[i]));
		tval_push(before, o);
	}
	tval_set(ctx, "redactions", before);
	tval_set_bool(ctx, "has_redactions", rv.nbefore > 0);
	/* the publish form holds the fields, to redact (the alert's own after a conflict: what
	 * the moderator sent is out of date) */
	web_alert_form_values(req, ctx, al,
			      err != NULL && strcmp(form, "publish") == 0 &&
				      err->code != ERR_CONFLICT);
	tval_set_str(ctx, "review_version", version_of(req, al));
	tval_set_str(ctx, "text", err ? web_field(req, "text") : "");
	if (err != NULL) {
		if (err->code == ERR_UNAVAILABLE || err->code == ERR_INTERNAL) {
			req->err = *err;
			return -1;
		}
		/* a conflict (another moderator decided it meanwhile) goes at the top: the form it
		 * came from may not be on the page any more */
		tval_set_str(ctx,
			     err->code == ERR_CONFLICT && strcmp(form, "claim") != 0
				     ? "conflict_error"
				     : arena_printf(req->arena, "%s_error", form),
			     i18n_gettext(req->lang, err->safe));
		tval_set_str(ctx, "error_field", field ? field : "");
		return web_render(req, resp_status_for(err->code), "admin_alert",
				  N_("Review an alert"), ctx);
	}
	return web_render(req, MHD_HTTP_OK, "admin_alert", N_("Review an alert"), ctx);
}

static int
load(struct req *req, struct db_alert *al)
{
	int64_t id;
	if (!web_has_role(req, ROLE_MODERATOR))
		return nothing_here(req);
	if (web_path_id(req, &id) != 0)
		return -1;
	return alert_get(req->arena, req->viewer, req->settings, id, clock_now(), al, &req->err);
}

static int
show(struct req *req)
{
	struct db_alert al;
	if (load(req, &al) != 0)
		return -1;
	return page(req, &al, NULL, NULL, NULL);
}

/* Whether the moderator changed any field of the publish form: then it is a redaction. */
static bool
edited(const struct alert_draft *d, const struct db_alert *al)
{
	const char *pairs[][2] = {
		{d->area, al->area},		   {d->summary, al->summary},
		{d->phones, al->phones},	   {d->handles, al->handles},
		{d->emails, al->emails},	   {d->plates, al->plates},
		{d->names, al->names},		   {d->vehicle, al->vehicle},
		{d->description, al->description}, {d->first_contact, al->first_contact},
	};
	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
		if (strcmp(pairs[i][0] ? pairs[i][0] : "", pairs[i][1]) != 0)
			return true;
	return false;
}

static int
publish(struct req *req)
{
	struct db_alert al;
	if (load(req, &al) != 0)
		return -1;
	/* the form holds the text fields; what it doesn't hold stays as filed */
	struct alert_draft d;
	web_alert_draft(req, &d);
	d.happened_on = al.happened_on;
	d.part_of_day = al.part_of_day;
	d.categories = al.categories;
	d.ncategories = al.ncategories;
	d.severity = al.severity;
	d.consent_members = al.consent_members;
	d.consent_partners = al.consent_partners;
	d.for_member = al.for_member;
	d.member_agreed = al.for_member;
	const char *field = NULL;
	struct err err;
	/* the page's form always sends the digest of what it showed (a request without one,
	 * not from the page, publishes what is there now) */
	const char *seen = web_field(req, "review_version");
	if (*seen && strcmp(seen, version_of(req, &al)) != 0) {
		err_set(&err, ERR_CONFLICT,
			"The reporter changed this alert since you opened it: read it again before you publish it.",
			"alert %lld changed under the publish form", (long long)al.id);
		return page(req, &al, "publish", NULL, &err);
	}
	if (alert_publish(req->arena, req->viewer, req->settings, al.id,
			  edited(&d, &al) ? &d : NULL, clock_now(), &field, &err) != 0)
		return page(req, &al, "publish", field, &err);
	return web_redirect(req, "/admin/alerts", "alert_published");
}

static int
ask(struct req *req)
{
	struct db_alert al;
	if (load(req, &al) != 0)
		return -1;
	struct err err;
	if (alert_ask(req->arena, req->viewer, al.id, web_field(req, "text"), &err) != 0)
		return page(req, &al, "ask", NULL, &err);
	return web_redirect(req, arena_printf(req->arena, "/admin/alerts/%lld", (long long)al.id),
			    "alert_asked");
}

static int
decline(struct req *req)
{
	struct db_alert al;
	if (load(req, &al) != 0)
		return -1;
	struct err err;
	if (alert_decline(req->arena, req->viewer, al.id, web_field(req, "text"), &err) != 0)
		return page(req, &al, "decline", NULL, &err);
	return web_redirect(req, "/admin/alerts", "alert_declined");
}

/* POST /admin/alerts/:id/claim: op claim, release or take_over (holder: the moderator the
 * page showed). */
static int
claim(struct req *req)
{
	struct db_alert al;
	if (load(req, &al) != 0)
		return -1;
	static const char *const ops[] = {[ALERT_CLAIM] = "claim", [ALERT_RELEASE] = "release",
					  [ALERT_TAKE_OVER] = "take_over"};
	const char *op = web_field(req, "op");
	int k = -1;
	for (int i = 0; op != NULL && i < (int)(sizeof ops / sizeof ops[0]); i++)
		if (strcmp(op, ops[i]) == 0)
			k = i;
	int64_t holder = 0;
	const char *h = web_field(req, "holder");
	if (k < 0 || (k == ALERT_TAKE_OVER && (h == NULL || id_parse(h, &holder) != 0)))
		return err_set(&req->err, ERR_UNPROCESSABLE, "That form is malformed.",
			       "alert claim: op %s holder %s", op ? op : "-", h ? h : "-");
	struct err err;
	if (alert_claim(req->arena, req->viewer, al.id, (enum alert_claim_op)k, holder, &err) != 0)
		return page(req, &al, "claim", NULL, &err);
	return web_redirect(req, arena_printf(req->arena, "/admin/alerts/%lld", (long long)al.id),
			    "saved");
}

static int
close_flags(struct req *req)
{
	struct db_alert al;
	if (load(req, &al) != 0)
		return -1;
	struct err err;
	if (alert_flags_close(req->arena, req->viewer, al.id, web_field(req, "text"), &err) != 0)
		return page(req, &al, "flags", NULL, &err);
	return web_redirect(req, "/admin/alerts", "alert_flags_closed");
}

static int
renew(struct req *req)
{
	struct db_alert al;
	if (load(req, &al) != 0)
		return -1;
	struct err err;
	if (alert_renew(req->arena, req->viewer, req->settings, al.id, clock_now(), &err) != 0)
		return page(req, &al, "renew", NULL, &err);
	return web_redirect(req, arena_printf(req->arena, "/admin/alerts/%lld", (long long)al.id),
			    "alert_renewed");
}

/* --- settings ----------------------------------------------------------------------- */

static const char *const countries[] = {"GB", "IE", "US", "CA", "FR", "DE", "AU", "NZ",
					"NL", "ES", "IT", "CN", "HK", "SG", "ZA"};

static int
settings_page(struct req *req, const char *field, const struct err *err)
{
	const struct instance_settings *s = req->settings;
	struct tval *ctx = tval_obj(req->arena);
	const char *country = err ? web_field(req, "country") : s->alerts_country;
	struct tval *list = tval_list(req->arena);
	for (size_t i = 0; i < sizeof countries / sizeof countries[0]; i++) {
		struct tval *o = tval_obj(req->arena);
		tval_set_str(o, "value", countries[i]);
		tval_set_bool(o, "selected", strcmp(countries[i], country) == 0);
		tval_push(list, o);
	}
	tval_set(ctx, "countries", list);
	tval_set_str(ctx, "expiry_months",
		     err ? web_field(req, "expiry_months")
			 : arena_printf(req->arena, "%d", s->alerts_expiry_months));
	tval_set_bool(ctx, "show_reporter",
		      err ? strcmp(web_field(req, "show_reporter"), "on") == 0
			  : s->alerts_show_reporter);
	tval_set_str(ctx, "error_field", field ? field : "");
	/* the peers, each marked as a partner or not (the first 200: a node has a few) */
	struct peer *peers;
	bool more;
	const char **partners;
	int np = federation_peers_list(req->arena, NULL, 200, &peers, &more, &req->err);
	int nq = np < 0 ? -1 : alert_partners(req->arena, req->viewer, &partners, &req->err);
	if (np < 0 || nq < 0)
		return -1;
	struct tval *pl = tval_list(req->arena);
	for (int i = 0; i < np; i++) {
		struct tval *o = tval_obj(req->arena);
		bool on = false;
		for (int k = 0; k < nq; k++)
			on = on || strcmp(partners[k], peers[i].domain) == 0;
		tval_set_str(o, "domain", peers[i].domain);
		tval_set_bool(o, "partner", on);
		tval_push(pl, o);
	}
	tval_set(ctx, "peers", pl);
	tval_set_bool(ctx, "has_peers", np > 0);
	return web_render_form(req, "admin_alert_settings", N_("Alert settings"), ctx, err);
}

static int
settings_form(struct req *req)
{
	if (!web_has_role(req, ROLE_ADMIN))
		return nothing_here(req);
	return settings_page(req, NULL, NULL);
}

static int
settings_submit(struct req *req)
{
	if (!web_has_role(req, ROLE_ADMIN))
		return nothing_here(req);
	const char *m = web_field(req, "expiry_months");
	char *end;
	long months = strtol(m, &end, 10);
	if (*m == '\0' || *end != '\0' || months < 0 || months > 1000)
		months = -1;
	const char *field = NULL;
	struct err err;
	if (alert_settings_save(req->arena, req->viewer, web_field(req, "country"), (int)months,
				strcmp(web_field(req, "show_reporter"), "on") == 0, &field,
				&err) != 0)
		return settings_page(req, field, &err);
	return web_redirect(req, "/admin/alert-settings", "saved");
}

static int
partner_submit(struct req *req)
{
	if (!web_has_role(req, ROLE_ADMIN))
		return nothing_here(req);
	struct err err;
	if (alert_partner_set(req->arena, req->viewer, web_field(req, "domain"),
			      strcmp(web_field(req, "partner"), "on") == 0, &err) != 0)
		return settings_page(req, NULL, &err);
	return web_redirect(req, "/admin/alert-settings", "saved");
}

int
web_alert_review_routes(struct router *r)
{
	int rc = 0;
	rc |= router_add(r, "GET", "/admin/alerts", queue);
	rc |= router_add(r, "GET", "/admin/alerts/:id", show);
	rc |= router_add(r, "POST", "/admin/alerts/:id/publish", publish);
	rc |= router_add(r, "POST", "/admin/alerts/:id/ask", ask);
	rc |= router_add(r, "POST", "/admin/alerts/:id/decline", decline);
	rc |= router_add(r, "POST", "/admin/alerts/:id/claim", claim);
	rc |= router_add(r, "POST", "/admin/alerts/:id/close-flags", close_flags);
	rc |= router_add(r, "POST", "/admin/alerts/:id/renew", renew);
	rc |= router_add(r, "GET", "/admin/alert-settings", settings_form);
	rc |= router_add(r, "POST", "/admin/alert-settings", settings_submit);
	rc |= router_add(r, "POST", "/admin/alert-partners", partner_submit);
	return rc;
}
