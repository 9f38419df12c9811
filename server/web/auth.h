/* auth.h - web pages for signing up, signing in and out, and account recovery. */
#ifndef PARASOL_WEB_AUTH_H
#define PARASOL_WEB_AUTH_H

struct router;

/* GET/POST /register, GET/POST /login, POST /logout, GET/POST /recover. */
int web_auth_routes(struct router *r);

#endif
