/* props.h - reading ActivityStreams properties as peers really send them. Any property may
 * be one value or an array, and a reference may be a URI string, a Link or Mention with
 * "href", or an embedded object with "id" (PROTOCOL.md section 4b: Fedify sends
 * "to": "<followers URL>" as a string and a lone "tag" as one object). Every inbound reader of
 * to, cc, bto, bcc, audience, tag, url, attributedTo, inReplyTo, object and type goes through
 * these functions (attachment, icon, image and @context are not read yet: read them here
 * too when they are). They never allocate: what they return points into the JSON document
 * and lives as long as it does. */
#ifndef PARASOL_AP_PROPS_H
#define PARASOL_AP_PROPS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* How many values v holds: an array's length, 1 for any other non-NULL value, 0 for NULL or
 * JSON null. */
size_t ap_prop_count(const json_t *v);

/* The i-th value of v (i < ap_prop_count(v)): an array's element, or v itself. */
const json_t *ap_prop_item(const json_t *v, size_t i);

/* The URI one value names: the string itself, else an object's "id", else its "href" (a
 * Link or Mention). NULL when it names none. */
const char *ap_prop_ref(const json_t *item);

/* The first URI the property key of obj names (the first value that names one), or NULL. */
const char *ap_prop_first_ref(const json_t *obj, const char *key);

/* The first URL of a url/icon/image-like property: a string, a Link's "href", or an
 * embedded object's "url" (read the same way, one level deep) — "href" and "url" are
 * preferred to an "id", which names the object, not where it is. NULL when none. */
const char *ap_prop_first_url(const json_t *obj, const char *key);

/* Whether the property key of obj names uri among its values (exact comparison). */
bool ap_prop_has_ref(const json_t *obj, const char *key, const char *uri);

/* Whether obj's "type" (a string or an array of strings) includes type. */
bool ap_prop_is_type(const json_t *obj, const char *type);

/* The first of obj's types that is one of the n names in types (the matching entry of
 * types, so the caller may keep it), or NULL. */
const char *ap_prop_type_in(const json_t *obj, const char *const *types, size_t n);

#endif
