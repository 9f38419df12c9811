/* flag.c - Flag activities: checking inbound ones, building outbound ones. */
#include "ap/flag.h"

#include <string.h>

#include "ap/ap.h"
#include "ap/outbound.h"
#include "ap/props.h"
#include "core/reports.h"
#include "db/reports.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/token.h"

int
ap_flag_check(const json_t *act, struct err *err)
{
	const json_t *obj = json_object_get(act, "object");
	const json_t *content = json_object_get(act, "content");
	if (content != NULL && !json_is_string(content) && !json_is_null(content))
		return err_set(err, ERR_INVALID, "A Flag's content must be text.",
			       "flag content is not a string");
	size_t n = ap_prop_count(obj);
	if (n == 0 || n > AP_FLAG_OBJECTS_MAX)
		return err_set(err, ERR_INVALID,
			       "A Flag's object must be a URI or a list of 1 to 100 URIs.",
			       "flag object list of %zu", n);
	for (size_t i = 0; i < n; i++)
		if (ap_prop_ref(ap_prop_item(obj, i)) == NULL)
			return err_set(err, ERR_INVALID,
				       "A Flag's object must be a URI or a list of 1 to 100 URIs.",
				       "flag object entry without an id");
	return 0;
}

int
ap_flag_object_uris(struct arena *a, const json_t *act, const char ***out)
{
	const json_t *obj = json_object_get(act, "object");
	size_t n = ap_prop_count(obj);
	if (n > AP_FLAG_OBJECTS_MAX)
		n = AP_FLAG_OBJECTS_MAX;
	*out = arena_alloc(a, sizeof **out * (n > 0 ? n : 1));
	int count = 0;
	for (size_t i = 0; i < n; i++) {
		const char *uri = ap_prop_ref(ap_prop_item(obj, i));
		if (uri != NULL)
			(*out)[count++] = uri;
	}
	return count;
}

int
ap_flag_event(struct arena *a, const struct event *ev, struct err *err)
{
	struct report_forward_row r;
	if (db_report_forward_row(a, ev->report_id, &r, err) != 0)
		return -1;
	const char *inbox = report_flag_inbox(a, &r);
	if (r.target_uri == NULL || inbox == NULL)
		return 0; /* core/reports.c refuses these; nothing to send */
	const char *actor = ap_instance_actor_uri(a, ap_base_url());
	/* A random id: the report's own id is time-ordered and would tell when it was filed. */
	const char *token = token_random(a, 16, err);
	if (token == NULL)
		return -1;
	json_t *object = json_pack("[s]", r.target_uri);
	if (r.status_uri != NULL)
		json_array_append_new(object, json_string(r.status_uri));
	json_t *act = json_pack("{s:s,s:s,s:s,s:s,s:o,s:s,s:[s]}", "@context", AP_CONTEXT, "id",
				arena_printf(a, "%s#flags/%s", actor, token), "type",
				"Flag", "actor", actor, "object", object, "content",
				r.forwarded_text ? r.forwarded_text : "", "to", r.target_uri);
	if (act == NULL)
		return err_set(err, ERR_INTERNAL, NULL, "cannot build the Flag");
	int rc = ap_enqueue_delivery(a, inbox, act, 0, err);
	json_decref(act);
	return rc;
}
