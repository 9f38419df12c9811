/* verify.c - verifying incoming HTTP signatures against the key cache. */
#include "ap/verify.h"

#include <string.h>
#include <time.h>

#include "ap/ap.h"
#include "ap/httpsig.h"
#include "ap/resolve.h"
#include "core/federation.h"
#include "http/request.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/log.h"

static const char *
lookup_header(void *ctx, const char *name)
{
	return req_header(ctx, name);
}

/* The path with its query, as the client sent it (libmicrohttpd gives them apart). */
static const char *
request_target(struct req *req)
{
	const char *query = req_raw_query(req);
	return query && *query ? arena_printf(req->arena, "%s?%s", req->path, query) : req->path;
}

/* Whether the request's Host (which every signature covers, httpsig_check) names this
 * server: base_url's host and port, normalised on both sides (core/federation.h), so that a
 * request signed for another server can't be replayed here. false fills req->err (401). */
static bool
signed_for_us(struct req *req)
{
	struct err ignored;
	const char *host = req_header(req, "Host");
	char *ours = federation_domain_normalise(req->arena, ap_base_url(), &ignored);
	char *theirs = host ? federation_domain_normalise(req->arena, host, &ignored) : NULL;
	if (ours != NULL && theirs != NULL && strcmp(ours, theirs) == 0)
		return true;
	err_set(&req->err, ERR_UNAUTHORIZED, "The signature is for another server.",
		"signed Host is not base_url's");
	return false;
}

struct account *
ap_verify_request(struct req *req, const char *body, size_t body_len)
{
	struct httpsig_request hr = {
		.method = req->method,
		.target = request_target(req),
		.body = body,
		.body_len = body_len,
		.header = lookup_header,
		.header_ctx = req,
	};
	if (httpsig_is_rfc9421(&hr)) {
		err_set(&req->err, ERR_UNAUTHORIZED, "Sign with draft-cavage HTTP signatures.",
			"RFC 9421 signature");
		return NULL;
	}
	const char *value = req_header(req, "Signature");
	if (value == NULL) {
		err_set(&req->err, ERR_UNAUTHORIZED, "This request must be signed.",
			"unsigned request");
		return NULL;
	}
	struct httpsig_sig sig;
	enum httpsig_failure why;
	time_t now = time(NULL);
	if (httpsig_parse(req->arena, value, &sig, &why, &req->err) != 0 ||
	    httpsig_check(&hr, &sig, now, &why, &req->err) != 0)
		return NULL;
	if (!signed_for_us(req))
		return NULL;
	char *domain = ap_url_domain(req->arena, sig.key_id);
	if (domain == NULL) {
		err_set(&req->err, ERR_UNAUTHORIZED, "The keyId must be an http(s) URL.",
			"bad keyId");
		return NULL;
	}
	struct err err = {0};
	bool allowed = federation_domain_allowed(req->arena, domain, &err);
	if (!allowed) {
		if (err.code == ERR_UNAVAILABLE) {
			req->err = err;
			return NULL;
		}
		struct err ignored;
		federation_record_attempt(req->arena, domain, &ignored);
		err_set(&req->err, ERR_FORBIDDEN, "This server does not federate with yours.",
			"refused an unknown domain");
		return NULL;
	}
	const char *pem = NULL;
	for (int attempt = 0; attempt < 2; attempt++) {
		struct account *acct = ap_resolve_key(req->arena, sig.key_id, attempt > 0, &pem, &err);
		if (acct == NULL) {
			req->err = err;
			if (err.code != ERR_UNAVAILABLE && err.code != ERR_FORBIDDEN)
				err_set(&req->err, ERR_UNAUTHORIZED, "The signing key can't be used.",
					"key: %s", err.detail);
			return NULL;
		}
		EVP_PKEY *key = pem ? httpsig_load_public(req->arena, pem, &req->err) : NULL;
		if (key != NULL &&
		    httpsig_verify(req->arena, &hr, &sig, key, now, &why, &req->err) == 0)
			return acct;
		if (key != NULL && why != HTTPSIG_BAD_SIGNATURE)
			return NULL;
		/* The key may have rotated: fetch the actor again, once. */
	}
	if (req->err.code == ERR_NONE)
		err_set(&req->err, ERR_UNAUTHORIZED, "The signature does not verify.",
			"bad signature after refetch");
	return NULL;
}
