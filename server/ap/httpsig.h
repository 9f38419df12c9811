/* httpsig.h - HTTP Signatures (draft-cavage-http-signatures-12), as the fediverse uses them.
 *
 * Outgoing: every request we send is signed with rsa-sha256 over
 * "(request-target) host date" (+ "digest" when there is a body). Incoming: the inbox parses
 * the Signature header, finds the key from its keyId, then verifies — see httpsig_verify for
 * the exact policy (PROTOCOL.md §3.1). Keys are RSA; the crypto is OpenSSL 3.
 *
 * Every failure of the verifier is ERR_UNAUTHORIZED (answered 401, which also makes Fedify
 * fall back from RFC 9421) with a safe message naming what was wrong; the kind of failure is
 * also reported as an enum so the inbox knows when refetching the key may help. */
#ifndef PARASOL_AP_HTTPSIG_H
#define PARASOL_AP_HTTPSIG_H

#include <openssl/evp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct arena;
struct err;

/* Accepted clock difference between a signature's Date (or created) and now, in seconds. */
#define HTTPSIG_CLOCK_SKEW 3600
/* Most header names one signature may cover. */
#define HTTPSIG_MAX_HEADERS 32
/* Longest Signature header accepted, in bytes. */
#define HTTPSIG_MAX_HEADER_LEN 8192

/* Why a signature was refused; HTTPSIG_OK (0) when it was not. */
enum httpsig_failure {
	HTTPSIG_OK = 0,
	HTTPSIG_MALFORMED,	       /* Signature header, Date, created/expires unparseable */
	HTTPSIG_UNSUPPORTED_ALGORITHM, /* not rsa-sha256/hs2019, or not an RSA key */
	HTTPSIG_MISSING_HEADER,	       /* a required header not signed, or a signed one absent */
	HTTPSIG_BAD_DIGEST,	       /* Digest absent, malformed or not the body's */
	HTTPSIG_STALE_DATE,	       /* Date/(created) more than the skew away from now */
	HTTPSIG_EXPIRED,	       /* (expires) in the past */
	HTTPSIG_BAD_SIGNATURE,	       /* the signature does not verify with the key */
	HTTPSIG__MAX
};

/* Stable lower-case name of a failure ("bad_signature"), for logs and tests. */
const char *httpsig_failure_name(enum httpsig_failure f);

/* --- keys ------------------------------------------------------------------------------ */

/* Makes an RSA-2048 key pair: *private_pem is PKCS#8 ("BEGIN PRIVATE KEY"), *public_pem is
 * SubjectPublicKeyInfo ("BEGIN PUBLIC KEY", what actor documents publish). Both are owned by
 * the arena; the private text is wiped when the arena is freed. -1 + ERR_INTERNAL on failure. */
int httpsig_keypair_generate(struct arena *a, char **private_pem, char **public_pem,
			     struct err *err);

/* Loads a PEM private key (PKCS#8 or PKCS#1 RSA). The key is freed with the arena (never call
 * EVP_PKEY_free on it). NULL + ERR_INTERNAL when the text is not a private key. */
EVP_PKEY *httpsig_load_private(struct arena *a, const char *pem, struct err *err);

/* Loads a PEM public key (SubjectPublicKeyInfo, or PKCS#1 "BEGIN RSA PUBLIC KEY"), freed with
 * the arena. NULL + ERR_UNAUTHORIZED when it is not an RSA public key of at least 1024 bits
 * (a remote peer sent it). */
EVP_PKEY *httpsig_load_public(struct arena *a, const char *pem, struct err *err);

/* The two loaders above decode each PEM text once and keep the key (a bounded cache shared
 * by all threads). Drops the kept keys; for shutdown. */
void httpsig_cache_clear(void);

/* --- Date and Digest ------------------------------------------------------------------- */

/* t as an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), owned by the arena. Independent of
 * the locale. */
char *httpsig_date(struct arena *a, time_t t);

/* Parses an IMF-fixdate into *out; -1 (nothing filled) for anything else. */
int httpsig_date_parse(const char *s, time_t *out);

/* The Digest header value for a body: "SHA-256=" + base64(sha256(body)), arena-owned. */
char *httpsig_digest(struct arena *a, const char *body, size_t len);

/* Checks a received Digest header against the body: the comma-separated list must hold
 * exactly one SHA-256 entry (algorithm name case-insensitive; other algorithms are ignored)
 * and it must match. -1 + ERR_UNAUTHORIZED otherwise. */
int httpsig_digest_check(const char *header, const char *body, size_t len, struct err *err);

/* --- signing --------------------------------------------------------------------------- */

struct httpsig_header {
	const char *name; /* any case */
	const char *value;
};

/* What to sign with; see httpsig_sign_with. */
struct httpsig_sign_params {
	const char *key_id;
	EVP_PKEY *key;	       /* RSA private key */
	const char *algorithm; /* NULL: "rsa-sha256"; or "hs2019" */
	const char *headers;   /* names to sign in order, space-separated; NULL signs "date"
				* and leaves out the headers parameter (the draft's default) */
	int64_t created;       /* written as created=/expires= when non-zero; required when */
	int64_t expires;       /* "(created)"/"(expires)" are signed */
};

/* Signs a request and returns the Signature header value (keyId="…",algorithm="…",
 * headers="…",signature="…"), arena-owned. method is upper or lower case; target is the
 * path with its query as sent. Every named header must be in headers[] (case-insensitive).
 * NULL + ERR_INTERNAL when one is missing or the key can't sign: a programming error. */
char *httpsig_sign_with(struct arena *a, const struct httpsig_sign_params *p, const char *method,
			const char *target, const struct httpsig_header *headers, size_t nheaders,
			struct err *err);

/* What the server sends: rsa-sha256 over "(request-target) host date", plus "digest" when a
 * Digest header is among headers[] (requests with a body). Host and Date must be there.
 * Returns the Signature header value, arena-owned; NULL + ERR_INTERNAL on failure. */
char *httpsig_sign(struct arena *a, EVP_PKEY *key, const char *key_id, const char *method,
		   const char *target, const struct httpsig_header *headers, size_t nheaders,
		   struct err *err);

/* --- parsing and verifying ------------------------------------------------------------- */

/* A parsed Signature header; everything is owned by the arena given to httpsig_parse. */
struct httpsig_sig {
	const char *key_id;
	const char *algorithm; /* lower-cased; "hs2019" when the parameter was absent */
	const char *headers[HTTPSIG_MAX_HEADERS]; /* lower-cased, in the signer's order */
	size_t nheaders;
	unsigned char *signature; /* decoded bytes */
	size_t signature_len;
	bool has_created, has_expires;
	int64_t created, expires; /* unix seconds (a fraction is dropped) */
};

/* Parses a Signature header value: comma-separated name=value parameters, values quoted or
 * bare tokens, spaces allowed around commas, unknown parameters ignored. Refused
 * (ERR_UNAUTHORIZED, *why = HTTPSIG_MALFORMED) for a duplicate parameter, a missing keyId or
 * signature, an empty or oversized headers list, bad base64, a non-numeric created/expires.
 * When headers is absent it is "(created)" for hs2019 and "date" otherwise. why may be NULL. */
int httpsig_parse(struct arena *a, const char *value, struct httpsig_sig *out,
		  enum httpsig_failure *why, struct err *err);

/* Looks a received header up by name (any case); NULL when absent. */
typedef const char *(*httpsig_header_fn)(void *ctx, const char *name);

/* A received request, as the verifier sees it. */
struct httpsig_request {
	const char *method; /* "POST" */
	const char *target; /* the path with its query as received, still percent-encoded */
	const char *body;   /* NULL for a request without a body (GET); a POST passes its
			     * body, even empty, and must then have a signed Digest */
	size_t body_len;
	httpsig_header_fn header;
	void *header_ctx;
};

/* The checks that need no key, in this order: algorithm rsa-sha256 or hs2019;
 * (created)/(expires) only with hs2019; "(request-target)", "host" and "date" or "(created)"
 * signed; every signed header present; for a request with a body "digest" signed and
 * matching (a Digest sent on a GET must match the empty body); Date or created within
 * ±HTTPSIG_CLOCK_SKEW of now; expires (when given) not in the past.
 * The inbox can run this before fetching a key. -1 + ERR_UNAUTHORIZED + *why on failure. */
int httpsig_check(const struct httpsig_request *req, const struct httpsig_sig *sig, time_t now,
		  enum httpsig_failure *why, struct err *err);

/* httpsig_check, then the RSA-SHA256 signature with key (an RSA public key) over the signed
 * headers in the signer's order — first with the target's query string, then without it
 * (older senders signed the bare path). 0 when valid; -1 + ERR_UNAUTHORIZED + *why
 * (HTTPSIG_BAD_SIGNATURE: worth refetching the key once) otherwise. a holds scratch memory. */
int httpsig_verify(struct arena *a, const struct httpsig_request *req,
		   const struct httpsig_sig *sig, EVP_PKEY *key, time_t now,
		   enum httpsig_failure *why, struct err *err);

/* Whether the request carries an RFC 9421 signature (a Signature-Input header), which we do
 * not verify: the inbox answers it 401 so that Fedify retries with draft-cavage. */
bool httpsig_is_rfc9421(const struct httpsig_request *req);

/* Where a keyId points. */
struct httpsig_key_ref {
	const char *document; /* the keyId without its fragment: the URL to fetch */
	const char *actor;    /* the actor's URL when the keyId has a fragment ("…/alice#main-key"
			       * gives "…/alice"); NULL when it has none (GoToSocial's
			       * "…/alice/main-key"): then the key document's owner names it */
};

/* Splits a keyId. Both parts are arena-owned. -1 + ERR_UNAUTHORIZED unless it is an
 * absolute http(s) URL (acct: keyIds are refused). */
int httpsig_key_ref(struct arena *a, const char *key_id, struct httpsig_key_ref *out,
		    struct err *err);

/* A ready-made httpsig_header_fn over an array: ctx is a struct httpsig_header_list. */
struct httpsig_header_list {
	const struct httpsig_header *v;
	size_t n;
};
const char *httpsig_header_list_get(void *ctx, const char *name);

#endif
