/* instance.c - GET /api/v1/instance, /api/v2/instance, /api/v1/instance/rules,
 * /api/v1/custom_emojis and /api/v1/preferences. */
#include <microhttpd.h>

#include "api/api.h"
#include "api/entities.h"
#include "core/expiry.h"

static int
instance_v1(struct api_call *call)
{
	return api_json(call, MHD_HTTP_OK, api_instance_v1(call));
}

static int
instance_v2(struct api_call *call)
{
	return api_json(call, MHD_HTTP_OK, api_instance_v2(call));
}

static int
rules(struct api_call *call)
{
	return api_json(call, MHD_HTTP_OK, api_rules(call));
}

/* The node has no custom emojis: an empty list, as Mastodon answers on a node without. */
static int
custom_emojis(struct api_call *call)
{
	return api_json(call, MHD_HTTP_OK, json_array());
}

static int
preferences(struct api_call *call)
{
	const struct account *me = call->me;
	return api_json(call, MHD_HTTP_OK,
			json_pack("{sssbss?sssb}", "posting:default:visibility",
				  api_visibility_name(me->default_visibility),
				  "posting:default:sensitive", 0, "posting:default:language",
				  me->language, "reading:expand:media", "default",
				  "reading:expand:spoilers", 0));
}

static const struct api_route routes[] = {
    {"GET", "/api/v1/instance", instance_v1, API_ANYONE, 0},
    {"GET", "/api/v2/instance", instance_v2, API_ANYONE, 0},
    {"GET", "/api/v1/instance/rules", rules, API_ANYONE, 0},
    {"GET", "/api/v1/custom_emojis", custom_emojis, API_ANYONE, 0},
    {"GET", "/api/v1/preferences", preferences, API_MEMBER, SCOPE(SCOPE_READ_ACCOUNTS)},
};

int
api_instance_routes(struct router *r)
{
	return api_register(r, routes, sizeof routes / sizeof routes[0]);
}
