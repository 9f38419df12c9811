/* alerts.h - the members' pages of bad-date alerts (core/alerts.h). Members only: visitors,
 * suspended members and every API or ActivityPub path get 404, as if nothing existed; every
 * page says noindex (as all pages do) and works without JavaScript.
 *   GET /alerts                     browse: areas, categories, the areas one follows
 *   GET/POST /alerts/new, /alerts   the form, filing
 *   GET /alerts/mine                the member's own alerts, every state
 *   GET /alerts/lookup              screening: ?kind=phone|handle|email|plate&value=
 *   GET /alerts/digest              printable, one page per area
 *   GET /alerts/:id                 one alert (its reporter: the thread, edit, withdraw)
 *   GET/POST /alerts/:id/edit       the reporter's edit
 *   POST /alerts/:id/withdraw|reply|renew|flag
 *   POST /alerts/areas, /alerts/areas/remove   following an area
 * The moderators' pages are web/alert_review.c. */
#ifndef PARASOL_WEB_ALERTS_H
#define PARASOL_WEB_ALERTS_H

#include <stdbool.h>

struct db_alert;
struct req;
struct router;
struct tval;

int web_alerts_routes(struct router *r);

/* An alert for templates: every field, its categories, severity and part of day in the
 * reader's language, times through web_time, state flags (pending, published, declined,
 * withdrawn, expired), mine, reporter ("" unless shown), partner fields (arena). */
struct tval *web_alert_view(struct req *req, const struct db_alert *al);

/* The form's values for template alert_form (or the moderators' redaction form): from the
 * submitted form when from_form, else from al (NULL: a blank form). */
void web_alert_form_values(struct req *req, struct tval *ctx, const struct db_alert *al,
			   bool from_form);

/* The submitted form as a draft (core/alertcheck.h). */
struct alert_draft;
void web_alert_draft(struct req *req, struct alert_draft *d);

#endif
