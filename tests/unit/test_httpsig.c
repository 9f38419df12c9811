/* test_httpsig.c - HTTP signatures: the draft-cavage-12 vectors (tests/fixtures/httpsig/),
 * round trips with generated keys, and every way a signature is refused. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "ap/httpsig.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/fileio.h"

static struct arena *arena;
static char *gen_private, *gen_public;	   /* one generated pair for the whole run */
static char *other_private, *other_public; /* and another, for "wrong key" */
static char **fixtures;			   /* case file names */
static int nfixtures;

static void
setup(void)
{
	arena = arena_new();
}

static void
teardown(void)
{
	arena_free(arena);
}

/* tests/fixtures/httpsig/<name> in the source tree. */
static const char *
fixture_path(const char *name)
{
	static char path[1024];
	const char *srcdir = getenv("PARASOL_SRCDIR");
	if (srcdir != NULL) {
		snprintf(path, sizeof path, "%s/tests/fixtures/httpsig/%s", srcdir, name);
	} else { /* this file's own path, as the compiler was given it */
		const char *self = __FILE__, *end = strstr(self, "tests/unit/test_httpsig.c");
		snprintf(path, sizeof path, "%.*stests/fixtures/httpsig/%s",
			 end != NULL ? (int)(end - self) : 0, self, name);
	}
	return path;
}

static char *
read_fixture(const char *name)
{
	struct err err = {0};
	size_t len = 0;
	char *data = fileio_read(fixture_path(name), 1 << 20, &len, &err);
	ck_assert_msg(data != NULL, "%s: %s", name, err.detail);
	char *copy = arena_strdup(arena, data);
	free(data);
	return copy;
}

/* --- a request the tests build and sign ------------------------------------------------- */

struct treq {
	const char *method;
	const char *target;
	const char *body; /* NULL: no body */
	struct httpsig_header h[12];
	size_t n;
};

static void
treq_set(struct treq *r, const char *name, const char *value)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcasecmp(r->h[i].name, name) == 0) {
			r->h[i].value = value;
			return;
		}
	ck_assert_uint_lt(r->n, 12);
	r->h[r->n++] = (struct httpsig_header){name, value};
}

static void
treq_remove(struct treq *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcasecmp(r->h[i].name, name) == 0)
			r->h[i] = r->h[--r->n];
}

/* A POST to /inbox (body non-NULL) or a GET of /users/alice, dated at t. */
static void
treq_init(struct treq *r, const char *body, time_t t)
{
	memset(r, 0, sizeof *r);
	r->method = body != NULL ? "POST" : "GET";
	r->target = body != NULL ? "/inbox" : "/users/alice";
	r->body = body;
	treq_set(r, "Host", "parasol.example");
	treq_set(r, "Date", httpsig_date(arena, t));
	if (body != NULL) {
		treq_set(r, "Content-Type", "application/activity+json");
		treq_set(r, "Digest", httpsig_digest(arena, body, strlen(body)));
	}
}

/* Signs r with the generated key over names (NULL: what the server sends). */
static void
treq_sign(struct treq *r, const char *algorithm, const char *names, int64_t created,
	  int64_t expires)
{
	struct err err = {0};
	EVP_PKEY *key = httpsig_load_private(arena, gen_private, &err);
	ck_assert_ptr_nonnull(key);
	const char *sig;
	if (names == NULL) {
		sig = httpsig_sign(arena, key, "https://remote.example/users/bob#main-key",
				   r->method, r->target, r->h, r->n, &err);
	} else {
		struct httpsig_sign_params p = {.key_id =
						    "https://remote.example/users/bob#main-key",
						.key = key,
						.algorithm = algorithm,
						.headers = names,
						.created = created,
						.expires = expires};
		sig = httpsig_sign_with(arena, &p, r->method, r->target, r->h, r->n, &err);
	}
	ck_assert_msg(sig != NULL, "sign: %s", err.detail);
	treq_set(r, "Signature", sig);
}

/* Parses r's Signature and verifies it with public_pem at now; returns the failure. */
static enum httpsig_failure
treq_verify(const struct treq *r, const char *public_pem, time_t now)
{
	struct err err = {0};
	struct httpsig_header_list list = {r->h, r->n};
	struct httpsig_request req = {.method = r->method,
				      .target = r->target,
				      .body = r->body,
				      .body_len = r->body != NULL ? strlen(r->body) : 0,
				      .header = httpsig_header_list_get,
				      .header_ctx = &list};
	enum httpsig_failure why = HTTPSIG__MAX;
	struct httpsig_sig sig;
	if (httpsig_parse(arena, httpsig_header_list_get(&list, "signature"), &sig, &why, &err) !=
	    0) {
		ck_assert_int_eq(err.code, ERR_UNAUTHORIZED);
		return why;
	}
	EVP_PKEY *key = httpsig_load_public(arena, public_pem, &err);
	ck_assert_ptr_nonnull(key);
	int rc = httpsig_verify(arena, &req, &sig, key, now, &why, &err);
	ck_assert_int_eq(rc, why == HTTPSIG_OK ? 0 : -1);
	if (rc != 0) {
		ck_assert_int_eq(err.code, ERR_UNAUTHORIZED);
		ck_assert(err.safe[0] != '\0');
	}
	return why;
}

#define ck_assert_failure(got, want)                                                               \
	ck_assert_msg((got) == (want), "got %s, want %s", httpsig_failure_name(got),               \
		      httpsig_failure_name(want))

/* --- the fixture cases ------------------------------------------------------------------ */

/* The value of "name: value" in the case's header block, or NULL. */
static const char *
meta(const char *text, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = text; p != NULL && strncmp(p, "---\n", 4) != 0;) {
		const char *nl = strchr(p, '\n');
		if (strncmp(p, name, n) == 0 && p[n] == ':' && nl != NULL)
			return arena_strndup(arena, p + n + 2, (size_t)(nl - p - n - 2));
		p = nl != NULL ? nl + 1 : NULL;
	}
	return NULL;
}

START_TEST(test_fixture)
{
	const char *name = fixtures[_i];
	char *text = read_fixture(name);
	char *req = strstr(text, "\n---\n");
	ck_assert_msg(req != NULL, "%s: no --- line", name);
	req += 5;

	/* request line, headers, body */
	struct treq r = {0};
	char *line_end = strchr(req, '\n');
	*line_end = '\0';
	char *sp1 = strchr(req, ' '), *sp2 = sp1 != NULL ? strchr(sp1 + 1, ' ') : NULL;
	ck_assert_msg(sp2 != NULL, "%s: bad request line", name);
	r.method = arena_strndup(arena, req, (size_t)(sp1 - req));
	r.target = arena_strndup(arena, sp1 + 1, (size_t)(sp2 - sp1 - 1));
	char *p = line_end + 1;
	while (*p != '\n') {
		char *nl = strchr(p, '\n'), *colon = strchr(p, ':');
		ck_assert_msg(nl != NULL && colon != NULL && colon < nl, "%s: bad header", name);
		*nl = '\0';
		*colon = '\0';
		treq_set(&r, p, colon + 2);
		p = nl + 1;
	}
	r.body = p + 1;
	size_t blen = strlen(r.body);
	if (blen > 0 && r.body[blen - 1] == '\n')
		((char *)r.body)[blen - 1] = '\0';

	const char *expect = meta(text, "expect");
	const char *now = meta(text, "now");
	ck_assert_msg(expect != NULL && now != NULL, "%s: expect and now are required", name);
	enum httpsig_failure got =
	    treq_verify(&r, read_fixture(meta(text, "public")), (time_t)atoll(now));
	ck_assert_msg(strcmp(httpsig_failure_name(got), expect) == 0, "%s: got %s, want %s", name,
		      httpsig_failure_name(got), expect);

	/* the signer reproduces the published Signature header byte for byte */
	const char *sign = meta(text, "sign"), *private = meta(text, "private");
	if (sign != NULL && strcmp(sign, "-") != 0 && private != NULL) {
		struct err err = {0};
		EVP_PKEY *key = httpsig_load_private(arena, read_fixture(private), &err);
		ck_assert_ptr_nonnull(key);
		struct httpsig_sign_params params = {
		    .key_id = "Test",
		    .key = key,
		    .headers = strcmp(sign, "default") == 0 ? NULL : sign};
		struct httpsig_header_list list = {r.h, r.n};
		const char *want = httpsig_header_list_get(&list, "Signature");
		ck_assert_ptr_nonnull(want);
		treq_remove(&r, "Signature");
		char *sig = httpsig_sign_with(arena, &params, r.method, r.target, r.h, r.n, &err);
		ck_assert_msg(sig != NULL, "%s: %s", name, err.detail);
		ck_assert_str_eq(sig, want);
	}
}
END_TEST

/* --- Date and Digest -------------------------------------------------------------------- */

START_TEST(test_date)
{
	ck_assert_str_eq(httpsig_date(arena, 784111777), "Sun, 06 Nov 1994 08:49:37 GMT");
	time_t t = 0;
	ck_assert_int_eq(httpsig_date_parse("Sun, 06 Nov 1994 08:49:37 GMT", &t), 0);
	ck_assert_int_eq(t, 784111777);
	ck_assert_int_eq(httpsig_date_parse("Sun, 05 Jan 2014 21:31:40 GMT", &t), 0);
	ck_assert_int_eq(t, 1388957500);
	const char *bad[] = {
	    "",
	    "Sun, 06 Nov 1994 08:49:37 UTC",
	    "Sunday, 06-Nov-94 08:49:37 GMT",
	    "Sun Nov  6 08:49:37 1994",
	    "Sun, 31 Feb 1994 08:49:37 GMT",
	    "Sun, 06 Nov 1994 24:49:37 GMT",
	    "Sun, 06 Now 1994 08:49:37 GMT",
	    "Sun, 06 Nov 1994 08:49:37 GMT ",
	    "Sun, 6 Nov 1994 08:49:37 GMT",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(httpsig_date_parse(bad[i], &t) == -1, "accepted '%s'", bad[i]);
	ck_assert_int_eq(httpsig_date_parse(NULL, &t), -1);
}
END_TEST

START_TEST(test_digest)
{
	const char *body = "{\"hello\": \"world\"}";
	size_t len = strlen(body);
	struct err err = {0};
	ck_assert_str_eq(httpsig_digest(arena, body, len),
			 "SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=");
	ck_assert_str_eq(httpsig_digest(arena, NULL, 0),
			 "SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
	ck_assert_int_eq(
	    httpsig_digest_check("SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=", body, len,
				 &err),
	    0);
	ck_assert_int_eq(
	    httpsig_digest_check("sha-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=", body, len,
				 &err),
	    0);
	ck_assert_int_eq(httpsig_digest_check("SHA-512=abcd, SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoy"
					      "WxBf7kbu9DBPE=",
					      body, len, &err),
			 0);
	const char *bad[] = {
	    "SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=,SHA-256=X48E9qOokqqrvdts8nO"
	    "JRJN3OWDUoyWxBf7kbu9DBPE=",			    /* two SHA-256 values */
	    "SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", /* another body */
	    "SHA-512=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=", /* no SHA-256 */
	    "SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE",  /* not base64 */
	    "SHA-256=",
	    "X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=",
	    "",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err_clear(&err);
		ck_assert_msg(httpsig_digest_check(bad[i], body, len, &err) == -1, "accepted '%s'",
			      bad[i]);
		ck_assert_int_eq(err.code, ERR_UNAUTHORIZED);
	}
	ck_assert_int_eq(httpsig_digest_check(NULL, body, len, &err), -1);
}
END_TEST

/* --- keys ------------------------------------------------------------------------------- */

START_TEST(test_keys)
{
	struct err err = {0};
	ck_assert_ptr_nonnull(strstr(gen_private, "-----BEGIN PRIVATE KEY-----"));
	ck_assert_ptr_nonnull(strstr(gen_public, "-----BEGIN PUBLIC KEY-----"));
	EVP_PKEY *pub = httpsig_load_public(arena, gen_public, &err);
	ck_assert_ptr_nonnull(pub);
	ck_assert_int_eq(EVP_PKEY_get_bits(pub), 2048);
	ck_assert_ptr_nonnull(httpsig_load_private(arena, gen_private, &err));
	ck_assert_ptr_nonnull(
	    httpsig_load_private(arena, read_fixture("cavage-private.pem"), &err));

	ck_assert_ptr_null(httpsig_load_public(arena,
					       "-----BEGIN PUBLIC KEY-----\nAAAA\n"
					       "-----END PUBLIC KEY-----\n",
					       &err));
	ck_assert_int_eq(err.code, ERR_UNAUTHORIZED);
	ck_assert_ptr_null(httpsig_load_public(arena, "", &err));
	ck_assert_ptr_null(httpsig_load_public(arena, NULL, &err));
	err_clear(&err);
	ck_assert_ptr_null(httpsig_load_private(arena, gen_public, &err));
	ck_assert_int_eq(err.code, ERR_INTERNAL);
}
END_TEST

/* Keys are decoded once and kept (httpsig.c's cache): each load still hands out a key the
 * arena owns, a freed arena doesn't take the kept key with it, two PEM texts never share one
 * key, and what is kept for a public key never serves as a private one. */
START_TEST(test_keys_cached)
{
	struct err err = {0};
	for (int round = 0; round < 3; round++) {
		struct arena *a1 = arena_new();
		EVP_PKEY *k1 = httpsig_load_public(a1, gen_public, &err);
		EVP_PKEY *o1 = httpsig_load_public(a1, other_public, &err);
		ck_assert_ptr_nonnull(k1);
		ck_assert_ptr_nonnull(o1);
		ck_assert_int_ne(EVP_PKEY_eq(k1, o1), 1);
		arena_free(a1); /* the arena's references go; the cache's stay */
		EVP_PKEY *k2 = httpsig_load_public(arena, gen_public, &err);
		ck_assert_ptr_nonnull(k2);
		ck_assert_int_eq(EVP_PKEY_get_bits(k2), 2048);
		ck_assert_ptr_null(httpsig_load_private(arena, gen_public, &err));
		ck_assert_ptr_nonnull(httpsig_load_private(arena, gen_private, &err));
	}
	time_t now = time(NULL);
	struct treq r;
	treq_init(&r, "{}", now);
	treq_sign(&r, NULL, NULL, 0, 0);
	for (int round = 0; round < 3; round++) {
		ck_assert_failure(treq_verify(&r, gen_public, now), HTTPSIG_OK);
		ck_assert_failure(treq_verify(&r, other_public, now), HTTPSIG_BAD_SIGNATURE);
	}
	httpsig_cache_clear();
	ck_assert_failure(treq_verify(&r, gen_public, now), HTTPSIG_OK);
}
END_TEST

/* --- round trips and refusals ----------------------------------------------------------- */

START_TEST(test_round_trip_post)
{
	time_t now = time(NULL);
	struct treq r;
	treq_init(&r, "{\"type\":\"Follow\"}", now);
	treq_sign(&r, NULL, NULL, 0, 0);
	const char *sig =
	    httpsig_header_list_get(&(struct httpsig_header_list){r.h, r.n}, "Signature");
	ck_assert_ptr_nonnull(strstr(sig, "algorithm=\"rsa-sha256\""));
	ck_assert_ptr_nonnull(strstr(sig, "headers=\"(request-target) host date digest\""));
	ck_assert_failure(treq_verify(&r, gen_public, now), HTTPSIG_OK);
	ck_assert_failure(treq_verify(&r, gen_public, now + 3000), HTTPSIG_OK);
	ck_assert_failure(treq_verify(&r, gen_public, now - 3000), HTTPSIG_OK);
}
END_TEST

START_TEST(test_round_trip_get)
{
	time_t now = time(NULL);
	struct treq r;
	treq_init(&r, NULL, now);
	treq_sign(&r, NULL, NULL, 0, 0);
	const char *sig =
	    httpsig_header_list_get(&(struct httpsig_header_list){r.h, r.n}, "signature");
	ck_assert_ptr_nonnull(strstr(sig, "headers=\"(request-target) host date\""));
	ck_assert_failure(treq_verify(&r, gen_public, now), HTTPSIG_OK);
	/* header names arrive in any case */
	for (size_t i = 0; i < r.n; i++)
		if (strcmp(r.h[i].name, "Host") == 0)
			r.h[i].name = "HOST";
	ck_assert_failure(treq_verify(&r, gen_public, now), HTTPSIG_OK);
}
END_TEST

START_TEST(test_tampered_body)
{
	time_t now = time(NULL);
	struct treq r;
	treq_init(&r, "{\"type\":\"Like\"}", now);
	treq_sign(&r, NULL, NULL, 0, 0);
	r.body = "{\"type\":\"Delete\"}";
	ck_assert_failure(treq_verify(&r, gen_public, now), HTTPSIG_BAD_DIGEST);
	/* a new Digest for the new body breaks the signature instead */
	treq_set(&r, "Digest", httpsig_digest(arena, r.body, strlen(r.body)));
	ck_assert_failure(treq_verify(&r, gen_public, now), HTTPSIG_BAD_SIGNATURE);
}
END_TEST

START_TEST(test_tampered_header)
{
	time_t now = time(NULL);
	struct treq r;
	treq_init(&r, "{}", now);
	treq_sign(&r, NULL, NULL, 0, 0);
	treq_set(&r, "Host", "other.example");
	ck_assert_failure(treq_verify(&r, gen_public, now), HTTPSIG_BAD_SIGNATURE);
	treq_set(&r, "Host", "parasol.example");
	treq_set(&r, "Date", httpsig_date(arena, now - 1));
	ck_assert_failure(treq_verify(&r, gen_public, now), HTTPSIG_BAD_SIGNATURE);
	treq_set(&r, "Date", httpsig_date(arena, now));
	r.target = "/users/alice/inbox";
	ck_assert_failure(treq_verify(&r, gen_public, now), HTTPSIG_BAD_SIGNATURE);
	r.target = "/inbox";
	r.method = "PUT";
	ck_assert_failure(treq_verify(&r, gen_public, now), HTTPSIG_BAD_SIGNATURE);
	r.method = "post"; /* the method is lower-cased in the signing string anyway */
	ck_assert_failure(treq_verify(&r, gen_public, now), HTTPSIG_OK);
	/* an unsigned header may change */
	treq_set(&r, "Content-Type", "text/plain");
	ck_assert_failure(treq_verify(&r, gen_public, now), HTTPSIG_OK);
}
END_TEST

START_TEST(test_wrong_key)
{
	time_t now = time(NULL);
	struct treq r;
	treq_init(&r, "{}", now);
	treq_sign(&r, NULL, NULL, 0, 0);
	ck_assert_failure(treq_verify(&r, other_public, now), HTTPSIG_BAD_SIGNATURE);
	ck_assert_failure(treq_verify(&r, read_fixture("cavage-public.pem"), now),
			  HTTPSIG_BAD_SIGNATURE);
	/* a signature that is not even the key's size */
	treq_set(&r, "Signature",
		 "keyId=\"k\",algorithm=\"rsa-sha256\",headers=\"(request-target) "
		 "host date digest\",signature=\"AAAA\"");
	ck_assert_failure(treq_verify(&r, gen_public, now), HTTPSIG_BAD_SIGNATURE);
}
END_TEST

START_TEST(test_dates)
{
	time_t now = time(NULL);
	struct treq r;
	treq_init(&r, "{}", now - 7200);
	treq_sign(&r, NULL, NULL, 0, 0);
	ck_assert_failure(treq_verify(&r, gen_public, now), HTTPSIG_STALE_DATE);
	treq_init(&r, "{}", now + 7200);
	treq_sign(&r, NULL, NULL, 0, 0);
	ck_assert_failure(treq_verify(&r, gen_public, now), HTTPSIG_STALE_DATE);
	treq_init(&r, "{}", now - 3500);
	treq_sign(&r, NULL, NULL, 0, 0);
	ck_assert_failure(treq_verify(&r, gen_public, now), HTTPSIG_OK);
	/* the window's edges, with the clock given: Date within ±HTTPSIG_CLOCK_SKEW (one hour,
	 * what Mastodon and Fedify accept; README), a second more is refused */
	const time_t fixed = 1700000000;
	const time_t edges[][2] = {{fixed - 3600, HTTPSIG_OK},
				   {fixed + 3600, HTTPSIG_OK},
				   {fixed - 3601, HTTPSIG_STALE_DATE},
				   {fixed + 3601, HTTPSIG_STALE_DATE}};
	for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++) {
		treq_init(&r, "{}", edges[i][0]);
		treq_sign(&r, NULL, NULL, 0, 0);
		ck_assert_failure(treq_verify(&r, gen_public, fixed), (enum httpsig_failure)edges[i][1]);
	}
	treq_init(&r, "{}", now);
	treq_set(&r, "Date", "yesterday");
	treq_sign(&r, NULL, NULL, 0, 0);
	ck_assert_failure(treq_verify(&r, gen_public, now), HTTPSIG_MALFORMED);
}
END_TEST

START_TEST(test_expires)
{
	time_t now = time(NULL);
	struct treq r;
	treq_init(&r, "{}", now);
	treq_sign(&r, "hs2019", "(request-target) (created) (expires) host digest", now - 600,
		  now - 300);
	ck_assert_failure(treq_verify(&r, gen_public, now), HTTPSIG_EXPIRED);
	treq_sign(&r, "hs2019", "(request-target) (created) (expires) host digest", now - 600,
		  now + 300);
	ck_assert_failure(treq_verify(&r, gen_public, now), HTTPSIG_OK);
	/* an unsigned expires parameter still counts */
	treq_sign(&r, "hs2019", "(request-target) (created) host digest", now - 600, now - 1);
	ck_assert_failure(treq_verify(&r, gen_public, now), HTTPSIG_EXPIRED);
}
END_TEST

START_TEST(test_required_headers)
{
	time_t now = time(NULL);
	const char *lists[] = {
	    "host date digest",			       /* no (request-target) */
	    "(request-target) date digest",	       /* no host */
	    "(request-target) host digest",	       /* no date */
	    "(request-target) host date",	       /* no digest with a body */
	    "(request-target) host date content-type", /* same */
	};
	for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
		struct treq r;
		treq_init(&r, "{}", now);
		treq_sign(&r, NULL, lists[i], 0, 0);
		ck_assert_msg(treq_verify(&r, gen_public, now) == HTTPSIG_MISSING_HEADER,
			      "accepted headers=\"%s\"", lists[i]);
	}
	/* a signed header that is absent from the request */
	struct treq r;
	treq_init(&r, "{}", now);
	treq_set(&r, "X-Extra", "1");
	treq_sign(&r, NULL, "(request-target) host date digest x-extra", 0, 0);
	ck_assert_failure(treq_verify(&r, gen_public, now), HTTPSIG_OK);
	treq_remove(&r, "X-Extra");
	ck_assert_failure(treq_verify(&r, gen_public, now), HTTPSIG_MISSING_HEADER);
	/* a GET needs no digest, but a Digest it sends must match the empty body */
	treq_init(&r, NULL, now);
	treq_set(&r, "Digest", "SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=");
	treq_sign(&r, NULL, "(request-target) host date", 0, 0);
	ck_assert_failure(treq_verify(&r, gen_public, now), HTTPSIG_BAD_DIGEST);
}
END_TEST

START_TEST(test_hs2019_created)
{
	time_t now = time(NULL);
	struct treq r;
	treq_init(&r, "{\"type\":\"Create\"}", now);
	treq_remove(&r, "Date");
	treq_sign(&r, "hs2019", "(request-target) (created) host digest", now - 10, 0);
	ck_assert_failure(treq_verify(&r, gen_public, now), HTTPSIG_OK);
	ck_assert_failure(treq_verify(&r, gen_public, now + 7200), HTTPSIG_STALE_DATE);
	/* (created) is refused with rsa-sha256 */
	treq_sign(&r, "rsa-sha256", "(request-target) (created) host digest", now - 10, 0);
	ck_assert_failure(treq_verify(&r, gen_public, now), HTTPSIG_MALFORMED);
	/* GoToSocial: hs2019 over date, a real RSA-SHA256 signature */
	treq_init(&r, "{}", now);
	treq_sign(&r, "hs2019", "(request-target) host date digest", 0, 0);
	ck_assert_failure(treq_verify(&r, gen_public, now), HTTPSIG_OK);
	/* hs2019 without a headers list means "(created)" alone: not enough */
	struct err err = {0};
	struct httpsig_sig sig;
	ck_assert_int_eq(
	    httpsig_parse(arena, "keyId=\"k\",signature=\"AAAA\",created=5", &sig, NULL, &err), 0);
	ck_assert_str_eq(sig.algorithm, "hs2019");
	ck_assert_uint_eq(sig.nheaders, 1);
	ck_assert_str_eq(sig.headers[0], "(created)");
	treq_set(&r, "Signature", "keyId=\"k\",signature=\"AAAA\",created=5");
	ck_assert_failure(treq_verify(&r, gen_public, now), HTTPSIG_MISSING_HEADER);
}
END_TEST

START_TEST(test_snac_order)
{
	/* snac: "(request-target) host digest date", with a digest of the empty body on GET */
	time_t now = time(NULL);
	struct treq r;
	treq_init(&r, "{\"type\":\"Note\"}", now);
	treq_sign(&r, "rsa-sha256", "(request-target) host digest date", 0, 0);
	ck_assert_failure(treq_verify(&r, gen_public, now), HTTPSIG_OK);
	treq_init(&r, NULL, now);
	treq_set(&r, "Digest", httpsig_digest(arena, "", 0));
	treq_sign(&r, "rsa-sha256", "(request-target) host digest date", 0, 0);
	ck_assert_failure(treq_verify(&r, gen_public, now), HTTPSIG_OK);
	/* Mastodon: content-type signed too */
	treq_init(&r, "{}", now);
	treq_sign(&r, NULL, "(request-target) host date digest content-type", 0, 0);
	ck_assert_failure(treq_verify(&r, gen_public, now), HTTPSIG_OK);
}
END_TEST

START_TEST(test_query_fallback)
{
	time_t now = time(NULL);
	struct treq r;
	treq_init(&r, NULL, now);
	r.target = "/users/alice/outbox?page=true";
	treq_sign(&r, NULL, NULL, 0, 0);
	ck_assert_failure(treq_verify(&r, gen_public, now), HTTPSIG_OK);
	/* signed without the query (legacy Mastodon), received with it */
	r.target = "/users/alice/outbox";
	treq_sign(&r, NULL, NULL, 0, 0);
	r.target = "/users/alice/outbox?page=true";
	ck_assert_failure(treq_verify(&r, gen_public, now), HTTPSIG_OK);
	/* signed with one query, received with another */
	r.target = "/users/alice/outbox?page=1";
	treq_sign(&r, NULL, NULL, 0, 0);
	r.target = "/users/alice/outbox?page=2";
	ck_assert_failure(treq_verify(&r, gen_public, now), HTTPSIG_BAD_SIGNATURE);
	/* signed with a query, received without */
	r.target = "/users/alice/outbox";
	ck_assert_failure(treq_verify(&r, gen_public, now), HTTPSIG_BAD_SIGNATURE);
}
END_TEST

START_TEST(test_algorithms)
{
	time_t now = time(NULL);
	const char *bad[] = {"hmac-sha256", "rsa-sha1", "ecdsa-sha256", "ed25519", ""};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct treq r;
		treq_init(&r, "{}", now);
		treq_sign(&r, bad[i], "(request-target) host date digest", 0, 0);
		ck_assert_msg(treq_verify(&r, gen_public, now) == HTTPSIG_UNSUPPORTED_ALGORITHM,
			      "accepted algorithm \"%s\"", bad[i]);
	}
	struct treq r;
	treq_init(&r, "{}", now);
	treq_sign(&r, "RSA-SHA256", "(request-target) host date digest", 0, 0);
	ck_assert_failure(treq_verify(&r, gen_public, now), HTTPSIG_OK);
}
END_TEST

/* --- parsing ------------------------------------------------------------------------------ */

START_TEST(test_parse_robust)
{
	struct err err = {0};
	struct httpsig_sig sig;
	ck_assert_int_eq(
	    httpsig_parse(arena,
			  "keyId=\"https://a.example/u/b#main-key\", algorithm=\"rsa-sha256\""
			  " ,  headers=\"(request-target)  Host DATE\",  "
			  "x-unknown=\"ignored, really\",created=1402170695.25, "
			  "signature=\"AQID\"",
			  &sig, NULL, &err),
	    0);
	ck_assert_str_eq(sig.key_id, "https://a.example/u/b#main-key");
	ck_assert_str_eq(sig.algorithm, "rsa-sha256");
	ck_assert_uint_eq(sig.nheaders, 3);
	ck_assert_str_eq(sig.headers[0], "(request-target)");
	ck_assert_str_eq(sig.headers[1], "host");
	ck_assert_str_eq(sig.headers[2], "date");
	ck_assert_uint_eq(sig.signature_len, 3);
	ck_assert_int_eq(sig.signature[2], 3);
	ck_assert(sig.has_created && !sig.has_expires);
	ck_assert_int_eq(sig.created, 1402170695);
	/* a quoted backslash escape, and the rsa-sha256 default list */
	ck_assert_int_eq(httpsig_parse(arena,
				       "keyId=\"a\\\"b\",algorithm=\"rsa-sha256\","
				       "signature=\"AQID\"",
				       &sig, NULL, &err),
			 0);
	ck_assert_str_eq(sig.key_id, "a\"b");
	ck_assert_uint_eq(sig.nheaders, 1);
	ck_assert_str_eq(sig.headers[0], "date");
}
END_TEST

START_TEST(test_parse_malformed)
{
	static const char *const cases[] = {
	    "",
	    " ",
	    "keyId=\"k\"",				  /* no signature */
	    "signature=\"AQID\"",			  /* no keyId */
	    "keyId=\"\",signature=\"AQID\"",		  /* empty keyId */
	    "keyId=\"k\",signature=\"\"",		  /* empty signature */
	    "keyId=\"k\",signature=\"AQI\"",		  /* bad base64 length */
	    "keyId=\"k\",signature=\"AQ!D\"",		  /* bad base64 character */
	    "keyId=\"k\",signature=\"AQ ID\"",		  /* space in base64 */
	    "keyId=\"k\",keyId=\"j\",signature=\"AQID\"", /* duplicate */
	    "keyId=\"k\",KEYID=\"j\",signature=\"AQID\"", /* duplicate, other case */
	    "keyId=\"k\",signature=\"AQID\",signature=\"AQID\"",
	    "keyId=\"k\",x=\"1\",x=\"2\",signature=\"AQID\"", /* duplicate unknown */
	    "keyId=\"k\" signature=\"AQID\"",		      /* no comma */
	    "keyId=\"k\",,signature=\"AQID\"",		      /* empty element */
	    "keyId=\"k\",signature=\"AQID\",",		      /* trailing comma */
	    "keyId=\"k,signature=\"AQID\"",		      /* unterminated quote */
	    "keyId=\"k\",signature=\"AQID",
	    "keyId,signature=\"AQID\"", /* no value */
	    "keyId=,signature=\"AQID\"",
	    "=\"k\",signature=\"AQID\"",		   /* no name */
	    "Signature keyId=\"k\",signature=\"AQID\"",	   /* Authorization syntax */
	    "keyId=\"k\",signature=\"AQID\",headers=\"\"", /* empty headers */
	    "keyId=\"k\",signature=\"AQID\",headers=\"   \"",
	    "keyId=\"k\",signature=\"AQID\",headers=\"host da;te\"", /* bad name */
	    "keyId=\"k\",signature=\"AQID\",created=\"soon\"",
	    "keyId=\"k\",signature=\"AQID\",created=-5",
	    "keyId=\"k\",signature=\"AQID\",expires=1.",
	    "keyId=\"k\",signature=\"AQID\",expires=99999999999999999999",
	    "keyId=\"k\x01\",signature=\"AQID\"", /* control character */
	    "keyId=\"k\",signature=\"AQID\";x=1",
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct err err = {0};
		struct httpsig_sig sig;
		enum httpsig_failure why = HTTPSIG_OK;
		ck_assert_msg(httpsig_parse(arena, cases[i], &sig, &why, &err) == -1,
			      "accepted '%s'", cases[i]);
		ck_assert_failure(why, HTTPSIG_MALFORMED);
		ck_assert_int_eq(err.code, ERR_UNAUTHORIZED);
	}
	/* too many headers, and too long a value */
	char many[1024] = "keyId=\"k\",signature=\"AQID\",headers=\"";
	for (int i = 0; i <= HTTPSIG_MAX_HEADERS; i++)
		snprintf(many + strlen(many), sizeof many - strlen(many), "h%d ", i);
	strcat(many, "\"");
	struct err err = {0};
	struct httpsig_sig sig;
	ck_assert_int_eq(httpsig_parse(arena, many, &sig, NULL, &err), -1);
	char *huge = arena_alloc(arena, HTTPSIG_MAX_HEADER_LEN + 64);
	strcpy(huge, "keyId=\"k\",signature=\"");
	memset(huge + strlen(huge), 'A', HTTPSIG_MAX_HEADER_LEN);
	strcat(huge, "\"");
	ck_assert_int_eq(httpsig_parse(arena, huge, &sig, NULL, &err), -1);
	ck_assert_int_eq(httpsig_parse(arena, NULL, &sig, NULL, &err), -1);
}
END_TEST

/* --- key ids and RFC 9421 ----------------------------------------------------------------- */

START_TEST(test_key_ref)
{
	struct err err = {0};
	struct httpsig_key_ref ref;
	ck_assert_int_eq(
	    httpsig_key_ref(arena, "https://m.example/users/alice#main-key", &ref, &err), 0);
	ck_assert_str_eq(ref.document, "https://m.example/users/alice");
	ck_assert_str_eq(ref.actor, "https://m.example/users/alice");
	ck_assert_int_eq(
	    httpsig_key_ref(arena, "https://gts.example/users/bob/main-key", &ref, &err), 0);
	ck_assert_str_eq(ref.document, "https://gts.example/users/bob/main-key");
	ck_assert_ptr_null(ref.actor);
	ck_assert_int_eq(httpsig_key_ref(arena, "http://127.0.0.1:8080/users/c#k", &ref, &err), 0);
	ck_assert_str_eq(ref.document, "http://127.0.0.1:8080/users/c");
	const char *bad[] = {"acct:alice@m.example",
			     "https://",
			     "https:///x",
			     "#main-key",
			     "main-key",
			     "ftp://m.example/k",
			     "https://m.example/a b",
			     ""};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err_clear(&err);
		ck_assert_msg(httpsig_key_ref(arena, bad[i], &ref, &err) == -1, "accepted '%s'",
			      bad[i]);
		ck_assert_int_eq(err.code, ERR_UNAUTHORIZED);
	}
}
END_TEST

START_TEST(test_rfc9421)
{
	struct httpsig_header h[] = {
	    {"Signature-Input", "sig1=(\"@method\" \"@target-uri\");created=1;keyid=\"k\""},
	    {"Signature", "sig1=:AQID:"},
	};
	struct httpsig_header_list list = {h, 2};
	struct httpsig_request req = {.method = "POST",
				      .target = "/inbox",
				      .header = httpsig_header_list_get,
				      .header_ctx = &list};
	ck_assert(httpsig_is_rfc9421(&req));
	list.v = h + 1;
	list.n = 1;
	ck_assert(!httpsig_is_rfc9421(&req));
}
END_TEST

START_TEST(test_sign_missing_header)
{
	struct err err = {0};
	EVP_PKEY *key = httpsig_load_private(arena, gen_private, &err);
	struct httpsig_header h[] = {{"Host", "a.example"}};
	ck_assert_ptr_null(httpsig_sign(arena, key, "k", "GET", "/", h, 1, &err));
	ck_assert_int_eq(err.code, ERR_INTERNAL);
	struct httpsig_sign_params p = {.key_id = "k",
					.key = key,
					.algorithm = "hs2019",
					.headers = "(request-target) (created) host"};
	ck_assert_ptr_null(httpsig_sign_with(arena, &p, "GET", "/", h, 1, &err));
}
END_TEST

static Suite *
httpsig_suite(void)
{
	Suite *s = suite_create("httpsig");
	TCase *vectors = tcase_create("vectors");
	tcase_add_checked_fixture(vectors, setup, teardown);
	tcase_add_loop_test(vectors, test_fixture, 0, nfixtures);
	tcase_add_test(vectors, test_date);
	tcase_add_test(vectors, test_digest);
	tcase_add_test(vectors, test_keys);
	tcase_add_test(vectors, test_keys_cached);
	suite_add_tcase(s, vectors);

	TCase *verify = tcase_create("verify");
	tcase_add_checked_fixture(verify, setup, teardown);
	tcase_add_test(verify, test_round_trip_post);
	tcase_add_test(verify, test_round_trip_get);
	tcase_add_test(verify, test_tampered_body);
	tcase_add_test(verify, test_tampered_header);
	tcase_add_test(verify, test_wrong_key);
	tcase_add_test(verify, test_dates);
	tcase_add_test(verify, test_expires);
	tcase_add_test(verify, test_required_headers);
	tcase_add_test(verify, test_hs2019_created);
	tcase_add_test(verify, test_snac_order);
	tcase_add_test(verify, test_query_fallback);
	tcase_add_test(verify, test_algorithms);
	suite_add_tcase(s, verify);

	TCase *parse = tcase_create("parse");
	tcase_add_checked_fixture(parse, setup, teardown);
	tcase_add_test(parse, test_parse_robust);
	tcase_add_test(parse, test_parse_malformed);
	tcase_add_test(parse, test_key_ref);
	tcase_add_test(parse, test_rfc9421);
	tcase_add_test(parse, test_sign_missing_header);
	suite_add_tcase(s, parse);
	return s;
}

int
main(void)
{
	/* keys are made once: RSA generation is slow under the sanitizers */
	struct err err = {0};
	struct arena *keys = arena_new();
	if (httpsig_keypair_generate(keys, &gen_private, &gen_public, &err) != 0 ||
	    httpsig_keypair_generate(keys, &other_private, &other_public, &err) != 0) {
		fprintf(stderr, "key generation failed: %s\n", err.detail);
		return 1;
	}
	char dir[1024];
	snprintf(dir, sizeof dir, "%s", fixture_path(""));
	fixtures = fileio_list(dir, ".txt", &err);
	if (fixtures == NULL) {
		fprintf(stderr, "%s: %s\n", dir, err.detail);
		return 1;
	}
	while (fixtures[nfixtures] != NULL)
		nfixtures++;

	SRunner *sr = srunner_create(httpsig_suite());
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	fileio_list_free(fixtures);
	arena_free(keys);
	return failed || nfixtures == 0 ? 1 : 0;
}
