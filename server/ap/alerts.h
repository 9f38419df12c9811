/* alerts.h - bad-date alerts between partner nodes (issue 14, core/alerts.h).
 *
 * A published alert whose reporter let partners have it goes to every alert partner's
 * instance actor inbox as a Create (an Update when renewed or published again, a Delete when
 * withdrawn) of a BadDateAlert, signed by our instance actor and sent through the deliver
 * job. It carries the offender details only: never the reporter, the account, who filed it
 * for whom, the consent switches or the question thread (README, "Bad-date alerts", gives the
 * type, its context and fields). Inbound, the inbox refuses before storing anything an alert
 * that isn't signed by the instance actor of a node this one marked as a partner, or that a
 * draft check refuses; the worker files it in the review queue (core/alerts.c). */
#ifndef PARASOL_AP_ALERTS_H
#define PARASOL_AP_ALERTS_H

#include <jansson.h>

#include "core/events.h"

struct account;
struct arena;
struct err;

#define AP_ALERT_TYPE "BadDateAlert"

/* Queues the activities of EV_ALERT_SHARED / EV_ALERT_UNSHARED (ev->object_id) for every
 * partner. 0 or -1 + err. */
int ap_alert_event(struct arena *a, const struct event *ev, struct err *err);

/* GET /actor/alert-partner, signed: 200 to the instance actor of a server this node marked
 * as an alert partner, 404 to anyone else (a sender asks before each alert delivery, so
 * that a partner that didn't mark it back gets nothing). */
struct router;
int ap_alert_routes(struct router *r);

/* Whether a queued delivery to *inbox may go, and where: an alert activity is queued for
 * the partner's domain and goes to the inbox the partner's instance actor
 * (<scheme>://<domain>/actor) names, which must be on that domain (*inbox is set to it; the
 * actor is stored like any other, fetched once). A Create or Update of a BadDateAlert goes
 * only while the alert is still shared (alert_share_live: not withdrawn, changed or expired
 * since it was queued) and when the receiving server answers GET /actor/alert-partner with
 * 200 to our instance actor; the Delete of one of ours goes without that question (a
 * partner that stopped marking us may still hold it). 1 yes (or not an alert activity),
 * 0 no (*why says why), -1 + err (ERR_UNAVAILABLE: ask again later). */
int ap_alert_delivery_wanted(struct arena *a, const json_t *activity, const char **inbox,
			     const char **why, struct err *err);

/* The inbox's check of an activity from signer before it is stored: a Create or Update of
 * a BadDateAlert must come from a partner's instance actor and hold an alert a draft check
 * accepts (ERR_FORBIDDEN or ERR_INVALID, nothing stored). Other activities pass (0). */
int ap_alert_inbox_check(struct arena *a, const json_t *act, const struct account *signer,
			 struct err *err);

/* The worker's part: applies act when it is about an alert (a Create or Update of a
 * BadDateAlert; a Delete of a partner's alert): 1 done, 0 not about an alert, -1 + err. */
int ap_alert_receive(struct arena *a, const json_t *act, const struct account *from,
		     struct err *err);

#endif
