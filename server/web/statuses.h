/* statuses.h - web pages: statuses (placeholder until written). */
#ifndef PARASOL_WEB_STATUSES_H
#define PARASOL_WEB_STATUSES_H

struct router;

/* Registers this page group's routes. 0, or -1 for a bad pattern. */
int web_statuses_routes(struct router *r);

#endif
