/* lockdown.c - see lockdown.h. Static files, /healthz and /robots.txt never reach the gate
 * (web_before lets them through before it reads the session); images do while the lockdown
 * is on, so that only signed-in members still see them. */
#include "web/lockdown.h"

#include <string.h>

#include "core/lockdown.h"
#include "http/request.h"
#include "http/router.h"
#include "util/err.h"
#include "web/admin.h"
#include "web/web.h"

const char WEB_LOCKDOWN_VISITOR[] = "lockdown: visitor";

static bool
starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* What peers ask for: federation's routes, and any page asked for as ActivityPub JSON. */
static bool
federation_request(struct req *req)
{
	const char *p = req->path;
	if (strcmp(p, "/inbox") == 0 || starts(p, "/users/") || strcmp(p, "/actor") == 0 ||
	    starts(p, "/actor/") || starts(p, "/.well-known/") || starts(p, "/nodeinfo/"))
		return true;
	const char *accept = req_header(req, "Accept");
	return accept != NULL && (strstr(accept, "application/activity+json") != NULL ||
				  strstr(accept, "application/ld+json") != NULL);
}

/* What a visitor may still open: signing in (and its second step), recovery with a code,
 * signing out, and the pages that say what this node is. */
static bool
visitor_may(const char *path)
{
	static const char *const open[] = {"/login", "/login/code", "/recover", "/logout",
					   "/about", "/safety"};
	for (size_t i = 0; i < sizeof open / sizeof open[0]; i++)
		if (strcmp(path, open[i]) == 0)
			return true;
	return false;
}

int
web_lockdown_gate(struct req *req)
{
	if (federation_request(req))
		return err_set(&req->err, ERR_UNAVAILABLE,
			       "This server is not federating right now. Try again later.",
			       "lockdown: federation refused");
	if (req->viewer == NULL && !visitor_may(req->path))
		return err_set(&req->err, ERR_UNAUTHORIZED, "Sign in to see this page.", "%s",
			       WEB_LOCKDOWN_VISITOR);
	return 0;
}

/* POST /admin/lockdown: lockdown=on or off, and an optional reason for the log. */
static int
lockdown_submit(struct req *req)
{
	if (!web_has_role(req, ROLE_ADMIN))
		return web_deny(req);
	const char *want = web_field(req, "lockdown");
	struct err err;
	int rc;
	if (strcmp(want, "on") != 0 && strcmp(want, "off") != 0)
		rc = err_set(&err, ERR_UNPROCESSABLE, "Choose to switch the lockdown on or off.",
			     "lockdown: bad value");
	else
		rc = lockdown_set(req->arena, req->viewer, strcmp(want, "on") == 0,
				  web_field(req, "reason"), &err);
	if (rc != 0) {
		if (err.code != ERR_UNPROCESSABLE && err.code != ERR_CONFLICT) {
			req->err = err;
			return -1;
		}
		return web_admin_settings_error(req, "lockdown_error", &err);
	}
	return web_redirect(req, "/admin/settings#lockdown",
			    strcmp(want, "on") == 0 ? "lockdown_on" : "lockdown_off");
}

int
web_lockdown_routes(struct router *r)
{
	return router_add(r, "POST", "/admin/lockdown", lockdown_submit);
}
