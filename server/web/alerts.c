/* alerts.c - see alerts.h. */
#include "web/alerts.h"

#include <microhttpd.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "core/alerts.h"
#include "core/roles.h"
#include "core/settings.h"
#include "http/body.h"
#include "http/request.h"
#include "http/respond.h"
#include "http/router.h"
#include "util/arena.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/id.h"
#include "util/strbuf.h"
#include "util/tval.h"
#include "web/web.h"

#define T(s) i18n_gettext(req->lang, (s))

/* "/alerts?area=A" (and "&category=C" when c is not NULL), both percent-encoded (arena). */
static const char *
browse_url(struct arena *a, const char *area, const char *category)
{
	struct strbuf sb;
	strbuf_init(&sb, a);
	strbuf_puts(&sb, "/alerts?area=");
	strbuf_put_pct(&sb, area ? area : "", NULL);
	if (category != NULL) {
		strbuf_puts(&sb, "&category=");
		strbuf_put_pct(&sb, category, NULL);
	}
	return sb.data;
}

/* Visitors (and, through web_before, suspended members) learn nothing: 404. */
static int
nothing_here(struct req *req)
{
	return err_set(&req->err, ERR_NOT_FOUND, NULL, "alerts: not a member");
}

#define MEMBERS_ONLY(req)                                                                      \
	do {                                                                                   \
		if ((req)->viewer == NULL)                                                     \
			return nothing_here(req);                                              \
	} while (0)

static struct tval *
categories_view(struct req *req, const char **names, int n)
{
	struct tval *list = tval_list(req->arena);
	for (int i = 0; i < n; i++) {
		int k = alert_enum_parse(alert_category_names, ALERT_CATEGORY__MAX, names[i]);
		if (k >= 0)
			tval_push_str(list, T(alert_category_labels[k]));
	}
	return list;
}

struct tval *
web_alert_view(struct req *req, const struct db_alert *al)
{
	struct tval *v = tval_obj(req->arena);
	char ib[ID_STRLEN];
	const char *id = id_format(al->id, ib);
	tval_set_str(v, "id", arena_strdup(req->arena, id));
	tval_set_str(v, "url", arena_printf(req->arena, "/alerts/%s", id));
	tval_set_str(v, "state", al->state);
	bool published = strcmp(al->state, "published") == 0;
	tval_set_bool(v, "pending", strcmp(al->state, "pending") == 0);
	tval_set_bool(v, "published", published && !al->expired);
	tval_set_bool(v, "expired", published && al->expired);
	tval_set_bool(v, "renewable", published && !*al->partner_domain);
	tval_set_bool(v, "declined", strcmp(al->state, "declined") == 0);
	tval_set_bool(v, "withdrawn", strcmp(al->state, "withdrawn") == 0);
	tval_set_bool(v, "editable", strcmp(al->state, "pending") == 0 || published);
	tval_set_bool(v, "mine", al->mine);
	tval_set_bool(v, "for_member", al->for_member);
	tval_set_str(v, "happened_on", al->happened_on);
	int part = alert_enum_parse(alert_part_names, ALERT_PART__MAX, al->part_of_day);
	tval_set_str(v, "part_of_day", part > 0 ? T(alert_part_labels[part]) : "");
	tval_set_str(v, "area", al->area);
	tval_set_str(v, "area_key", al->area_key);
	tval_set(v, "categories", categories_view(req, al->categories, al->ncategories));
	int sev = alert_enum_parse(alert_severity_names, ALERT_SEVERITY__MAX, al->severity);
	tval_set_str(v, "severity", sev >= 0 ? T(alert_severity_labels[sev]) : "");
	tval_set_bool(v, "severity_high", sev == ALERT_HIGH);
	tval_set_str(v, "summary", al->summary);
	struct {
		const char *key, *value;
	} idents[] = {
		{"phones", al->phones},	    {"handles", al->handles},
		{"emails", al->emails},	    {"names", al->names},
		{"vehicle", al->vehicle},   {"plates", al->plates},
		{"description", al->description}, {"first_contact", al->first_contact},
	};
	bool any = false;
	for (size_t i = 0; i < sizeof idents / sizeof idents[0]; i++) {
		tval_set_str(v, idents[i].key, idents[i].value);
		any = any || *idents[i].value;
	}
	tval_set_bool(v, "has_identifiers", any);
	tval_set_bool(v, "consent_members", al->consent_members);
	tval_set_bool(v, "consent_partners", al->consent_partners);
	tval_set_str(v, "decline_reason", al->decline_reason);
	tval_set_str(v, "created_at", web_time(req, al->created_at));
	tval_set_str(v, "published_at", *al->published_at ? web_time(req, al->published_at) : "");
	tval_set_str(v, "expires_at", *al->expires_at ? web_time(req, al->expires_at) : "");
	tval_set_str(v, "reporter", al->reporter);
	tval_set_int(v, "open_flags", al->open_flags);
	tval_set_int(v, "messages", al->messages);
	tval_set_str(v, "partner", al->partner_domain);
	return v;
}

/* --- the form ------------------------------------------------------------------------- */

/* Every value the form sent in fields named name (checkboxes), into the arena. */
static const char **
form_values(struct req *req, const char *name, int *n)
{
	const struct body *b = &req->body;
	size_t cap = b->kind == BODY_FORM ? b->nfields : 0;
	const char **out = arena_alloc(req->arena, sizeof *out * (cap + 1));
	*n = 0;
	for (size_t i = 0; i < cap; i++)
		if (strcmp(b->fields[i].name, name) == 0)
			out[(*n)++] = b->fields[i].value;
	return out;
}

static bool
checked(struct req *req, const char *name)
{
	return strcmp(web_field(req, name), "on") == 0;
}

void
web_alert_draft(struct req *req, struct alert_draft *d)
{
	*d = (struct alert_draft){
		.happened_on = web_field(req, "happened_on"),
		.part_of_day = web_field(req, "part_of_day"),
		.area = web_field(req, "area"),
		.severity = web_field(req, "severity"),
		.summary = web_field(req, "summary"),
		.phones = web_field(req, "phones"),
		.handles = web_field(req, "handles"),
		.emails = web_field(req, "emails"),
		.plates = web_field(req, "plates"),
		.names = web_field(req, "names"),
		.vehicle = web_field(req, "vehicle"),
		.description = web_field(req, "description"),
		.first_contact = web_field(req, "first_contact"),
		.consent_members = checked(req, "consent_members"),
		.consent_partners = checked(req, "consent_partners"),
		.for_member = checked(req, "for_member"),
		.member_agreed = checked(req, "member_agreed"),
	};
	d->categories = form_values(req, "categories", &d->ncategories);
}

static struct tval *
options(struct req *req, const char *const *names, const char *const *labels, int n,
	const char *chosen)
{
	struct tval *list = tval_list(req->arena);
	for (int i = 0; i < n; i++) {
		struct tval *o = tval_obj(req->arena);
		tval_set_str(o, "value", names[i]);
		tval_set_str(o, "label", T(labels[i]));
		tval_set_bool(o, "selected", chosen != NULL && strcmp(chosen, names[i]) == 0);
		tval_push(list, o);
	}
	return list;
}

void
web_alert_form_values(struct req *req, struct tval *ctx, const struct db_alert *al,
		      bool from_form)
{
	struct alert_draft d = {0};
	if (from_form)
		web_alert_draft(req, &d);
	else if (al != NULL)
		d = (struct alert_draft){
			.happened_on = al->happened_on, .part_of_day = al->part_of_day,
			.area = al->area, .categories = al->categories,
			.ncategories = al->ncategories, .severity = al->severity,
			.summary = al->summary, .phones = al->phones, .handles = al->handles,
			.emails = al->emails, .plates = al->plates, .names = al->names,
			.vehicle = al->vehicle, .description = al->description,
			.first_contact = al->first_contact,
			.consent_members = al->consent_members,
			.consent_partners = al->consent_partners, .for_member = al->for_member,
			.member_agreed = al->for_member};
	const char *texts[][2] = {
		{"happened_on", d.happened_on}, {"area", d.area},	  {"summary", d.summary},
		{"phones", d.phones},		{"handles", d.handles},	  {"emails", d.emails},
		{"plates", d.plates},		{"names", d.names},	  {"vehicle", d.vehicle},
		{"description", d.description}, {"first_contact", d.first_contact},
	};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		tval_set_str(ctx, texts[i][0], texts[i][1] ? texts[i][1] : "");
	tval_set(ctx, "parts",
		 options(req, alert_part_names, alert_part_labels, ALERT_PART__MAX,
			 d.part_of_day ? d.part_of_day : ""));
	tval_set(ctx, "severities",
		 options(req, alert_severity_names, alert_severity_labels, ALERT_SEVERITY__MAX,
			 d.severity ? d.severity : "medium"));
	/* checked: every category the draft names */
	struct tval *list = tval_list(req->arena);
	for (int k = 0; k < ALERT_CATEGORY__MAX; k++) {
		struct tval *o = tval_obj(req->arena);
		tval_set_str(o, "value", alert_category_names[k]);
		tval_set_str(o, "label", T(alert_category_labels[k]));
		bool on = false;
		for (int i = 0; i < d.ncategories; i++)
			on = on || strcmp(d.categories[i], alert_category_names[k]) == 0;
		tval_set_bool(o, "checked", on);
		tval_push(list, o);
	}
	tval_set(ctx, "categories", list);
	tval_set_bool(ctx, "consent_members", d.consent_members);
	tval_set_bool(ctx, "consent_partners", d.consent_partners);
	tval_set_bool(ctx, "for_member", d.for_member);
	tval_set_bool(ctx, "member_agreed", d.member_agreed);
	/* the choice to file for a member: support workers' (and on an alert filed so) */
	struct err ignored;
	tval_set_bool(ctx, "support_worker",
		      d.for_member || roles_is_support_worker(req->arena, req->viewer, &ignored) > 0);
}

#define FORM_TEMPLATE "alert_form"
#define FORM_TITLE N_("Report a bad date")
#define EDIT_TITLE N_("Change your alert")

static int
form_page(struct req *req, const struct db_alert *al, const char *action, const char *field,
	  const struct err *err)
{
	struct tval *ctx = tval_obj(req->arena);
	web_alert_form_values(req, ctx, al, err != NULL);
	tval_set_str(ctx, "action", action);
	tval_set_bool(ctx, "editing", al != NULL);
	tval_set_str(ctx, "error_field", field ? field : "");
	/* the refused field says so (aria-invalid); the message at the top links to it */
	static const char *const fields[] = {
		"happened_on", "part_of_day", "area",	"categories", "severity",
		"summary",     "phones",      "handles", "emails",     "names",
		"vehicle",     "plates",      "description", "first_contact", "for_member",
		"member_agreed"};
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		tval_set_bool(ctx, arena_printf(req->arena, "bad_%s", fields[i]),
			      field != NULL && strcmp(field, fields[i]) == 0);
	return web_render_form(req, FORM_TEMPLATE, al ? EDIT_TITLE : FORM_TITLE, ctx, err);
}

static int
new_form(struct req *req)
{
	MEMBERS_ONLY(req);
	return form_page(req, NULL, "/alerts", NULL, NULL);
}

static int
file_submit(struct req *req)
{
	MEMBERS_ONLY(req);
	struct alert_draft d;
	web_alert_draft(req, &d);
	int64_t id;
	const char *field = NULL;
	struct err err;
	if (alert_file(req->arena, req->viewer, req->settings, &d, clock_now(), &id, &field,
		       &err) != 0) {
		if (err.code != ERR_UNPROCESSABLE) {
			req->err = err;
			return -1;
		}
		return form_page(req, NULL, "/alerts", field, &err);
	}
	char ib[ID_STRLEN];
	return web_redirect(req, arena_printf(req->arena, "/alerts/%s", id_format(id, ib)),
			    "alert_filed");
}

/* --- lists ---------------------------------------------------------------------------- */

/* Puts rows[0..n) into ctx "alerts" (at most ALERT_PAGE) and an older link. */
static void
list_view(struct req *req, struct tval *ctx, const struct db_alert *rows, int n,
	  const char *base)
{
	struct tval *list = tval_list(req->arena);
	for (int i = 0; i < n && i < ALERT_PAGE; i++)
		tval_push(list, web_alert_view(req, &rows[i]));
	tval_set(ctx, "alerts", list);
	tval_set_bool(ctx, "has_alerts", n > 0);
	if (n > ALERT_PAGE) {
		char ib[ID_STRLEN];
		tval_set_str(ctx, "older_url",
			     arena_printf(req->arena, "%s%sbefore=%s", base,
					  strchr(base, '?') ? "&" : "?",
					  id_format(rows[ALERT_PAGE - 1].id, ib)));
	}
}

static int
before_param(struct req *req, int64_t *before)
{
	const char *b = req_query(req, "before");
	*before = 0;
	if (b != NULL && *b && id_parse(b, before) != 0)
		return err_set(&req->err, ERR_INVALID, "That page doesn't exist.", "bad before");
	return 0;
}

static int
browse(struct req *req)
{
	MEMBERS_ONLY(req);
	int64_t before, now = clock_now();
	if (before_param(req, &before) != 0)
		return -1;
	const char *area = req_query(req, "area");
	const char *category = req_query(req, "category");
	struct db_alert *rows;
	int n = alert_list_published(req->arena, req->viewer, area, category, before, now, &rows,
				     &req->err);
	if (n < 0)
		return -1;
	struct tval *ctx = tval_obj(req->arena);
	const char *base = browse_url(req->arena, area, category ? category : "");
	list_view(req, ctx, rows, n, base);
	const char **keys, **names;
	int *counts;
	int na = alert_areas(req->arena, req->viewer, now, &keys, &names, &counts, &req->err);
	if (na < 0)
		return -1;
	struct tval *areas = tval_list(req->arena);
	const char *chosen = area && *area ? alert_area_key(req->arena, area) : "";
	for (int i = 0; i < na; i++) {
		struct tval *o = tval_obj(req->arena);
		tval_set_str(o, "value", keys[i]);
		tval_set_str(o, "url", browse_url(req->arena, keys[i], NULL));
		tval_set_str(o, "label", names[i]);
		tval_set_int(o, "count", counts[i]);
		tval_set_bool(o, "selected", strcmp(keys[i], chosen) == 0);
		tval_push(areas, o);
	}
	tval_set(ctx, "areas", areas);
	tval_set_bool(ctx, "has_areas", na > 0);
	tval_set(ctx, "category_options",
		 options(req, alert_category_names, alert_category_labels, ALERT_CATEGORY__MAX,
			 category));
	tval_set_str(ctx, "area", area ? area : "");
	tval_set_bool(ctx, "filtered", (area && *area) || (category && *category));
	const char **subs;
	int *news;
	int ns = alert_subscriptions(req->arena, req->viewer, now, &subs, &news, &req->err);
	if (ns < 0)
		return -1;
	struct tval *sl = tval_list(req->arena);
	bool subscribed = false;
	for (int i = 0; i < ns; i++) {
		struct tval *o = tval_obj(req->arena);
		tval_set_str(o, "area", subs[i]);
		tval_set_str(o, "url", browse_url(req->arena, subs[i], NULL));
		tval_set_int(o, "news", news[i]);
		tval_push(sl, o);
		subscribed = subscribed || strcmp(subs[i], chosen) == 0;
	}
	tval_set(ctx, "subscriptions", sl);
	tval_set_bool(ctx, "has_subscriptions", ns > 0);
	tval_set_bool(ctx, "can_subscribe", *chosen && !subscribed);
	tval_set_bool(ctx, "subscribed", *chosen && subscribed);
	tval_set_str(ctx, "area_key", chosen);
	return web_render(req, MHD_HTTP_OK, "alerts", N_("Bad-date alerts"), ctx);
}

static int
mine(struct req *req)
{
	MEMBERS_ONLY(req);
	int64_t before;
	if (before_param(req, &before) != 0)
		return -1;
	struct db_alert *rows;
	int n = alert_list_mine(req->arena, req->viewer, before, clock_now(), &rows, &req->err);
	if (n < 0)
		return -1;
	struct tval *ctx = tval_obj(req->arena);
	list_view(req, ctx, rows, n, "/alerts/mine");
	return web_render(req, MHD_HTTP_OK, "alerts_mine", N_("My alerts"), ctx);
}

static int
lookup(struct req *req)
{
	MEMBERS_ONLY(req);
	const char *kind = req_query(req, "kind");
	const char *value = req_query(req, "value");
	struct tval *ctx = tval_obj(req->arena);
	static const char *const kind_labels[ALERT_ID__MAX] = {
		N_("Phone number"), N_("Handle"), N_("Email"), N_("Number plate")};
	tval_set(ctx, "kinds",
		 options(req, alert_ident_names, kind_labels, ALERT_ID__MAX,
			 kind ? kind : "phone"));
	tval_set_str(ctx, "value", value ? value : "");
	if (value == NULL || *value == '\0')
		return web_render(req, MHD_HTTP_OK, "alert_lookup", N_("Screen a client"), ctx);
	struct db_alert *rows;
	struct err err;
	int n = alert_lookup(req->arena, req->viewer, req->settings, kind, value, clock_now(),
			     &rows, &err);
	if (n < 0)
		return web_render_form(req, "alert_lookup", N_("Screen a client"), ctx, &err);
	list_view(req, ctx, rows, n, "/alerts/lookup");
	tval_set_bool(ctx, "searched", true);
	tval_set_int(ctx, "found", n);
	return web_render(req, MHD_HTTP_OK, "alert_lookup", N_("Screen a client"), ctx);
}

static int
digest(struct req *req)
{
	MEMBERS_ONLY(req);
	int64_t now = clock_now();
	const char **keys, **names;
	int *counts;
	int na = alert_areas(req->arena, req->viewer, now, &keys, &names, &counts, &req->err);
	if (na < 0)
		return -1;
	struct tval *areas = tval_list(req->arena);
	for (int i = 0; i < na; i++) {
		struct db_alert *rows;
		int n = alert_list_published(req->arena, req->viewer, keys[i], NULL, 0, now, &rows,
					     &req->err);
		if (n < 0)
			return -1;
		struct tval *o = tval_obj(req->arena);
		tval_set_str(o, "area", names[i]);
		struct tval *list = tval_list(req->arena);
		for (int j = 0; j < n && j < ALERT_PAGE; j++)
			tval_push(list, web_alert_view(req, &rows[j]));
		tval_set(o, "alerts", list);
		tval_push(areas, o);
	}
	struct tval *ctx = tval_obj(req->arena);
	tval_set(ctx, "areas", areas);
	tval_set_bool(ctx, "has_areas", na > 0);
	char day[16];
	time_t t = (time_t)now;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(day, sizeof day, "%Y-%m-%d", &tm);
	tval_set_str(ctx, "printed", arena_strdup(req->arena, day));
	return web_render(req, MHD_HTTP_OK, "alert_digest", N_("Alerts digest"), ctx);
}

/* --- one alert ------------------------------------------------------------------------ */

static int
load(struct req *req, struct db_alert *al)
{
	int64_t id;
	if (req->viewer == NULL)
		return nothing_here(req);
	if (web_path_id(req, &id) != 0)
		return -1;
	return alert_get(req->arena, req->viewer, req->settings, id, clock_now(), al, &req->err);
}

static int
alert_page_with(struct req *req, const struct db_alert *al, const char *form,
		const struct err *err)
{
	struct tval *ctx = tval_obj(req->arena);
	tval_set(ctx, "alert", web_alert_view(req, al));
	tval_set_bool(ctx, "mine", al->mine);
	tval_set_bool(ctx, "can_flag", !al->mine && strcmp(al->state, "published") == 0 &&
					       !al->expired);
	tval_set_bool(ctx, "is_moderator", web_has_role(req, ROLE_MODERATOR));
	if (al->mine) {
		struct db_alert_note *notes;
		int n = alert_thread(req->arena, req->viewer, al->id, &notes, &req->err);
		if (n < 0)
			return -1;
		struct tval *list = tval_list(req->arena);
		for (int i = 0; i < n; i++) {
			struct tval *o = tval_obj(req->arena);
			tval_set_bool(o, "from_reporter", strcmp(notes[i].kind, "reporter") == 0);
			tval_set_str(o, "text", notes[i].text);
			tval_set_str(o, "at", web_time(req, notes[i].at));
			tval_push(list, o);
		}
		tval_set(ctx, "thread", list);
		tval_set_bool(ctx, "has_thread", n > 0);
	}
	if (form != NULL && err != NULL) {
		tval_set_str(ctx, arena_printf(req->arena, "%s_error", form),
			     i18n_gettext(req->lang, err->safe));
		tval_set_str(ctx, "text", web_field(req, "text"));
		return web_render(req, resp_status_for(err->code), "alert", N_("Alert"), ctx);
	}
	return web_render(req, MHD_HTTP_OK, "alert", N_("Alert"), ctx);
}

static int
show(struct req *req)
{
	struct db_alert al;
	if (load(req, &al) != 0)
		return -1;
	return alert_page_with(req, &al, NULL, NULL);
}

static int
edit_form(struct req *req)
{
	struct db_alert al;
	if (load(req, &al) != 0)
		return -1;
	if (!al.mine)
		return nothing_here(req);
	return form_page(req, &al, arena_printf(req->arena, "/alerts/%lld/edit", (long long)al.id),
			 NULL, NULL);
}

static int
edit_submit(struct req *req)
{
	struct db_alert al;
	if (load(req, &al) != 0)
		return -1;
	if (!al.mine)
		return nothing_here(req);
	struct alert_draft d;
	web_alert_draft(req, &d);
	const char *field = NULL;
	struct err err;
	if (alert_edit(req->arena, req->viewer, req->settings, al.id, &d, clock_now(), &field,
		       &err) != 0) {
		if (err.code != ERR_UNPROCESSABLE && err.code != ERR_CONFLICT) {
			req->err = err;
			return -1;
		}
		return form_page(req, &al,
				 arena_printf(req->arena, "/alerts/%lld/edit", (long long)al.id),
				 field, &err);
	}
	return web_redirect(req, arena_printf(req->arena, "/alerts/%lld", (long long)al.id),
			    "alert_changed");
}

/* The POSTs on one alert: run the action, then back to the alert (or its page with the
 * error beside the form named form). */
static int
act(struct req *req, const char *form, const char *notice,
    int (*fn)(struct req *req, const struct db_alert *al, struct err *err))
{
	struct db_alert al;
	if (load(req, &al) != 0)
		return -1;
	struct err err;
	if (fn(req, &al, &err) != 0) {
		if (err.code != ERR_UNPROCESSABLE && err.code != ERR_CONFLICT) {
			req->err = err;
			return -1;
		}
		return alert_page_with(req, &al, form, &err);
	}
	return web_redirect(req, arena_printf(req->arena, "/alerts/%lld", (long long)al.id),
			    notice);
}

static int
do_withdraw(struct req *req, const struct db_alert *al, struct err *err)
{
	return alert_withdraw(req->arena, req->viewer, al->id, err);
}

static int
do_reply(struct req *req, const struct db_alert *al, struct err *err)
{
	return alert_reply(req->arena, req->viewer, al->id, web_field(req, "text"), err);
}

static int
do_renew(struct req *req, const struct db_alert *al, struct err *err)
{
	return alert_renew(req->arena, req->viewer, req->settings, al->id, clock_now(), err);
}

static int
do_flag(struct req *req, const struct db_alert *al, struct err *err)
{
	return alert_flag(req->arena, req->viewer, al->id, web_field(req, "text"), clock_now(),
			  err);
}

static int
withdraw(struct req *req)
{
	return act(req, "withdraw", "alert_withdrawn", do_withdraw);
}

static int
reply(struct req *req)
{
	return act(req, "reply", "alert_replied", do_reply);
}

static int
renew(struct req *req)
{
	return act(req, "renew", "alert_renewed", do_renew);
}

static int
flag(struct req *req)
{
	return act(req, "flag", "alert_flagged", do_flag);
}

/* --- areas followed ----------------------------------------------------------------- */

static int
area_add(struct req *req)
{
	MEMBERS_ONLY(req);
	const char *area = web_field(req, "area");
	if (alert_subscribe(req->arena, req->viewer, area, &req->err) != 0)
		return -1;
	return web_redirect(req, "/alerts", "alert_area_followed");
}

static int
area_remove(struct req *req)
{
	MEMBERS_ONLY(req);
	if (alert_unsubscribe(req->arena, req->viewer, web_field(req, "area"), &req->err) != 0)
		return -1;
	return web_redirect(req, "/alerts", "alert_area_unfollowed");
}

int
web_alerts_routes(struct router *r)
{
	int rc = 0;
	rc |= router_add(r, "GET", "/alerts", browse);
	rc |= router_add(r, "POST", "/alerts", file_submit);
	rc |= router_add(r, "GET", "/alerts/new", new_form);
	rc |= router_add(r, "GET", "/alerts/mine", mine);
	rc |= router_add(r, "GET", "/alerts/lookup", lookup);
	rc |= router_add(r, "GET", "/alerts/digest", digest);
	rc |= router_add(r, "POST", "/alerts/areas", area_add);
	rc |= router_add(r, "POST", "/alerts/areas/remove", area_remove);
	rc |= router_add(r, "GET", "/alerts/:id", show);
	rc |= router_add(r, "GET", "/alerts/:id/edit", edit_form);
	rc |= router_add(r, "POST", "/alerts/:id/edit", edit_submit);
	rc |= router_add(r, "POST", "/alerts/:id/withdraw", withdraw);
	rc |= router_add(r, "POST", "/alerts/:id/reply", reply);
	rc |= router_add(r, "POST", "/alerts/:id/renew", renew);
	rc |= router_add(r, "POST", "/alerts/:id/flag", flag);
	return rc;
}
