/* fuzz_tmpl.c - the template engine: the input is a template (its first line names a second
 * one it may include as a partial), parsed and, when it parses, rendered with a context of a
 * string that needs escaping, a list and a flag. Rendering must not fail for a template that
 * parsed except as its contract allows, and escaped values must stay escaped. */
#include "fuzz.h"

#include "util/arena.h"
#include "util/err.h"
#include "util/strbuf.h"
#include "util/tmpl.h"
#include "util/tval.h"

#define HOSTILE "<script>alert(1)</script>"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const char *nl = memchr(text, '\n', size);
	char *first = fuzz_cstr(data, nl ? (size_t)(nl - text) : size);
	char *second = nl ? fuzz_cstr((const uint8_t *)nl + 1, size - (size_t)(nl - text) - 1)
			  : fuzz_cstr(data, 0);
	const char *names[] = {"page", "part"};
	const char *texts[] = {first, second};
	struct err err = {0};
	struct tmpl_set *set = tmpl_set_from_strings(names, texts, 2, &err);
	if (set != NULL) {
		struct arena *a = arena_new();
		struct tval *ctx = tval_obj(a);
		tval_set_str(ctx, "name", HOSTILE);
		tval_set_bool(ctx, "flag", 1);
		struct tval *list = tval_list(a);
		tval_push_str(list, HOSTILE);
		tval_push_str(list, "two");
		tval_set(ctx, "items", list);
		struct strbuf out;
		strbuf_init(&out, a);
		err_clear(&err);
		if (tmpl_render(set, "page", ctx, NULL, NULL, &out, &err) == 0 &&
		    strstr(first, HOSTILE) == NULL && strstr(second, HOSTILE) == NULL &&
		    strstr(first, "{{&") == NULL && strstr(second, "{{&") == NULL &&
		    strstr(first, "{{{") == NULL && strstr(second, "{{{") == NULL)
			FUZZ_ASSERT(strstr(out.data, HOSTILE) == NULL,
				    "a value was rendered unescaped:\n%s", out.data);
		arena_free(a);
		tmpl_set_free(set);
	} else {
		FUZZ_ASSERT(err.code != ERR_NONE, "a refused template without a reason");
	}
	free(first);
	free(second);
	return 0;
}
