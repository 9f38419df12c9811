/* admin.h - web pages: admin (placeholder until written). */
#ifndef PARASOL_WEB_ADMIN_H
#define PARASOL_WEB_ADMIN_H

struct err;
struct req;
struct router;

/* The instance settings page again with err next to the form whose error key is key (the
 * lockdown form's, web/lockdown.c), answered with err's status. */
int web_admin_settings_error(struct req *req, const char *key, const struct err *err);

/* Registers this page group's routes. 0, or -1 for a bad pattern. */
int web_admin_routes(struct router *r);

#endif
