/* rules.h - web pages: the rules admin page (moderators and admins), and the rules list the
 * public pages show. */
#ifndef PARASOL_WEB_RULES_H
#define PARASOL_WEB_RULES_H

struct req;
struct router;
struct tval;

/* Registers this page group's routes. 0, or -1 for a bad pattern. */
int web_rules_routes(struct router *r);

/* The community's rules for the rules partial: a list of {number, title, text}, in order.
 * On a database error it is logged and the list is empty (the page still renders). */
struct tval *web_rules_view(struct req *req);

#endif
