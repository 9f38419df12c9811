/* timelines.c - reading pages: home, local, hashtag, profile and bookmarks. The queries and
 * the visibility filter are in core/timeline.c; pages are keyed by max_id / min_id. */
#include "web/timelines.h"

#include <microhttpd.h>
#include <string.h>

#include "core/account.h"
#include "core/media.h"
#include "core/move.h"
#include "core/remote_media.h"
#include "core/follow.h"
#include "core/settings.h"
#include "core/text.h"
#include "core/timeline.h"
#include "http/request.h"
#include "http/router.h"
#include "util/arena.h"
#include "util/i18n.h"
#include "util/id.h"
#include "util/tmpl.h"
#include "web/move.h"
#include "web/statuses.h"
#include "web/web.h"

static int64_t
viewer_id(const struct req *req)
{
	return req->viewer ? req->viewer->id : 0;
}

/* Reads the page bounds; -1 (400) for a malformed one. */
static int
query(struct req *req, struct timeline_query *q)
{
	struct page pg;
	if (web_page_params(req, &pg) != 0)
		return -1;
	q->max_id = pg.max_id;
	q->min_id = pg.min_id;
	q->limit = pg.limit;
	return 0;
}

/* This page's address, for the posts' forms to come back to: base with the page bound the
 * query asked for (query() checked it is an id), so that an action on an older page returns
 * to that page. */
static const char *
this_page(struct req *req, const char *base)
{
	const char *sep = strchr(base, '?') ? "&" : "?";
	struct page pg;
	char buf[ID_STRLEN];
	if (web_page_params(req, &pg) != 0)
		return base;
	if (pg.max_id != 0)
		return arena_printf(req->arena, "%s%smax_id=%s", base, sep,
				    id_format(pg.max_id, buf));
	if (pg.min_id != 0)
		return arena_printf(req->arena, "%s%smin_id=%s", base, sep,
				    id_format(pg.min_id, buf));
	return base;
}

/* Puts a page of posts and its links into ctx. base is the page's path. */
static void
put_page(struct req *req, struct tval *ctx, const struct timeline_page *p, const char *base)
{
	tval_set(ctx, "statuses", web_status_list(req, p->items, p->n, this_page(req, base)));
	if (p->n > 0)
		web_page_links(req, ctx, base, p->items[0].key, p->items[p->n - 1].key,
			       p->has_newer, p->has_older);
}

static int
home_page(struct req *req)
{
	struct timeline_query q;
	struct timeline_page p;
	if (query(req, &q) != 0 || timeline_home(req->arena, req->viewer->id, &q, &p, &req->err) != 0)
		return -1;
	struct tval *ctx = tval_obj(req->arena);
	tval_set_bool(ctx, "home", true);
	tval_set(ctx, "compose", web_compose_view(req, NULL, "/home"));
	put_page(req, ctx, &p, "/home");
	return web_render(req, MHD_HTTP_OK, "timeline", N_("Home"), ctx);
}

static int
home(struct req *req)
{
	if (!req->viewer)
		return web_need_signin(req);
	return web_member_page(req, home_page);
}

static int
local(struct req *req)
{
	if (!req->viewer && !(req->settings && req->settings->local_timeline_public))
		return web_need_signin(req);
	struct timeline_query q;
	struct timeline_page p;
	if (query(req, &q) != 0 || timeline_local(req->arena, viewer_id(req), &q, &p, &req->err) != 0)
		return -1;
	struct tval *ctx = tval_obj(req->arena);
	tval_set_bool(ctx, "local", true);
	put_page(req, ctx, &p, "/local");
	return web_render(req, MHD_HTTP_OK, "timeline", N_("Local timeline"), ctx);
}

static int
tag(struct req *req)
{
	const char *name = req_param(req, "tag");
	if (name == NULL || *name == '\0' || text_length(name) > TEXT_TAG_MAX)
		return err_set(&req->err, ERR_NOT_FOUND, NULL, "bad tag");
	struct timeline_query q;
	struct timeline_page p;
	if (query(req, &q) != 0 ||
	    timeline_tag(req->arena, viewer_id(req), name, &q, &p, &req->err) != 0)
		return -1;
	struct tval *ctx = tval_obj(req->arena);
	tval_set_str(ctx, "tag", name);
	/* the path as requested (already percent-encoded), so the links round-trip */
	put_page(req, ctx, &p, req->path);
	return web_render(req, MHD_HTTP_OK, "timeline", N_("Hashtag"), ctx);
}

static int
bookmarks(struct req *req)
{
	if (!req->viewer)
		return web_need_signin(req);
	struct timeline_query q;
	struct timeline_page p;
	if (query(req, &q) != 0 ||
	    timeline_bookmarks(req->arena, req->viewer->id, &q, &p, &req->err) != 0)
		return -1;
	struct tval *ctx = tval_obj(req->arena);
	tval_set_bool(ctx, "bookmarks", true);
	put_page(req, ctx, &p, "/bookmarks");
	return web_render(req, MHD_HTTP_OK, "timeline", N_("Bookmarks"), ctx);
}

/* The follow/mute/block buttons (core/follow.h, the social pages handle the POSTs). */
static int
put_relationship(struct req *req, struct tval *ctx, const struct account *acct)
{
	if (req->viewer == NULL || req->viewer->id == acct->id)
		return 0;
	struct relationship rel;
	if (relationship_get(req->arena, req->viewer->id, acct->id, &rel, &req->err) != 0)
		return -1;
	struct tval *r = tval_obj(req->arena);
	tval_set_bool(r, "following", rel.following);
	tval_set_bool(r, "requested", rel.requested);
	tval_set_bool(r, "can_follow", !rel.following && !rel.requested && !rel.blocking);
	tval_set_bool(r, "followed_by", rel.followed_by);
	tval_set_bool(r, "blocking", rel.blocking);
	tval_set_bool(r, "muting", rel.muting);
	tval_set(ctx, "relationship", r);
	tval_set_bool(ctx, "can_act", true);
	return 0;
}

/* "This account has moved to ...": moved, moved_to (the actor id), moved_to_url and
 * moved_to_handle (its profile here, "" when this node doesn't know it). */
static int
moved_keys(struct req *req, struct tval *ctx, const struct account *acct)
{
	struct move_info mi;
	if (move_info_get(req->arena, acct, &mi, &req->err) != 0)
		return -1;
	const char *url, *handle;
	web_move_target(req, &mi, &url, &handle);
	tval_set_bool(ctx, "moved", mi.moved_to != NULL);
	tval_set_str(ctx, "moved_to", mi.moved_to ? mi.moved_to : "");
	tval_set_str(ctx, "moved_to_url", url);
	tval_set_str(ctx, "moved_to_handle", handle);
	return 0;
}

static int
profile(struct req *req)
{
	const char *name = req_param(req, "name");
	struct account *acct = name ? account_by_handle(req->arena, name, &req->err) : NULL;
	if (acct == NULL && req->err.code == ERR_UNAVAILABLE)
		return -1; /* not "no such account": we can't tell */
	if (acct == NULL)
		return err_set(&req->err, ERR_NOT_FOUND, "No account has that name.",
			       "no such profile");
	/* not approved, suspended (but for itself and the moderators), a blocker: gone */
	if (timeline_profile_check(req->arena, req->viewer, acct, &req->err) != 0)
		return -1;
	struct timeline_query q;
	struct timeline_page p, pinned = {0};
	if (query(req, &q) != 0 ||
	    timeline_account(req->arena, viewer_id(req), acct->id, &q, &p, &req->err) != 0)
		return -1;
	if (q.max_id == 0 && q.min_id == 0 &&
	    timeline_pinned(req->arena, viewer_id(req), acct->id, &pinned, &req->err) != 0)
		return -1;
	long posts, followers, following;
	if (timeline_account_counts(req->arena, acct->id, &posts, &followers, &following,
				    &req->err) != 0)
		return -1;
	const char *base = web_account_path(req->arena, account_handle(req->arena, acct));
	struct tval *ctx = tval_obj(req->arena);
	struct tval *av = web_account_view(req, acct);
	struct tval *fields = tval_list(req->arena);
	for (int i = 0; i < acct->nfields; i++) {
		struct tval *f = tval_obj(req->arena);
		tval_set_str(f, "name", acct->fields[i].name);
		tval_set_str(f, "value", acct->fields[i].value);
		tval_push(fields, f);
	}
	tval_set(av, "fields", fields);
	tval_set_bool(av, "has_fields", acct->nfields > 0);
	/* a member's own images, or a remote account's from this node's cache (never its
	 * server's address) */
	const char *pic = NULL, *head = NULL;
	if (acct->domain != NULL) {
		pic = remote_media_profile(req->arena, acct->id, "avatar");
		head = remote_media_profile(req->arena, acct->id, "header");
	} else {
		struct media_row *own_pic = media_profile(req->arena, acct->id, "avatar");
		struct media_row *own_head = media_profile(req->arena, acct->id, "header");
		pic = own_pic ? own_pic->thumb_name : NULL;
		head = own_head ? own_head->thumb_name : NULL;
	}
	tval_set_str(av, "avatar_url", pic ? arena_printf(req->arena, "/media/%s", pic) : "");
	tval_set_str(av, "header_url", head ? arena_printf(req->arena, "/media/%s", head) : "");
	tval_set(ctx, "account", av);
	if (moved_keys(req, ctx, acct) != 0)
		return -1;
	tval_set_int(ctx, "posts_count", posts);
	tval_set_int(ctx, "followers_count", followers);
	tval_set_int(ctx, "following_count", following);
	tval_set_bool(ctx, "show_collections",
		      !acct->hide_collections ||
			      (req->viewer != NULL && req->viewer->id == acct->id));
	tval_set_str(ctx, "back", base);
	if (put_relationship(req, ctx, acct) != 0)
		return -1;
	struct tval *pins = tval_list(req->arena);
	for (int i = 0; i < pinned.n; i++) {
		struct tval *v = web_status_view(req, &pinned.items[i], base);
		tval_set_bool(v, "pinned_here", true);
		/* the post may be in the list below too: element ids stay unique */
		char buf[ID_STRLEN];
		tval_set_str(v, "dom_id",
			     arena_printf(req->arena, "pin-%s", id_format(pinned.items[i].id, buf)));
		tval_push(pins, v);
	}
	tval_set(ctx, "pinned", pins);
	tval_set_bool(ctx, "has_pinned", pinned.n > 0);
	put_page(req, ctx, &p, base);
	/* a member of this node who chose to be discoverable may be found by search engines */
	if (acct->domain == NULL && acct->discoverable && !acct->suspended)
		web_welcome_search_engines(req, ctx);
	return web_render(req, MHD_HTTP_OK, "profile", N_("Profile"), ctx);
}

int
web_timelines_routes(struct router *r)
{
	int rc = 0;
	rc |= router_add(r, "GET", "/home", home);
	rc |= router_add(r, "GET", "/local", local);
	rc |= router_add(r, "GET", "/tags/:tag", tag);
	rc |= router_add(r, "GET", "/bookmarks", bookmarks);
	rc |= router_add(r, "GET", "/@:name", profile);
	return rc ? -1 : 0;
}
