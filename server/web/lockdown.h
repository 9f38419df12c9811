/* lockdown.h - what the admin's lockdown switch (core/lockdown.h) does to requests, and its
 * form on the instance settings page (POST /admin/lockdown). */
#ifndef PARASOL_WEB_LOCKDOWN_H
#define PARASOL_WEB_LOCKDOWN_H

#include <stdbool.h>

struct req;
struct router;

/* The err detail of a visitor's request refused by the lockdown: web_render_error answers it
 * with the sign-in page (a redirect to /login?next=...) rather than an error page. */
extern const char WEB_LOCKDOWN_VISITOR[];

/* For web_before while the lockdown is on, once the viewer is known: a peer's request
 * (inboxes, actors, objects, collections, WebFinger, host-meta, NodeInfo, anything asked
 * for as ActivityPub JSON) gets ERR_UNAVAILABLE (503 with Retry-After); a visitor's request
 * for anything but signing in, recovery, the about and safety pages gets ERR_UNAUTHORIZED
 * with WEB_LOCKDOWN_VISITOR. 0 when the request may go on, -1 + req->err otherwise. */
int web_lockdown_gate(struct req *req);

int web_lockdown_routes(struct router *r);

#endif
