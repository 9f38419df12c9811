/* admin.h - web pages: admin (placeholder until written). */
#ifndef PARASOL_WEB_ADMIN_H
#define PARASOL_WEB_ADMIN_H

struct router;

/* Registers this page group's routes. 0, or -1 for a bad pattern. */
int web_admin_routes(struct router *r);

#endif
