/* alerts.c - see alerts.h. */
#include "ap/alerts.h"

#include <microhttpd.h>
#include <string.h>
#include <time.h>

#include "ap/ap.h"
#include "ap/outbound.h"
#include "ap/fetch.h"
#include "ap/keys.h"
#include "ap/props.h"
#include "ap/resolve.h"
#include "ap/verify.h"
#include "http/request.h"
#include "http/respond.h"
#include "http/router.h"
#include "core/alerts.h"
#include "db/alerts.h"
#include "db/federation.h"
#include "db/model.h"
#include "util/arena.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/timefmt.h"
#include "util/token.h"

/* The JSON-LD context of the type: ActivityStreams and our terms, named under a URN (no host
 * to dereference). */
static json_t *
alert_context(void)
{
	json_t *terms = json_pack("{s:s}", "parasol", "urn:parasol:ns#");
	static const char *const names[] = {AP_ALERT_TYPE, "happenedOn", "partOfDay", "area",
					    "categories", "severity", "phones", "handles",
					    "emails", "names", "vehicle", "plates",
					    "description", "firstContact"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		json_object_set_new(terms, names[i], json_sprintf("parasol:%s", names[i]));
	return json_pack("[s,o]", AP_CONTEXT, terms);
}

static const char *
iso(struct arena *a, const char *s)
{
	return s && *s ? s : arena_strdup(a, "");
}

/* The BadDateAlert of al, named uri: offender details only. Identifiers are sent normalised
 * by this node's country, so that the partner compares them whatever its own. */
static json_t *
alert_object(struct arena *a, const struct db_alert *al, const char *uri, const char *country)
{
	json_t *cats = json_array();
	for (int i = 0; i < al->ncategories; i++)
		json_array_append_new(cats, json_string(al->categories[i]));
	return json_pack(
		"{s:s,s:s,s:s,s:s,s:s,s:o,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "id",
		uri, "type", AP_ALERT_TYPE, "happenedOn", al->happened_on, "partOfDay",
		al->part_of_day, "area", al->area, "categories", cats, "severity", al->severity,
		"content", al->summary, "phones",
		alert_idents_joined(a, ALERT_ID_PHONE, al->phones, country), "handles",
		alert_idents_joined(a, ALERT_ID_HANDLE, al->handles, country), "emails",
		alert_idents_joined(a, ALERT_ID_EMAIL, al->emails, country), "plates",
		alert_idents_joined(a, ALERT_ID_PLATE, al->plates, country), "names", al->names,
		"vehicle", al->vehicle, "description", al->description, "firstContact",
		al->first_contact, "published", iso(a, al->published_at), "endTime",
		iso(a, al->expires_at));
}

/* "http" or "https": partners are reached as this node is. */
static const char *
scheme(void)
{
	return strncmp(ap_base_url(), "https://", 8) == 0 ? "https" : "http";
}

int
ap_alert_event(struct arena *a, const struct event *ev, struct err *err)
{
	const char **partners;
	int n = db_alert_partners(a, &partners, err);
	if (n <= 0)
		return n;
	struct db_alert al;
	int found = db_alert_get(a, ev->object_id, clock_now(), false, &al, err);
	if (found <= 0)
		return found;
	const char *token = token_random(a, 16, err);
	const char *share_id = token ? db_alert_share_id(a, al.id, token, err) : NULL;
	const char *nonce = token_random(a, 8, err);
	if (share_id == NULL || nonce == NULL)
		return -1;
	const char *base = ap_base_url();
	const char *actor = ap_instance_actor_uri(a, base);
	const char *uri = arena_printf(a, "%s/alerts/shared/%s", base, share_id);
	const char *country = alert_node_country(a);
	bool remove = ev->kind == EV_ALERT_UNSHARED;
	const char *type = remove ? "Delete" : ev->again ? "Update" : "Create";
	for (int i = 0; i < n; i++) {
		const char *to = arena_printf(a, "%s://%s/actor", scheme(), partners[i]);
		json_t *object = remove ? json_string(uri) : alert_object(a, &al, uri, country);
		json_t *act = json_pack("{s:o,s:s,s:s,s:s,s:o,s:[s]}", "@context", alert_context(),
					"id", arena_printf(a, "%s#%s/%s", uri, type, nonce), "type",
					type, "actor", actor, "object", object, "to", to);
		if (act == NULL)
			return err_set(err, ERR_INTERNAL, NULL, "cannot build an alert activity");
		int rc = ap_enqueue_delivery(a, arena_printf(a, "%s/inbox", to), act, 0, err);
		json_decref(act);
		if (rc != 0)
			return -1;
	}
	return 0;
}

/* The object of act when it is a BadDateAlert of a Create or Update, else NULL. */
static const json_t *
alert_of(const json_t *act)
{
	if (!ap_prop_is_type(act, "Create") && !ap_prop_is_type(act, "Update"))
		return NULL;
	const json_t *obj = json_object_get(act, "object");
	return json_is_object(obj) && ap_prop_is_type(obj, AP_ALERT_TYPE) ? obj : NULL;
}

/* Whether signer is the instance actor of its own server ("<scheme>://<domain>/actor"). */
static bool
instance_actor(const struct account *signer)
{
	const char *p = signer->uri ? strstr(signer->uri, "://") : NULL;
	size_t n = signer->domain ? strlen(signer->domain) : 0;
	return p != NULL && n > 0 && strncmp(p + 3, signer->domain, n) == 0 &&
	       strcmp(p + 3 + n, "/actor") == 0;
}

static const char *
field(struct arena *a, const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);
	return json_is_string(v) ? arena_strdup(a, json_string_value(v)) : v ? NULL : "";
}

/* Reads obj into out; -1 + ERR_INVALID for a wrong type of a field. */
static int
read_alert(struct arena *a, const json_t *obj, const struct account *signer,
	   struct alert_shared *out, struct err *err)
{
	memset(out, 0, sizeof *out);
	out->uri = json_string_value(json_object_get(obj, "id"));
	if (out->uri == NULL)
		return err_set(err, ERR_INVALID, "The alert has no id.", "alert without an id");
	char *host = ap_url_domain(a, out->uri);
	if (host == NULL || strcmp(host, signer->domain) != 0)
		return err_set(err, ERR_FORBIDDEN, "The alert's id is not on its sender's server.",
			       "alert id on another host");
	struct alert_draft *d = &out->d;
	const char **slots[] = {&d->happened_on, &d->part_of_day, &d->area, &d->severity,
				&d->summary, &d->phones, &d->handles, &d->emails,
				&d->plates, &d->names, &d->vehicle, &d->description,
				&d->first_contact};
	static const char *const keys[] = {"happenedOn", "partOfDay", "area", "severity",
					   "content", "phones", "handles", "emails",
					   "plates", "names", "vehicle", "description",
					   "firstContact"};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if ((*slots[i] = field(a, obj, keys[i])) == NULL)
			return err_set(err, ERR_INVALID, "An alert field has the wrong type.",
				       "alert field %s", keys[i]);
	const json_t *cats = json_object_get(obj, "categories");
	if (!json_is_array(cats) || json_array_size(cats) > 8)
		return err_set(err, ERR_INVALID, "The alert's categories must be a list.",
			       "alert categories");
	d->categories = arena_alloc(a, sizeof *d->categories * (json_array_size(cats) + 1));
	for (size_t i = 0; i < json_array_size(cats); i++) {
		const char *c = json_string_value(json_array_get(cats, i));
		if (c == NULL)
			return err_set(err, ERR_INVALID, "The alert's categories must be a list.",
				       "alert category");
		d->categories[d->ncategories++] = arena_strdup(a, c);
	}
	const char *end = json_string_value(json_object_get(obj, "endTime"));
	if (end == NULL || timefmt_parse(end, &out->expires) != 0)
		return err_set(err, ERR_INVALID, "The alert needs an endTime.", "alert endTime");
	return 0;
}

int
ap_alert_inbox_check(struct arena *a, const json_t *act, const struct account *signer,
		     struct err *err)
{
	const json_t *obj = alert_of(act);
	if (obj == NULL) {
		/* a list of objects holding an alert: one alert an activity, or it would pass
		 * as something else */
		const json_t *list = json_object_get(act, "object"), *x;
		size_t i;
		if (!json_is_array(list) ||
		    (!ap_prop_is_type(act, "Create") && !ap_prop_is_type(act, "Update")))
			return 0;
		json_array_foreach(list, i, x)
		{
			if (json_is_object(x) && ap_prop_is_type(x, AP_ALERT_TYPE))
				return err_set(err, ERR_INVALID,
					       "An alert activity carries one alert.",
					       "alert in a list of objects");
		}
		return 0;
	}
	if (!instance_actor(signer))
		return err_set(err, ERR_FORBIDDEN,
			       "Alerts are accepted only from a partner's instance actor.",
			       "alert signed by %s", signer->uri ? signer->uri : "?");
	struct alert_shared in;
	if (alert_partner_check(a, signer->domain, err) != 0 ||
	    read_alert(a, obj, signer, &in, err) != 0 ||
	    alert_shared_check(a, &in, clock_now(), err) != 0)
		return -1;
	return 0;
}

int
ap_alert_receive(struct arena *a, const json_t *act, const struct account *from,
		 struct err *err)
{
	const json_t *obj = alert_of(act);
	if (obj != NULL) {
		struct alert_shared in;
		/* checked again: the partnership may have ended since it was queued; a refusal
		 * is final (nothing stored), only a database failure is retried */
		if (!instance_actor(from))
			return 1;
		if (read_alert(a, obj, from, &in, err) != 0 ||
		    alert_partner_receive(a, from->domain, &in, clock_now(), err) != 0)
			return err->code == ERR_UNAVAILABLE || err->code == ERR_INTERNAL ? -1 : 1;
		return 1;
	}
	if (!ap_prop_is_type(act, "Delete") || !instance_actor(from))
		return 0;
	const char *uri = ap_prop_first_ref(act, "object");
	return uri ? alert_partner_withdraw(a, from->domain, uri, err) : 0;
}

/* GET /actor/alert-partner: see alerts.h. */
static int
partner_status(struct req *req)
{
	struct account *signer = ap_verify_request(req, NULL, 0);
	if (signer == NULL)
		return -1;
	struct err err = {0};
	int partner = alert_partner_check(req->arena, signer->domain, &err) == 0;
	if (!partner && err.code != ERR_FORBIDDEN) {
		req->err = err; /* the database: 503, whoever asks */
		return -1;
	}
	if (!partner || !instance_actor(signer) || signer->suspended)
		return err_set(&req->err, ERR_NOT_FOUND, "Not found.", "not an alert partner");
	static const char body[] = "{\"partner\":true}";
	resp_set(req, MHD_HTTP_OK, "application/json", body, sizeof body - 1);
	resp_header(req, "Cache-Control", "no-store");
	return 0;
}

int
ap_alert_routes(struct router *r)
{
	return router_add(r, "GET", "/actor/alert-partner", partner_status);
}

/* The inbox partner domain's instance actor document names (stored like any actor, fetched
 * the first time through ap/resolve's checks), when it is on domain: 1 and *inbox, 0 and
 * *why, or -1 + err (ERR_UNAVAILABLE: ask again later). */
static int
partner_inbox(struct arena *a, const char *domain, const char **inbox, const char **why,
	      struct err *err)
{
	struct account *actor =
		ap_resolve_actor(a, arena_printf(a, "%s://%s/actor", scheme(), domain), false, err);
	if (actor == NULL) {
		if (err->code == ERR_UNAVAILABLE || err->code == ERR_INTERNAL)
			return -1;
		*why = "the partner's instance actor could not be read";
		return 0;
	}
	const char *found = NULL;
	if (db_account_inbox(a, actor->id, &found, err) != 0 && err->code != ERR_NOT_FOUND)
		return -1;
	char *host = found ? ap_url_domain(a, found) : NULL;
	if (host == NULL || strcmp(host, domain) != 0) {
		*why = "the partner's instance actor names no inbox on its own server";
		return 0;
	}
	*inbox = found;
	return 1;
}

int
ap_alert_delivery_wanted(struct arena *a, const json_t *activity, const char **inbox,
			 const char **why, struct err *err)
{
	const char *base = ap_base_url();
	size_t nb = strlen(base);
	const char *deleted = ap_prop_is_type(activity, "Delete")
				      ? json_string_value(json_object_get(activity, "object"))
				      : NULL;
	bool ours_deleted = deleted != NULL && strncmp(deleted, base, nb) == 0 &&
			    strncmp(deleted + nb, "/alerts/shared/", 15) == 0;
	const json_t *obj = alert_of(activity);
	if (obj == NULL && !ours_deleted)
		return 1;
	char *domain = ap_url_domain(a, *inbox);
	if (domain == NULL)
		return err_set(err, ERR_INVALID, NULL, "alert inbox is not a URL");
	/* a withdrawal (a Delete of ours) goes without asking about the partnership: a partner
	 * that stopped marking us may still hold the alert, and a Delete carries nothing but
	 * the random name it knows */
	if (obj == NULL)
		return partner_inbox(a, domain, inbox, why, err);
	/* withdrawn, changed or expired since it was queued: its Delete follows, or nothing */
	const char *oid = json_string_value(json_object_get(obj, "id"));
	int live = oid != NULL && strncmp(oid, base, nb) == 0 &&
			   strncmp(oid + nb, "/alerts/shared/", 15) == 0
		       ? alert_share_live(a, oid + nb + 15, clock_now(), err)
		       : 0;
	if (live <= 0) {
		*why = "the alert was withdrawn, changed or has expired since it was queued";
		return live;
	}
	struct fetch_signer s;
	const char *pub;
	if (ap_instance_keys(a, &s.private_pem, &pub, err) != 0)
		return -1;
	s.key_id = arena_printf(a, "%s#main-key", ap_instance_actor_uri(a, base));
	struct fetch_response resp;
	if (fetch_get(a, arena_printf(a, "%s://%s/actor/alert-partner", scheme(), domain),
		      "application/json", &s, &resp, err) != 0)
		return err->code == ERR_UNAVAILABLE ? -1 : 0;
	if (resp.status == 200)
		return partner_inbox(a, domain, inbox, why, err);
	if (resp.status == 408 || resp.status == 429 || resp.status >= 500 ||
	    resp.status == 401)
		return err_set(err, ERR_UNAVAILABLE, NULL, "%s answered %ld about the partnership",
			       domain, resp.status);
	*why = "the receiving server has not marked this one as an alert partner";
	return 0;
}
