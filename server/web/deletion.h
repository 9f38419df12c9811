/* deletion.h - Settings → "Delete my account" (core/deletion.h): GET /settings/delete says
 * what goes and what stays and asks for the password (and a code when two-factor is on);
 * POST /settings/delete deletes, ends the session and goes to the home page. */
#ifndef PARASOL_WEB_DELETION_H
#define PARASOL_WEB_DELETION_H

struct router;

int web_deletion_routes(struct router *r);

#endif
