/* move.c - see move.h. */
#include "web/move.h"

#include <microhttpd.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "core/account.h"
#include "core/move.h"
#include "http/request.h"
#include "http/router.h"
#include "util/arena.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/tval.h"
#include "http/signin_limit.h"
#include "web/twofactor.h"
#include "web/web.h"

#define ALIASES_TEMPLATE "move_in"
#define ALIASES_TITLE N_("Moving from another account")
#define MOVE_TEMPLATE "move_away"
#define MOVE_TITLE N_("Move to another account")

/* resolve.c's message for a server this community doesn't federate with */
#define NOT_A_PEER "That server is not one this community federates with."
#define BAD_ADDRESS "Write the address as user@server."

/* Whether a failure of a lookup or a move is the member's to read next to the form (true;
 * an actor document the peer got wrong is said plainly), or the server's (false). */
static bool
for_the_form(struct err *err)
{
	if (err->code == ERR_INTERNAL || err->code == ERR_GONE)
		return false;
	char detail[sizeof err->detail];
	memcpy(detail, err->detail, sizeof detail);
	detail[sizeof detail - 1] = '\0';
	if (err->code == ERR_FORBIDDEN && strcmp(err->safe, NOT_A_PEER) == 0)
		err->code = ERR_UNPROCESSABLE; /* the address, not the member, is refused */
	else if (err->code == ERR_UNAVAILABLE)
		err_set(err, ERR_UNAVAILABLE, "That server didn't answer. Try again later.", "%s",
			detail);
	else if (err->code == ERR_INVALID && strcmp(err->safe, BAD_ADDRESS) == 0)
		err->code = ERR_UNPROCESSABLE;
	else if (err->code == ERR_INVALID)
		err_set(err, ERR_UNPROCESSABLE,
			"That address doesn't lead to an account this node can use.", "%s", detail);
	return true;
}

/* The viewer's actor id and handle ("@name@host"), as other servers know them. */
static void
self_keys(struct req *req, struct tval *ctx)
{
	const struct app *app = req->app;
	const char *base = app->cfg.base_url;
	const char *host = strstr(base, "://");
	host = host ? host + 3 : base;
	size_t n = strcspn(host, "/");
	tval_set_str(ctx, "my_actor",
		     arena_printf(req->arena, "%s/users/%s", base, req->viewer->username));
	tval_set_str(ctx, "my_handle", arena_printf(req->arena, "@%s@%.*s", req->viewer->username,
						    (int)n, host));
}

/* Unix time t as ISO 8601 UTC (arena), for web_time. */
static const char *
iso(struct arena *a, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char buf[32];
	if (gmtime_r(&tt, &tm) == NULL || strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return "";
	return arena_strdup(a, buf);
}

void
web_move_target(struct req *req, const struct move_info *mi, const char **url,
		const char **handle)
{
	const struct account *to = mi->moved_to_account;
	if (to == NULL && mi->moved_to != NULL) {
		/* one of our members: "<base_url>/users/<name>" */
		const struct app *app = req->app;
		size_t n = strlen(app->cfg.base_url);
		struct err ignored;
		if (strncmp(mi->moved_to, app->cfg.base_url, n) == 0 &&
		    strncmp(mi->moved_to + n, "/users/", 7) == 0) {
			struct account *acct = account_by_username(req->arena, mi->moved_to + n + 7,
								   &ignored);
			to = acct != NULL && acct->approved && acct->domain == NULL ? acct : NULL;
		}
	}
	*handle = to ? account_handle(req->arena, to) : "";
	*url = to ? web_account_path(req->arena, *handle) : "";
}

static int
aliases_page(struct req *req, const struct err *err)
{
	struct move_info mi;
	if (move_info_get(req->arena, req->viewer, &mi, &req->err) != 0)
		return -1;
	struct tval *ctx = tval_obj(req->arena);
	self_keys(req, ctx);
	struct tval *list = tval_list(req->arena);
	for (int i = 0; i < mi.naliases; i++) {
		struct tval *v = tval_obj(req->arena);
		tval_set_str(v, "uri", mi.aliases[i]);
		tval_push(list, v);
	}
	tval_set(ctx, "aliases", list);
	tval_set_bool(ctx, "has_aliases", mi.naliases > 0);
	tval_set_str(ctx, "handle", err ? web_field(req, "handle") : "");
	return web_render_form(req, ALIASES_TEMPLATE, ALIASES_TITLE, ctx, err);
}

static int
aliases_form(struct req *req)
{
	if (req->viewer == NULL)
		return web_need_signin(req);
	return aliases_page(req, NULL);
}

static int
aliases_add(struct req *req)
{
	if (req->viewer == NULL)
		return web_need_signin(req);
	struct err err;
	if (move_alias_add(req->arena, req->viewer, web_field(req, "handle"), &err) != 0) {
		if (!for_the_form(&err)) {
			req->err = err;
			return -1;
		}
		return aliases_page(req, &err);
	}
	return web_redirect(req, "/settings/aliases", "alias_added");
}

static int
aliases_remove(struct req *req)
{
	if (req->viewer == NULL)
		return web_need_signin(req);
	struct err err;
	if (move_alias_remove(req->arena, req->viewer, web_field(req, "uri"), &err) != 0) {
		if (err.code != ERR_NOT_FOUND) {
			req->err = err;
			return -1;
		}
		return aliases_page(req, &err);
	}
	return web_redirect(req, "/settings/aliases", "alias_removed");
}

static int
move_page(struct req *req, const struct err *err)
{
	struct move_info mi;
	if (move_info_get(req->arena, req->viewer, &mi, &req->err) != 0)
		return -1;
	struct tval *ctx = tval_obj(req->arena);
	self_keys(req, ctx);
	tval_set_str(ctx, "username", req->viewer->username);
	tval_set_bool(ctx, "moved", mi.moved_to != NULL);
	tval_set_str(ctx, "moved_to", mi.moved_to ? mi.moved_to : "");
	const char *url, *handle;
	web_move_target(req, &mi, &url, &handle);
	tval_set_str(ctx, "moved_to_url", url);
	tval_set_str(ctx, "moved_to_handle", handle);
	bool wait = mi.next_move_at != 0 && clock_now() < mi.next_move_at;
	tval_set_bool(ctx, "must_wait", wait && mi.moved_to == NULL);
	tval_set_str(ctx, "next_move", wait ? web_time(req, iso(req->arena, mi.next_move_at)) : "");
	web_twofactor_keys(req, ctx);
	tval_set_str(ctx, "handle", err ? web_field(req, "handle") : "");
	/* the message goes beside the field it is about: a wrong password or code, or an
	   address that can't be moved to; anything else (too many tries) above the page */
	if (err != NULL && err->code == ERR_FORBIDDEN)
		return web_render_field_error(req, MOVE_TEMPLATE, MOVE_TITLE, ctx, "password_error",
					      err);
	if (err != NULL && (err->code == ERR_UNPROCESSABLE || err->code == ERR_INVALID ||
			    err->code == ERR_NOT_FOUND))
		return web_render_field_error(req, MOVE_TEMPLATE, MOVE_TITLE, ctx, "handle_error",
					      err);
	return web_render_form(req, MOVE_TEMPLATE, MOVE_TITLE, ctx, err);
}

static int
move_form(struct req *req)
{
	if (req->viewer == NULL)
		return web_need_signin(req);
	return move_page(req, NULL);
}

static int
move_submit(struct req *req)
{
	if (req->viewer == NULL)
		return web_need_signin(req);
	/* the password is guessed like a sign-in's: the same limits (signin_limit.h) */
	struct err err;
	if (signin_limit_check(req, req->viewer->username, &err) != 0)
		return move_page(req, &err);
	if (move_away(req->arena, req->viewer, web_field(req, "handle"),
		      web_field(req, "password"), web_field(req, "code"), clock_now(), &err) != 0) {
		if (!for_the_form(&err)) {
			req->err = err;
			return -1;
		}
		/* a wrong password or code counts as a failed sign-in */
		if (err.code == ERR_FORBIDDEN)
			signin_limit_failed(req, req->viewer->username);
		return move_page(req, &err);
	}
	return web_redirect(req, "/settings/move", "moved_away");
}

static int
move_undo_submit(struct req *req)
{
	if (req->viewer == NULL)
		return web_need_signin(req);
	struct err err;
	if (move_undo(req->arena, req->viewer, &err) != 0) {
		if (err.code != ERR_NOT_FOUND) {
			req->err = err;
			return -1;
		}
		return move_page(req, &err);
	}
	return web_redirect(req, "/settings/move", "move_undone");
}

int
web_move_routes(struct router *r)
{
	int rc = 0;
	rc |= router_add(r, "GET", "/settings/aliases", aliases_form);
	rc |= router_add(r, "POST", "/settings/aliases", aliases_add);
	rc |= router_add(r, "POST", "/settings/aliases/remove", aliases_remove);
	rc |= router_add(r, "GET", "/settings/move", move_form);
	rc |= router_add(r, "POST", "/settings/move", move_submit);
	rc |= router_add(r, "POST", "/settings/move/undo", move_undo_submit);
	return rc;
}
