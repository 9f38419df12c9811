/* translations.h - web pages: the versions of the rules and the instance description in each
 * UI language other than the node's default (/admin/translations). */
#ifndef PARASOL_WEB_TRANSLATIONS_H
#define PARASOL_WEB_TRANSLATIONS_H

struct router;

/* Registers this page group's routes. 0, or -1 for a bad pattern. */
int web_translations_routes(struct router *r);

#endif
