/* settings.h - web pages: settings (placeholder until written). */
#ifndef PARASOL_WEB_SETTINGS_H
#define PARASOL_WEB_SETTINGS_H

struct router;

/* Registers this page group's routes. 0, or -1 for a bad pattern. */
int web_settings_routes(struct router *r);

#endif
