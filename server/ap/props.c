/* props.c - reading ActivityStreams properties that may be one value or many. */
#include "ap/props.h"

#include <string.h>

size_t
ap_prop_count(const json_t *v)
{
	if (v == NULL || json_is_null(v))
		return 0;
	return json_is_array(v) ? json_array_size(v) : 1;
}

const json_t *
ap_prop_item(const json_t *v, size_t i)
{
	return json_is_array(v) ? json_array_get(v, i) : v;
}

const char *
ap_prop_ref(const json_t *item)
{
	if (json_is_string(item))
		return json_string_value(item);
	if (!json_is_object(item))
		return NULL;
	const char *id = json_string_value(json_object_get(item, "id"));
	return id ? id : json_string_value(json_object_get(item, "href"));
}

const char *
ap_prop_first_ref(const json_t *obj, const char *key)
{
	const json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;
	for (size_t i = 0, n = ap_prop_count(v); i < n; i++) {
		const char *ref = ap_prop_ref(ap_prop_item(v, i));
		if (ref != NULL)
			return ref;
	}
	return NULL;
}

/* A URL of one value: a string, a Link's href, or an embedded object's url (once more). */
static const char *
url_of(const json_t *item, int depth)
{
	if (json_is_string(item))
		return json_string_value(item);
	if (!json_is_object(item))
		return NULL;
	const char *href = json_string_value(json_object_get(item, "href"));
	if (href != NULL)
		return href;
	const json_t *url = json_object_get(item, "url");
	for (size_t i = 0, n = depth > 0 ? ap_prop_count(url) : 0; i < n; i++) {
		const char *u = url_of(ap_prop_item(url, i), depth - 1);
		if (u != NULL)
			return u;
	}
	return NULL;
}

const char *
ap_prop_first_url(const json_t *obj, const char *key)
{
	const json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;
	for (size_t i = 0, n = ap_prop_count(v); i < n; i++) {
		const char *u = url_of(ap_prop_item(v, i), 1);
		if (u != NULL)
			return u;
	}
	return NULL;
}

bool
ap_prop_has_ref(const json_t *obj, const char *key, const char *uri)
{
	const json_t *v = json_is_object(obj) && uri ? json_object_get(obj, key) : NULL;
	for (size_t i = 0, n = ap_prop_count(v); i < n; i++) {
		const char *ref = ap_prop_ref(ap_prop_item(v, i));
		if (ref != NULL && strcmp(ref, uri) == 0)
			return true;
	}
	return false;
}

const char *
ap_prop_type_in(const json_t *obj, const char *const *types, size_t ntypes)
{
	const json_t *v = json_is_object(obj) ? json_object_get(obj, "type") : NULL;
	for (size_t i = 0, n = ap_prop_count(v); i < n; i++) {
		const char *t = json_string_value(ap_prop_item(v, i));
		for (size_t k = 0; t != NULL && k < ntypes; k++)
			if (strcmp(t, types[k]) == 0)
				return types[k];
	}
	return NULL;
}

bool
ap_prop_is_type(const json_t *obj, const char *type)
{
	return ap_prop_type_in(obj, &type, 1) != NULL;
}
