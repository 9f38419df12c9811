/* verify.c - verifying incoming HTTP signatures against the key cache. */
#include "ap/verify.h"

#include <string.h>
#include <time.h>

#include "ap/ap.h"
#include "ap/httpsig.h"
#include "ap/keyfetch.h"
#include "ap/resolve.h"
#include "core/cache.h"
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

/* 0 when domain is an allowed peer; else -1 with req->err (403, the attempt counted by
 * domain only; or 503 when the policy can't be read). */
static int
refuse_unless_allowed(struct req *req, const char *domain)
{
	struct err err = {0};
	if (federation_domain_allowed(req->arena, domain, &err))
		return 0;
	if (err.code == ERR_UNAVAILABLE) {
		req->err = err;
		return -1;
	}
	struct err ignored;
	federation_record_attempt(req->arena, domain, &ignored);
	return err_set(&req->err, ERR_FORBIDDEN, "This server does not federate with yours.",
		       "refused an unknown domain");
}

/* The keyid parameter of the first signature a Signature-Input header describes
 * (`sig1=("@method" ...);created=1;keyid="https://peer/key"`), or NULL. */
static const char *
rfc9421_key_id(struct arena *a, const char *input)
{
	if (input == NULL)
		return NULL;
	const char *p = strchr(input, ')'); /* past the list of covered components */
	for (p = p != NULL ? p + 1 : input; *p == ';';) {
		p++;
		size_t name = strcspn(p, "=;,");
		bool keyid = name == 5 && strncmp(p, "keyid", 5) == 0;
		p += name;
		if (*p != '=')
			continue;
		p++;
		if (*p == '"') {
			size_t len = strcspn(p + 1, "\"");
			if (keyid && p[1 + len] == '"')
				return arena_strndup(a, p + 1, len);
			p += 1 + len + (p[1 + len] == '"');
		} else {
			size_t len = strcspn(p, ";,");
			if (keyid)
				return NULL; /* keyid is a string; a bare token is malformed */
			p += len;
		}
	}
	return NULL;
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
		/* Not verified here, but a server that is no peer is still counted and refused
		 * like any other, by the domain of the keyid it names. */
		const char *key_id = rfc9421_key_id(req->arena, req_header(req, "Signature-Input"));
		char *domain = key_id != NULL ? ap_url_domain(req->arena, key_id) : NULL;
		if (domain != NULL && refuse_unless_allowed(req, domain) != 0)
			return NULL;
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
	if (refuse_unless_allowed(req, domain) != 0)
		return NULL;
	struct err err = {0};
	/* The stored key first; an unknown key, or a stored one that fails (it may have
	 * rotated), is fetched by the key-fetching threads (ap/keyfetch.h), which this request
	 * waits for only briefly. */
	const char *pem = NULL;
	struct account *acct = ap_cached_key(req->arena, sig.key_id, &pem, &err);
	if (acct == NULL && err.code != ERR_NOT_FOUND) {
		req->err = err;
		return NULL;
	}
	for (int attempt = 0; attempt < 2; attempt++) {
		if (acct == NULL || attempt > 0) {
			enum keyfetch_result r = keyfetch_request(sig.key_id, acct != NULL);
			if (r != KEYFETCH_READY) {
				err_set(&req->err, ERR_UNAUTHORIZED,
					r == KEYFETCH_PENDING
					    ? "The signing key is being fetched; try again later."
					    : "The signing key can't be used.",
					"key %s", r == KEYFETCH_PENDING ? "pending" : "refused");
				return NULL;
			}
			if ((acct = ap_cached_key(req->arena, sig.key_id, &pem, &err)) == NULL) {
				req->err = err;
				if (err.code == ERR_NOT_FOUND)
					err_set(&req->err, ERR_UNAUTHORIZED,
						"The signing key can't be used.", "key not stored");
				return NULL;
			}
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

/* The key-fetching threads' work: the key's document (and its owner) fetched, checked and
 * stored by ap/resolve.c, on the thread's own arena. */
static int
fetch_key(const char *key_id, bool refresh)
{
	struct arena *a = arena_new();
	if (a == NULL)
		return -1;
	struct err err = {0};
	const char *pem = NULL;
	struct account *acct = ap_resolve_key(a, key_id, refresh, &pem, &err);
	/* the request waiting for this key reads it next: from the database, not from a copy
	 * kept before (the trigger's notice of the change may still be on its way) */
	cache_invalidate(CACHE_REMOTE);
	if (acct == NULL)
		log_msg(LOG_INFO, "keyfetch: a key could not be had: %s", err.detail);
	arena_free(a);
	return acct != NULL ? 0 : -1;
}

int
ap_verify_start(void)
{
	struct keyfetch_options o = KEYFETCH_OPTIONS_INIT;
	o.fetch = fetch_key;
	return keyfetch_start(&o);
}

void
ap_verify_stop(void)
{
	keyfetch_stop();
}
