/* timelines.c - GET /api/v1/timelines/home, /public and /tag/:tag, and /api/v1/bookmarks, over the
 * same core/timeline.h queries as the web's pages (the one visibility rule inside them). */
#include <microhttpd.h>
#include <string.h>

#include "api/api.h"
#include "api/entities.h"
#include "api/paging.h"
#include "api/params.h"
#include "core/settings.h"
#include "core/text.h"
#include "core/timeline.h"
#include "util/err.h"

static int64_t
viewer_id(const struct api_call *call)
{
	return call->me ? call->me->id : 0;
}

typedef int (*timeline_fn)(struct api_call *call, const struct timeline_query *q,
			   struct timeline_page *out);

/* Reads the page bounds, calls fn, answers the statuses with their Link header. */
static int
answer_page(struct api_call *call, timeline_fn fn)
{
	struct timeline_query q;
	int64_t since;
	struct timeline_page p;
	if (api_page_params(call, &q, &since) != 0 || fn(call, &q, &p) != 0)
		return -1;
	int64_t newest = p.n ? p.items[0].key : 0, oldest = p.n ? p.items[p.n - 1].key : 0;
	api_page_since(&p, since);
	if (api_json(call, MHD_HTTP_OK, api_statuses(call, p.items, p.n)) != 0)
		return -1;
	api_page_links(call, newest, oldest, p.has_older);
	return 0;
}

static int
home_page(struct api_call *call, const struct timeline_query *q, struct timeline_page *out)
{
	return timeline_home(call->req->arena, call->me->id, q, out, &call->req->err);
}

static int
home(struct api_call *call)
{
	return answer_page(call, home_page);
}

static int
local_page(struct api_call *call, const struct timeline_query *q, struct timeline_page *out)
{
	return timeline_local(call->req->arena, viewer_id(call), q, out, &call->req->err);
}

static int
empty_page(struct api_call *call, const struct timeline_query *q, struct timeline_page *out)
{
	(void)call;
	(void)q;
	*out = (struct timeline_page){0};
	return 0;
}

/* The public timeline is this node's members' public posts (local=true or not): the node
 * shows no timeline of other servers' posts, so remote=true is an empty list. Visitors
 * read it only when the admins opened the local timeline to them, as on the web. */
static int
public_tl(struct api_call *call)
{
	bool local, remote;
	if (api_bool(call, "local", false, &local) != 0 ||
	    api_bool(call, "remote", false, &remote) != 0)
		return -1;
	if (call->me == NULL &&
	    !(call->req->settings && call->req->settings->local_timeline_public))
		return err_set(&call->req->err, ERR_UNAUTHORIZED,
			       "This method requires an authenticated user",
			       "public timeline closed");
	return answer_page(call, remote && !local ? empty_page : local_page);
}

static int
tag_page(struct api_call *call, const struct timeline_query *q, struct timeline_page *out)
{
	const char *tag = req_param(call->req, "tag");
	return timeline_tag(call->req->arena, viewer_id(call), tag ? tag : "", q, out,
			    &call->req->err);
}

/* Open to visitors like the web's tag pages (their public posts only: core/timeline.h). */
static int
tag(struct api_call *call)
{
	const char *name = req_param(call->req, "tag");
	if (name == NULL || *name == '\0' || text_length(name) > TEXT_TAG_MAX)
		return err_set(&call->req->err, ERR_NOT_FOUND, "Record not found", "bad tag");
	return answer_page(call, tag_page);
}

static int
bookmarks_page(struct api_call *call, const struct timeline_query *q, struct timeline_page *out)
{
	return timeline_bookmarks(call->req->arena, call->me->id, q, out, &call->req->err);
}

/* GET /api/v1/bookmarks: the member's bookmarks, paged like a timeline. */
static int
bookmarks(struct api_call *call)
{
	return answer_page(call, bookmarks_page);
}

static int
favourites_page(struct api_call *call, const struct timeline_query *q, struct timeline_page *out)
{
	return timeline_favourites(call->req->arena, call->me->id, q, out, &call->req->err);
}

/* GET /api/v1/favourites: the posts the member liked, paged like bookmarks. */
static int
favourites(struct api_call *call)
{
	return answer_page(call, favourites_page);
}

static const struct api_route routes[] = {
    {"GET", "/api/v1/timelines/home", home, API_MEMBER, SCOPE(SCOPE_READ_STATUSES)},
    {"GET", "/api/v1/timelines/public", public_tl, API_ANYONE, SCOPE(SCOPE_READ_STATUSES)},
    {"GET", "/api/v1/timelines/tag/:tag", tag, API_ANYONE, SCOPE(SCOPE_READ_STATUSES)},
    {"GET", "/api/v1/bookmarks", bookmarks, API_MEMBER, SCOPE(SCOPE_READ_BOOKMARKS)},
    {"GET", "/api/v1/favourites", favourites, API_MEMBER, SCOPE(SCOPE_READ_FAVOURITES)},
};

int
api_timelines_routes(struct router *r)
{
	return api_register(r, routes, sizeof routes / sizeof routes[0]);
}
