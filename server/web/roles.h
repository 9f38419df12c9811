/* roles.h - the roles page for admins: the current admins and moderators, the form that makes
 * a member a moderator, a remove button per moderator, and the log of role changes. */
#ifndef PARASOL_WEB_ROLES_H
#define PARASOL_WEB_ROLES_H

struct router;

/* Registers this page group's routes. 0, or -1 for a bad pattern. */
int web_roles_routes(struct router *r);

#endif
