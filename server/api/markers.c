/* markers.c - GET and POST /api/v1/markers (home, notifications: last_read_id, version,
 * updated_at), over core/markers.h. POST takes home[last_read_id] and
 * notifications[last_read_id] as form fields (Mastodon.py) or as JSON objects
 * ({"home": {"last_read_id": "..."}}); both timelines' markers are written together or
 * not at all. */
#include <microhttpd.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "api/entities.h"
#include "api/params.h"
#include "core/markers.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/id.h"

static const char *const timelines[] = {"home", "notifications"};
#define NTIMELINES (sizeof timelines / sizeof timelines[0])

static json_t *
marker_json(struct api_call *call, const struct marker *m)
{
	char buf[ID_STRLEN];
	return json_pack("{ss sI so}", "last_read_id", id_format(m->last_read_id, buf), "version",
			 (json_int_t)m->version, "updated_at", api_time(call, m->updated_at));
}

static bool
wanted(const char *timeline, const char **list, int n)
{
	if (n == 0)
		return true;
	for (int i = 0; i < n; i++)
		if (strcmp(list[i], timeline) == 0)
			return true;
	return false;
}

/* GET: the markers of the timeline[] asked for (all of them when none is named). */
static int
get(struct api_call *call)
{
	const char **list;
	int n;
	if (api_list(call, "timeline", (int)NTIMELINES * 2, &list, &n) != 0)
		return -1;
	struct marker *m;
	int count = marker_list(call->req->arena, call->me->id, &m, &call->req->err);
	if (count < 0)
		return -1;
	json_t *doc = json_object();
	for (int i = 0; i < count; i++)
		if (wanted(m[i].timeline, list, n))
			json_object_set_new(doc, m[i].timeline, marker_json(call, &m[i]));
	return api_json(call, MHD_HTTP_OK, doc);
}

static int
bad(struct api_call *call, const char *timeline, const char *why)
{
	err_set(&call->req->err, ERR_UNPROCESSABLE, "", "marker %s: %s", timeline, why);
	snprintf(call->req->err.safe, sizeof call->req->err.safe, "%s[last_read_id]: %s", timeline,
		 i18n_gettext(call->req->lang, why));
	return -1;
}

/* The last_read_id sent for timeline: *id 0 when none was. */
static int
read_id(struct api_call *call, const char *timeline, int64_t *id)
{
	*id = 0;
	const struct body *b = &call->req->body;
	if (b->kind == BODY_JSON && json_is_object(b->json)) {
		json_t *obj = json_object_get(b->json, timeline);
		if (obj == NULL || json_is_null(obj))
			return 0;
		if (!json_is_object(obj))
			return bad(call, timeline, N_("must be an id"));
		json_t *v = json_object_get(obj, "last_read_id");
		if (json_is_integer(v) && json_integer_value(v) > 0) {
			*id = (int64_t)json_integer_value(v);
			return 0;
		}
		if (!json_is_string(v) || id_parse(json_string_value(v), id) != 0 || *id <= 0)
			return bad(call, timeline, N_("must be an id"));
		return 0;
	}
	const char *name = arena_printf(call->req->arena, "%s[last_read_id]", timeline);
	if (api_id(call, name, id) != 0)
		return -1;
	if (*id < 0)
		return bad(call, timeline, N_("must be an id"));
	return 0;
}

/* POST: sets the markers sent; answers them as stored. */
static int
set(struct api_call *call)
{
	struct marker in[NTIMELINES], out[NTIMELINES];
	int n = 0;
	for (size_t i = 0; i < NTIMELINES; i++) {
		int64_t id;
		if (read_id(call, timelines[i], &id) != 0)
			return -1;
		if (id != 0)
			in[n++] = (struct marker){.timeline = timelines[i], .last_read_id = id};
	}
	if (n == 0)
		return err_set(&call->req->err, ERR_UNPROCESSABLE,
			       "home[last_read_id] or notifications[last_read_id] is required.",
			       "no marker");
	if (marker_set(call->req->arena, call->me->id, in, n, out, &call->req->err) != 0)
		return -1;
	json_t *doc = json_object();
	for (int i = 0; i < n; i++)
		json_object_set_new(doc, out[i].timeline, marker_json(call, &out[i]));
	return api_json(call, MHD_HTTP_OK, doc);
}

static const struct api_route routes[] = {
    {"GET", "/api/v1/markers", get, API_MEMBER, SCOPE(SCOPE_READ_STATUSES)},
    {"POST", "/api/v1/markers", set, API_MEMBER, SCOPE(SCOPE_WRITE_STATUSES)},
};

int
api_markers_routes(struct router *r)
{
	return api_register(r, routes, sizeof routes / sizeof routes[0]);
}
