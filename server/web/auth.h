/* auth.h - web pages for signing up, signing in and out, and account recovery. */
#ifndef PARASOL_WEB_AUTH_H
#define PARASOL_WEB_AUTH_H

#include <stdbool.h>

struct req;
struct router;

/* GET/POST /register, GET/POST /login, POST /logout, GET/POST /recover. */
int web_auth_routes(struct router *r);

/* The address of the one view of the recovery codes (GET /recovery-codes) for the session
 * whose secret is session_token. It carries a value derived from that secret: the view that
 * makes the codes (and voids the old ones) happens only through it, so a page elsewhere
 * can't send the member's browser there (a cross-site GET carries the session cookie) and
 * use the view up unseen. welcome: just joined. Owned by the request's arena. */
const char *web_recovery_codes_url(struct req *req, const char *session_token, bool welcome);

#endif
