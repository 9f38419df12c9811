/* rules.h - web pages: the rules admin page (moderators and admins), and the rules list the
 * public pages show. */
#ifndef PARASOL_WEB_RULES_H
#define PARASOL_WEB_RULES_H

#include <stdint.h>

struct req;
struct router;
struct tval;

/* Registers this page group's routes. 0, or -1 for a bad pattern. */
int web_rules_routes(struct router *r);

/* The community's rules for the rules partial: a list of {id, number, title, text}, in order,
 * in the reader's language (each rule's version in it, else the default version). On a
 * database error it is logged and the list is empty (the page still renders). */
struct tval *web_rules_view(struct req *req);

/* web_rules_view with {checked} set on the rules whose ids are among checked[0..nchecked) (a
 * form shown again after an error keeps what was ticked). */
struct tval *web_rules_view_checked(struct req *req, const int64_t *checked, int nchecked);

/* The rules among ids (a report's or an action's), in the rules' order, as a list of
 * {number, title} in the reader's language; rules deleted since are left out. Logged and empty on a database error. */
struct tval *web_rules_cited(struct req *req, const int64_t *ids, int n);

#endif
