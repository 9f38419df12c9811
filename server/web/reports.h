/* reports.h - web pages for reports: the form members use to report a post or an account,
 * and the moderators' list of open reports. */
#ifndef PARASOL_WEB_REPORTS_H
#define PARASOL_WEB_REPORTS_H

struct router;

/* Registers this page group's routes. 0, or -1 for a bad pattern. */
int web_reports_routes(struct router *r);

#endif
