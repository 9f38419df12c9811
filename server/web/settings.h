/* settings.h - a member's settings page and its forms. */
#ifndef PARASOL_WEB_SETTINGS_H
#define PARASOL_WEB_SETTINGS_H

struct err;
struct req;
struct router;

/* Registers this page group's routes. 0, or -1 for a bad pattern. */
int web_settings_routes(struct router *r);

/* The settings page from the saved account with err shown next to the form whose template
 * key is key (e.g. "two_factor_error"); the status is err's. */
int web_settings_error(struct req *req, const char *key, const struct err *err);

#endif
