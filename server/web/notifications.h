/* notifications.h - web pages: notifications (placeholder until written). */
#ifndef PARASOL_WEB_NOTIFICATIONS_H
#define PARASOL_WEB_NOTIFICATIONS_H

struct router;

/* Registers this page group's routes. 0, or -1 for a bad pattern. */
int web_notifications_routes(struct router *r);

#endif
