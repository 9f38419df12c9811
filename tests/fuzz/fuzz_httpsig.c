/* fuzz_httpsig.c - the Signature header parser and the keyId, Date and Digest readers. */
#include "fuzz.h"

#include "ap/httpsig.h"
#include "util/arena.h"
#include "util/err.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	struct arena *a = arena_new();
	struct err err = {0};
	struct httpsig_sig sig;
	enum httpsig_failure why;
	if (httpsig_parse(a, s, &sig, &why, &err) == 0) {
		FUZZ_ASSERT(sig.key_id != NULL && sig.signature != NULL && sig.nheaders > 0 &&
				sig.nheaders <= HTTPSIG_MAX_HEADERS,
			    "a parsed signature lacks keyId, signature or headers");
		for (size_t i = 0; i < sig.nheaders; i++)
			FUZZ_ASSERT(sig.headers[i] != NULL, "header %zu is NULL", i);
		struct httpsig_key_ref ref;
		err_clear(&err);
		if (httpsig_key_ref(a, sig.key_id, &ref, &err) == 0)
			FUZZ_ASSERT(ref.document != NULL, "a key reference without its document");
	}
	time_t t;
	(void)httpsig_date_parse(s, &t);
	err_clear(&err);
	(void)httpsig_digest_check(s, s, size, &err);
	arena_free(a);
	free(s);
	return 0;
}
