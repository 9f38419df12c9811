/* fuzz_activity.c - what a peer sends: an activity's JSON read through ap/props.c (every
 * property that may be one value, an object or a list), the Flag shape check, and a
 * WebFinger answer's self link. */
#include "fuzz.h"

#include <jansson.h>

#include "ap/flag.h"
#include "ap/props.h"
#include "ap/resolve.h"
#include "util/arena.h"
#include "util/err.h"

static const char *const keys[] = {"to",	  "cc",	 "bto",	 "bcc", "audience", "tag",
				   "inReplyTo", "attributedTo", "type", "url", "object",   "actor",
				   "id"};

static void
read_props(const json_t *obj, int depth)
{
	if (!json_is_object(obj) || depth > 3)
		return;
	for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
		const json_t *v = json_object_get(obj, keys[k]);
		size_t n = ap_prop_count(v);
		for (size_t i = 0; i < n; i++) {
			const json_t *item = ap_prop_item(v, i);
			FUZZ_ASSERT(item != NULL, "item %zu of %zu of %s is NULL", i, n, keys[k]);
			(void)ap_prop_ref(item);
			read_props(item, depth + 1);
		}
		(void)ap_prop_first_ref(obj, keys[k]);
		(void)ap_prop_first_url(obj, keys[k]);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new();
	json_t *doc = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	if (doc != NULL) {
		read_props(doc, 0);
		struct err err = {0};
		if (ap_flag_check(doc, &err) != 0)
			FUZZ_ASSERT(err.code == ERR_INVALID, "a Flag refused with code %d",
				    (int)err.code);
		json_decref(doc);
	}
	const char *href = NULL;
	int found = ap_jrd_self(a, (const char *)data, size, &href);
	FUZZ_ASSERT(found != 1 || href != NULL, "a self link without its href");
	arena_free(a);
	return 0;
}
