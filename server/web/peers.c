/* peers.c - the federation page for admins: switch between allowlist and blocklist mode, add
 * and remove listed domains, and turn contact attempts of unknown domains into peers. */
#include "web/peers.h"

#include <microhttpd.h>
#include <string.h>

#include "core/federation.h"
#include "core/settings.h"
#include "http/request.h"
#include "http/router.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/strbuf.h"
#include "util/tmpl.h"
#include "web/confirm.h"
#include "web/web.h"

#define PEERS_PAGE 100
#define TITLE N_("Federation")

/* domain as one path segment: the port's ':' percent-encoded (the rest is [a-z0-9.-]). */
static const char *
domain_segment(struct arena *a, const char *domain)
{
	struct strbuf b;
	strbuf_init(&b, a);
	for (const char *p = domain; *p; p++)
		if (*p == ':')
			strbuf_puts(&b, "%3A");
		else
			strbuf_putc(&b, *p);
	return b.data ? b.data : "";
}

/* The page: the mode, a page of the list (?after=domain), the attempts. ctx may hold the add
 * form's values; form_err, when set, re-renders with its message. */
static int
peers_page(struct req *req, struct tval *ctx, const struct err *form_err)
{
	const char *after = req_query(req, "after");
	if (after != NULL && *after == '\0')
		after = NULL;
	if (after != NULL) {
		struct err bad;
		if ((after = federation_domain_normalise(req->arena, after, &bad)) == NULL)
			return err_set(&req->err, ERR_INVALID, "That page link is malformed.",
				       "bad after");
	}
	enum fed_mode mode = federation_mode(req->arena, &req->err);
	if (req->err.code != ERR_NONE)
		return -1;
	struct peer *peers;
	bool more;
	int n = federation_peers_list(req->arena, after, PEERS_PAGE, &peers, &more, &req->err);
	if (n < 0)
		return -1;
	struct fed_attempt *attempts;
	int na = federation_attempts_list(req->arena, &attempts, &req->err);
	if (na < 0)
		return -1;

	if (ctx == NULL)
		ctx = tval_obj(req->arena);
	tval_set_bool(ctx, "allowlist", mode == FED_ALLOWLIST);
	tval_set_bool(ctx, "blocklist", mode == FED_BLOCKLIST);
	struct tval *list = tval_list(req->arena);
	for (int i = 0; i < n; i++) {
		struct tval *v = tval_obj(req->arena);
		tval_set_str(v, "domain", peers[i].domain);
		tval_set_str(v, "segment", domain_segment(req->arena, peers[i].domain));
		tval_set_str(v, "note", peers[i].note);
		tval_set_str(v, "added_at", web_time(req, peers[i].added_at));
		tval_set_str(v, "unreachable_since", peers[i].unreachable_since
							 ? web_time(req, peers[i].unreachable_since)
							 : NULL);
		tval_push(list, v);
	}
	tval_set(ctx, "peers", list);
	tval_set_bool(ctx, "has_peers", n > 0 || after != NULL);
	if (more)
		tval_set_str(ctx, "next_url",
			     arena_printf(req->arena, "/admin/peers?after=%s#peer-list",
					  peers[n - 1].domain));
	if (after != NULL)
		tval_set_str(ctx, "first_url", "/admin/peers#peer-list");

	/* Only what the table holds: the domain, how often, when last. */
	struct tval *seen = tval_list(req->arena);
	for (int i = 0; i < na; i++) {
		struct tval *v = tval_obj(req->arena);
		tval_set_str(v, "domain", attempts[i].domain);
		tval_set_int(v, "count", attempts[i].attempts);
		tval_set_str(v, "last_seen", web_time(req, attempts[i].last_seen));
		tval_push(seen, v);
	}
	tval_set(ctx, "attempts", seen);
	tval_set_bool(ctx, "has_attempts", na > 0);
	return web_render_form(req, "admin_peers", TITLE, ctx, form_err);
}

static int
peers_get(struct req *req)
{
	if (!web_has_role(req, ROLE_ADMIN))
		return web_deny(req);
	return peers_page(req, NULL, NULL);
}

static int
peers_add(struct req *req)
{
	if (!web_has_role(req, ROLE_ADMIN))
		return web_deny(req);
	const char *domain = web_field(req, "domain"), *note = web_field(req, "note");
	struct err err;
	if (federation_peer_add(req->arena, domain, note, &err) != 0) {
		struct tval *ctx = tval_obj(req->arena);
		tval_set_str(ctx, "domain_value", domain);
		tval_set_str(ctx, "note_value", note);
		return peers_page(req, ctx, &err);
	}
	return web_redirect(req, "/admin/peers", "peer_added");
}

static int
peers_remove(struct req *req)
{
	if (!web_has_role(req, ROLE_ADMIN))
		return web_deny(req);
	const char *domain = req_param(req, "domain");
	if (!web_confirmed(req)) { /* a destructive action: say what happens first */
		enum fed_mode mode = federation_mode(req->arena, &req->err);
		if (req->err.code != ERR_NONE)
			return -1;
		const char *norm = federation_domain_normalise(req->arena, domain, &req->err);
		if (norm == NULL)
			return -1;
		struct tval *ctx = tval_obj(req->arena);
		struct tval *peer = tval_obj(req->arena);
		tval_set_str(peer, "domain", norm);
		tval_set_bool(peer, "allowlist", mode == FED_ALLOWLIST);
		tval_set(ctx, "peer", peer);
		return web_confirm_page(req, N_("Remove a peer"), ctx, "/admin/peers");
	}
	if (federation_peer_remove(req->arena, domain, &req->err) != 0)
		return -1;
	return web_redirect(req, "/admin/peers", "peer_removed");
}

static int
peers_mode(struct req *req)
{
	if (!web_has_role(req, ROLE_ADMIN))
		return web_deny(req);
	struct err err;
	enum fed_mode mode, current = federation_mode(req->arena, &req->err);
	if (req->err.code != ERR_NONE)
		return -1;
	if (fed_mode_parse(web_field(req, "federation_mode"), &mode) != 0)
		err_set(&err, ERR_UNPROCESSABLE, "Choose a federation mode from the list.",
			"bad federation mode");
	else if (mode == current)
		return web_redirect(req, "/admin/peers", "saved");
	else {
		/* The list keeps its domains and flips its meaning: blocked domains would become
		 * the only peers, or peers blocked. Only on purpose. */
		struct peer *first;
		bool more;
		int listed = federation_peers_list(req->arena, NULL, 1, &first, &more, &req->err);
		if (listed < 0)
			return -1;
		if (listed > 0 && strcmp(web_field(req, "confirm"), "1") != 0)
			err_set(&err, ERR_UNPROCESSABLE,
				"The list is not empty. Tick the box to confirm that its domains "
				"will be treated the opposite way.",
				"mode switch not confirmed");
		else if (federation_set_mode(req->arena, mode, &err) == 0)
			return web_redirect(req, "/admin/peers", "saved");
	}
	return peers_page(req, NULL, &err);
}

int
web_peers_routes(struct router *r)
{
	int rc = 0;
	rc |= router_add(r, "GET", "/admin/peers", peers_get);
	rc |= router_add(r, "POST", "/admin/peers", peers_add);
	rc |= router_add(r, "POST", "/admin/peers/mode", peers_mode);
	rc |= router_add(r, "POST", "/admin/peers/:domain/remove", peers_remove);
	return rc ? -1 : 0;
}
