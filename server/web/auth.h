/* auth.h - web pages for signing up, signing in and out, and account recovery. */
#ifndef PARASOL_WEB_AUTH_H
#define PARASOL_WEB_AUTH_H

#include <stdbool.h>
#include <stdint.h>

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

/* Where to go after signing in: next when it is a local path (web_local_path) other than
 * the sign-in pages, else /home. */
const char *web_next_path(const char *next);

/* Starts a session for account_id and sets its cookie; persistent: kept on this device (see
 * web_set_session_cookie). A session this browser held before ends with it. The session's
 * secret (arena), or NULL + req->err. */
const char *web_sign_in(struct req *req, int64_t account_id, bool persistent);

/* Signs account_id in (web_sign_in) and answers with the redirect that follows: the
 * recovery codes when they are due, else next (a local path). 0, or -1 + req->err. */
int web_signed_in(struct req *req, int64_t account_id, bool persistent, const char *next);

#endif
