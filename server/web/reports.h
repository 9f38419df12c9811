/* reports.h - web pages for reports: the form members use to report a post or an account,
 * the moderators' list of open reports, and POST /admin/reports/:id/forward (moderators
 * send a report about a remote account to its server; 404 unknown, 409 sent already, 422 a
 * local account or a server this node doesn't federate with). */
#ifndef PARASOL_WEB_REPORTS_H
#define PARASOL_WEB_REPORTS_H

struct router;

/* Registers this page group's routes. 0, or -1 for a bad pattern. */
int web_reports_routes(struct router *r);

#endif
