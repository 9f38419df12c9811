/* timelines.h - web pages: timelines (placeholder until written). */
#ifndef PARASOL_WEB_TIMELINES_H
#define PARASOL_WEB_TIMELINES_H

struct router;

/* Registers this page group's routes. 0, or -1 for a bad pattern. */
int web_timelines_routes(struct router *r);

#endif
