/* alert_review.h - the moderators' side of bad-date alerts (core/alerts.h):
 *   GET /admin/alerts               the alerts waiting for review, and flagged ones
 *   GET /admin/alerts/:id           one alert: its thread, redactions, log, flags; the forms
 *   POST /admin/alerts/:id/publish  publish, with the moderator's redactions when edited
 *   POST /admin/alerts/:id/ask      a question to the reporter (who stays anonymous)
 *   POST /admin/alerts/:id/decline  with a reason
 *   POST /admin/alerts/:id/close-flags, /admin/alerts/:id/renew
 *   GET/POST /admin/alert-settings  admins: country, expiry, whether reporters are shown
 * Anyone who isn't a moderator (an admin for the settings) gets 404. */
#ifndef PARASOL_WEB_ALERT_REVIEW_H
#define PARASOL_WEB_ALERT_REVIEW_H

struct router;

int web_alert_review_routes(struct router *r);

#endif
