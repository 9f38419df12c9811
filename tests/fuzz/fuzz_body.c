/* fuzz_body.c - request bodies: urlencoded, multipart and JSON. The first byte picks the
 * parser; for multipart, the input's first line is the Content-Type header's value (with
 * its boundary) and the rest is the body. */
#include "fuzz.h"

#include "http/body.h"
#include "util/arena.h"
#include "util/err.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	struct arena *a = arena_new();
	struct err err = {0};
	struct body b = {0}; /* as body_parse hands it to them */
	const char *rest = (const char *)data + 1;
	size_t len = size - 1;
	char *type = NULL;
	int rc;
	switch (data[0] % 3) {
	case 0:
		rc = body_parse_urlencoded(a, rest, len, &b, &err);
		break;
	case 1: {
		const char *nl = memchr(rest, '\n', len);
		size_t tl = nl ? (size_t)(nl - rest) : len;
		type = fuzz_cstr((const uint8_t *)rest, tl);
		rc = body_parse_multipart(a, type, nl ? nl + 1 : rest + len,
					  nl ? len - tl - 1 : 0, &b, &err);
		break;
	}
	default:
		rc = body_parse_json(a, rest, len, &b, &err);
		break;
	}
	if (rc != 0)
		FUZZ_ASSERT(err.code != ERR_NONE && err.safe != NULL,
			    "a refused body without a reason for the client");
	free(type);
	arena_free(a);
	return 0;
}
