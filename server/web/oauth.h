/* oauth.h - the web's side of OAuth 2 (core/oauth.h): the consent page apps send members to
 * (GET and POST /oauth/authorize) and Settings -> "Authorised apps". */
#ifndef PARASOL_WEB_OAUTH_H
#define PARASOL_WEB_OAUTH_H

struct req;
struct router;
struct tval;

/* Registers /oauth/authorize and /settings/apps/:id/revoke. */
int web_oauth_routes(struct router *r);

/* Puts the signed-in member's authorised apps into ctx as "apps" (name, website, scopes,
 * created_on, last_used_on: days, never times). A database error leaves the list out. */
void web_oauth_keys(struct req *req, struct tval *ctx);

#endif
