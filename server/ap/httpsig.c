/* httpsig.c - HTTP Signatures (draft-cavage-12): keys, Date, Digest, signing, parsing and
 * verifying. The signing string is built by one function for both directions, so what we
 * sign and what we check can't drift apart. */
#include "ap/httpsig.h"

#include <ctype.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/decoder.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/arena.h"
#include "util/err.h"
#include "util/strbuf.h"

static const char *const failure_names[HTTPSIG__MAX] = {
    [HTTPSIG_OK] = "ok",
    [HTTPSIG_MALFORMED] = "malformed",
    [HTTPSIG_UNSUPPORTED_ALGORITHM] = "unsupported_algorithm",
    [HTTPSIG_MISSING_HEADER] = "missing_header",
    [HTTPSIG_BAD_DIGEST] = "bad_digest",
    [HTTPSIG_STALE_DATE] = "stale_date",
    [HTTPSIG_EXPIRED] = "expired",
    [HTTPSIG_BAD_SIGNATURE] = "bad_signature",
};

const char *
httpsig_failure_name(enum httpsig_failure f)
{
	return (unsigned)f < HTTPSIG__MAX ? failure_names[f] : "unknown";
}

/* Records why and fills err (ERR_UNAUTHORIZED); returns -1. */
static int
refuse(enum httpsig_failure *why, enum httpsig_failure f, struct err *err, const char *safe)
{
	if (why != NULL)
		*why = f;
	return err_set(err, ERR_UNAUTHORIZED, safe, "http signature refused: %s (%s)",
		       httpsig_failure_name(f), safe);
}

/* --- base64 ----------------------------------------------------------------------------- */

static char *
b64_encode(struct arena *a, const unsigned char *in, size_t n)
{
	char *out = arena_alloc(a, (n + 2) / 3 * 4 + 1);
	EVP_EncodeBlock((unsigned char *)out, in, (int)n);
	return out;
}

/* Strict standard base64 (padded, no whitespace) of n characters into out (room for
 * n / 4 * 3 bytes); -1 when invalid. */
static int
b64_decode_buf(const char *in, size_t n, unsigned char *out, size_t *out_len)
{
	if (n == 0 || n % 4 != 0 || n > HTTPSIG_MAX_HEADER_LEN)
		return -1;
	size_t pad = 0;
	if (in[n - 1] == '=')
		pad = in[n - 2] == '=' ? 2 : 1;
	for (size_t i = 0; i < n - pad; i++)
		if (!isalnum((unsigned char)in[i]) && in[i] != '+' && in[i] != '/')
			return -1;
	int len = EVP_DecodeBlock(out, (const unsigned char *)in, (int)n);
	if (len < 0 || (size_t)len < pad)
		return -1;
	*out_len = (size_t)len - pad;
	return 0;
}

static unsigned char *
b64_decode(struct arena *a, const char *in, size_t n, size_t *out_len)
{
	unsigned char *out = arena_alloc(a, n / 4 * 3 + 1);
	return b64_decode_buf(in, n, out, out_len) == 0 ? out : NULL;
}

/* --- keys ------------------------------------------------------------------------------- */

static void
pkey_release(void *p)
{
	EVP_PKEY_free(p);
}

static void
wipe_string(void *p)
{
	OPENSSL_cleanse(p, strlen(p));
}

/* Copies a memory BIO's contents into the arena as a string. */
static char *
bio_string(struct arena *a, BIO *bio)
{
	char *data = NULL;
	long len = BIO_get_mem_data(bio, &data);
	return len > 0 ? arena_strndup(a, data, (size_t)len) : NULL;
}

int
httpsig_keypair_generate(struct arena *a, char **private_pem, char **public_pem, struct err *err)
{
	int rc = -1;
	BIO *priv = BIO_new(BIO_s_secmem()), *pub = BIO_new(BIO_s_mem());
	EVP_PKEY *key = EVP_RSA_gen(2048);
	if (key == NULL || priv == NULL || pub == NULL) {
		err_set(err, ERR_INTERNAL, NULL, "RSA key generation failed");
		goto done;
	}
	if (PEM_write_bio_PrivateKey(priv, key, NULL, NULL, 0, NULL, NULL) != 1 ||
	    PEM_write_bio_PUBKEY(pub, key) != 1) {
		err_set(err, ERR_INTERNAL, NULL, "writing the key pair as PEM failed");
		goto done;
	}
	*private_pem = bio_string(a, priv);
	*public_pem = bio_string(a, pub);
	if (*private_pem == NULL || *public_pem == NULL) {
		err_set(err, ERR_INTERNAL, NULL, "empty PEM output");
		goto done;
	}
	arena_defer(a, wipe_string, *private_pem);
	rc = 0;
done:
	EVP_PKEY_free(key);
	BIO_free(priv);
	BIO_free(pub);
	return rc;
}

/* Decodes one RSA key from PEM text; NULL when it isn't one. */
static EVP_PKEY *
decode_key(const char *pem, int selection)
{
	EVP_PKEY *key = NULL;
	OSSL_DECODER_CTX *dctx =
	    OSSL_DECODER_CTX_new_for_pkey(&key, "PEM", NULL, "RSA", selection, NULL, NULL);
	if (dctx == NULL)
		return NULL;
	const unsigned char *data = (const unsigned char *)pem;
	size_t len = strlen(pem);
	if (OSSL_DECODER_from_data(dctx, &data, &len) != 1) {
		EVP_PKEY_free(key);
		key = NULL;
	}
	OSSL_DECODER_CTX_free(dctx);
	return key;
}

/* Decoded keys, by the SHA-256 of their PEM text and what was asked for: OpenSSL 3 takes
 * 0.3 ms to decode a public key and 0.4 ms a private one, 15 to 20 times an RSA verify, and
 * every signed request and every delivery needs one of the few keys a node uses. The cache
 * holds a reference to each key (EVP_PKEY is reference-counted and may be used by several
 * threads at once); it keeps no PEM text, and is bounded: when full, slots are reused in
 * turn. A key that rotates has other PEM text, hence another entry. */
#define KEY_SLOTS 256
static struct key_slot {
	unsigned char digest[32];
	int selection;
	EVP_PKEY *key; /* NULL: free */
} key_slots[KEY_SLOTS];
static unsigned key_next;
static pthread_mutex_t key_lock = PTHREAD_MUTEX_INITIALIZER;

/* decode_key through the cache; the caller owns a reference to the result. */
static EVP_PKEY *
decode_key_cached(const char *pem, int selection)
{
	unsigned char digest[32];
	if (EVP_Digest(pem, strlen(pem), digest, NULL, EVP_sha256(), NULL) != 1)
		return decode_key(pem, selection);
	pthread_mutex_lock(&key_lock);
	for (size_t i = 0; i < KEY_SLOTS; i++) {
		struct key_slot *k = &key_slots[i];
		if (k->key != NULL && k->selection == selection &&
		    memcmp(k->digest, digest, sizeof digest) == 0) {
			EVP_PKEY *key = EVP_PKEY_up_ref(k->key) == 1 ? k->key : NULL;
			pthread_mutex_unlock(&key_lock);
			return key != NULL ? key : decode_key(pem, selection);
		}
	}
	pthread_mutex_unlock(&key_lock);
	EVP_PKEY *key = decode_key(pem, selection);
	if (key == NULL || EVP_PKEY_up_ref(key) != 1)
		return key;
	pthread_mutex_lock(&key_lock);
	struct key_slot *k = &key_slots[key_next++ % KEY_SLOTS];
	EVP_PKEY *old = k->key;
	memcpy(k->digest, digest, sizeof digest);
	k->selection = selection;
	k->key = key;
	pthread_mutex_unlock(&key_lock);
	EVP_PKEY_free(old);
	return key;
}

void
httpsig_cache_clear(void)
{
	pthread_mutex_lock(&key_lock);
	for (size_t i = 0; i < KEY_SLOTS; i++) {
		EVP_PKEY_free(key_slots[i].key);
		key_slots[i].key = NULL;
	}
	pthread_mutex_unlock(&key_lock);
}

EVP_PKEY *
httpsig_load_private(struct arena *a, const char *pem, struct err *err)
{
	EVP_PKEY *key = pem != NULL ? decode_key_cached(pem, OSSL_KEYMGMT_SELECT_KEYPAIR) : NULL;
	if (key == NULL || !EVP_PKEY_is_a(key, "RSA")) {
		EVP_PKEY_free(key);
		err_set(err, ERR_INTERNAL, NULL, "not an RSA private key in PEM");
		return NULL;
	}
	arena_defer(a, pkey_release, key);
	return key;
}

EVP_PKEY *
httpsig_load_public(struct arena *a, const char *pem, struct err *err)
{
	EVP_PKEY *key = pem != NULL ? decode_key_cached(pem, OSSL_KEYMGMT_SELECT_PUBLIC_KEY) : NULL;
	if (key == NULL || !EVP_PKEY_is_a(key, "RSA") || EVP_PKEY_get_bits(key) < 1024) {
		EVP_PKEY_free(key);
		err_set(err, ERR_UNAUTHORIZED, "The signing key is not a usable RSA public key.",
			"bad public key PEM");
		return NULL;
	}
	arena_defer(a, pkey_release, key);
	return key;
}

/* --- Date ------------------------------------------------------------------------------- */

static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
				   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

char *
httpsig_date(struct arena *a, time_t t)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	return arena_printf(a, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday], tm.tm_mday,
			    months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* n decimal digits at s, or -1. */
static int
digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int
httpsig_date_parse(const char *s, time_t *out)
{
	/* "Sun, 06 Nov 1994 08:49:37 GMT": fixed width, 29 characters */
	if (s == NULL || strlen(s) != 29 || s[3] != ',' || s[4] != ' ' || s[7] != ' ' ||
	    s[11] != ' ' || s[16] != ' ' || s[19] != ':' || s[22] != ':' ||
	    strcmp(s + 25, " GMT") != 0)
		return -1;
	int wday = -1, mon = -1;
	for (int i = 0; i < 7; i++)
		if (strncmp(s, days[i], 3) == 0)
			wday = i;
	for (int i = 0; i < 12; i++)
		if (strncmp(s + 8, months[i], 3) == 0)
			mon = i;
	int mday = digits(s + 5, 2), year = digits(s + 12, 4);
	int hour = digits(s + 17, 2), min = digits(s + 20, 2), sec = digits(s + 23, 2);
	if (wday < 0 || mon < 0 || mday < 1 || year < 1970 || hour < 0 || hour > 23 || min < 0 ||
	    min > 59 || sec < 0 || sec > 60)
		return -1;
	struct tm tm = {.tm_year = year - 1900,
			.tm_mon = mon,
			.tm_mday = mday,
			.tm_hour = hour,
			.tm_min = min,
			.tm_sec = sec};
	time_t t = timegm(&tm);
	if (tm.tm_mday != mday || tm.tm_mon != mon) /* normalised: 31 Feb */
		return -1;
	*out = t;
	return 0;
}

/* --- Digest ----------------------------------------------------------------------------- */

char *
httpsig_digest(struct arena *a, const char *body, size_t len)
{
	unsigned char md[32];
	EVP_Digest(body != NULL ? body : "", len, md, NULL, EVP_sha256(), NULL);
	return arena_printf(a, "SHA-256=%s", b64_encode(a, md, sizeof md));
}

/* Trims spaces and tabs around [*s, *e). */
static void
trim(const char **s, const char **e)
{
	while (*s < *e && (**s == ' ' || **s == '\t'))
		(*s)++;
	while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t'))
		(*e)--;
}

int
httpsig_digest_check(const char *header, const char *body, size_t len, struct err *err)
{
	if (header == NULL)
		return refuse(NULL, HTTPSIG_BAD_DIGEST, err, "The Digest header is missing.");
	const char *found = NULL, *found_end = NULL;
	for (const char *p = header; *p != '\0';) {
		const char *e = strchr(p, ',');
		if (e == NULL)
			e = p + strlen(p);
		const char *s = p, *end = e;
		p = *e == ',' ? e + 1 : e;
		trim(&s, &end);
		if (s == end)
			continue;
		const char *eq = memchr(s, '=', (size_t)(end - s));
		if (eq == NULL || eq == s)
			return refuse(NULL, HTTPSIG_BAD_DIGEST, err,
				      "The Digest header is malformed.");
		if (eq - s != 7 || strncasecmp(s, "sha-256", 7) != 0)
			continue; /* another algorithm: not ours to check */
		if (found != NULL)
			return refuse(NULL, HTTPSIG_BAD_DIGEST, err,
				      "The Digest header has more than one SHA-256 value.");
		found = eq + 1;
		found_end = end;
	}
	if (found == NULL)
		return refuse(NULL, HTTPSIG_BAD_DIGEST, err,
			      "The Digest header has no SHA-256 value.");
	unsigned char md[32], got[48];
	size_t n = 0;
	EVP_Digest(body != NULL ? body : "", len, md, NULL, EVP_sha256(), NULL);
	if (found_end - found != 44 || b64_decode_buf(found, 44, got, &n) != 0 || n != sizeof md ||
	    CRYPTO_memcmp(got, md, sizeof md) != 0)
		return refuse(NULL, HTTPSIG_BAD_DIGEST, err, "The Digest does not match the body.");
	return 0;
}

/* --- the signing string ----------------------------------------------------------------- */

/* What the signing string is made of. */
struct sig_input {
	const char *method;
	const char *target;
	size_t target_len; /* lets the verifier drop the query without copying */
	httpsig_header_fn header;
	void *header_ctx;
	bool has_created, has_expires;
	int64_t created, expires;
};

/* Builds "name: value" lines joined by "\n" for names, in order. NULL when a header or a
 * pseudo-header's value is missing (*missing names it). */
static char *
signing_string(struct arena *a, const struct sig_input *in, const char *const *names, size_t n,
	       const char **missing)
{
	struct strbuf sb;
	strbuf_init(&sb, a);
	for (size_t i = 0; i < n; i++) {
		const char *name = names[i];
		if (i > 0)
			strbuf_putc(&sb, '\n');
		if (strcmp(name, "(request-target)") == 0) {
			strbuf_puts(&sb, "(request-target): ");
			for (const char *m = in->method; *m != '\0'; m++)
				strbuf_putc(&sb, (char)tolower((unsigned char)*m));
			strbuf_putc(&sb, ' ');
			strbuf_append(&sb, in->target, in->target_len);
		} else if (strcmp(name, "(created)") == 0 && in->has_created) {
			strbuf_printf(&sb, "(created): %lld", (long long)in->created);
		} else if (strcmp(name, "(expires)") == 0 && in->has_expires) {
			strbuf_printf(&sb, "(expires): %lld", (long long)in->expires);
		} else {
			const char *v = name[0] != '(' ? in->header(in->header_ctx, name) : NULL;
			if (v == NULL) {
				*missing = name;
				return NULL;
			}
			const char *e = v + strlen(v);
			trim(&v, &e);
			strbuf_puts(&sb, name);
			strbuf_puts(&sb, ": ");
			strbuf_append(&sb, v, (size_t)(e - v));
		}
	}
	return sb.data;
}

/* Splits a space-separated list of header names into lower-cased arena strings. -1 when it
 * is empty, too long or holds a name that is not a token or a "(pseudo-header)". */
static int
split_names(struct arena *a, const char *list, const char **out, size_t *n)
{
	*n = 0;
	for (const char *p = list;;) {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		const char *e = p;
		while (*e != '\0' && *e != ' ')
			e++;
		size_t len = (size_t)(e - p);
		if (*n == HTTPSIG_MAX_HEADERS || len > 64)
			return -1;
		char *name = arena_strndup(a, p, len);
		for (char *c = name; *c != '\0'; c++) {
			if (!isalnum((unsigned char)*c) && strchr("-_.!#$%&'*+^`|~()", *c) == NULL)
				return -1;
			*c = (char)tolower((unsigned char)*c);
		}
		out[(*n)++] = name;
		p = e;
	}
	return *n > 0 ? 0 : -1;
}

/* --- signing ---------------------------------------------------------------------------- */

const char *
httpsig_header_list_get(void *ctx, const char *name)
{
	const struct httpsig_header_list *l = ctx;
	for (size_t i = 0; i < l->n; i++)
		if (strcasecmp(l->v[i].name, name) == 0)
			return l->v[i].value;
	return NULL;
}

char *
httpsig_sign_with(struct arena *a, const struct httpsig_sign_params *p, const char *method,
		  const char *target, const struct httpsig_header *headers, size_t nheaders,
		  struct err *err)
{
	const char *names[HTTPSIG_MAX_HEADERS];
	size_t n = 0;
	if (split_names(a, p->headers != NULL ? p->headers : "date", names, &n) != 0) {
		err_set(err, ERR_INTERNAL, NULL, "bad list of headers to sign");
		return NULL;
	}
	struct httpsig_header_list list = {headers, nheaders};
	struct sig_input in = {
	    .method = method,
	    .target = target,
	    .target_len = strlen(target),
	    .header = httpsig_header_list_get,
	    .header_ctx = &list,
	    .has_created = p->created != 0,
	    .created = p->created,
	    .has_expires = p->expires != 0,
	    .expires = p->expires,
	};
	const char *missing = NULL;
	char *text = signing_string(a, &in, names, n, &missing);
	if (text == NULL) {
		err_set(err, ERR_INTERNAL, NULL, "header to sign is missing: %s", missing);
		return NULL;
	}

	char *out = NULL;
	unsigned char *sig = NULL;
	size_t sig_len = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (ctx == NULL || p->key == NULL ||
	    EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, p->key) != 1 ||
	    EVP_DigestSign(ctx, NULL, &sig_len, (const unsigned char *)text, strlen(text)) != 1) {
		err_set(err, ERR_INTERNAL, NULL, "RSA signing failed to start");
		goto done;
	}
	sig = arena_alloc(a, sig_len);
	if (EVP_DigestSign(ctx, sig, &sig_len, (const unsigned char *)text, strlen(text)) != 1) {
		err_set(err, ERR_INTERNAL, NULL, "RSA signing failed");
		goto done;
	}
	struct strbuf sb;
	strbuf_init(&sb, a);
	strbuf_printf(&sb, "keyId=\"%s\",algorithm=\"%s\"", p->key_id,
		      p->algorithm != NULL ? p->algorithm : "rsa-sha256");
	if (p->created != 0)
		strbuf_printf(&sb, ",created=%lld", (long long)p->created);
	if (p->expires != 0)
		strbuf_printf(&sb, ",expires=%lld", (long long)p->expires);
	if (p->headers != NULL) {
		strbuf_puts(&sb, ",headers=\"");
		for (size_t i = 0; i < n; i++)
			strbuf_printf(&sb, "%s%s", i > 0 ? " " : "", names[i]);
		strbuf_putc(&sb, '"');
	}
	strbuf_printf(&sb, ",signature=\"%s\"", b64_encode(a, sig, sig_len));
	out = sb.data;
done:
	EVP_MD_CTX_free(ctx);
	return out;
}

char *
httpsig_sign(struct arena *a, EVP_PKEY *key, const char *key_id, const char *method,
	     const char *target, const struct httpsig_header *headers, size_t nheaders,
	     struct err *err)
{
	struct httpsig_header_list list = {headers, nheaders};
	bool digest = httpsig_header_list_get(&list, "digest") != NULL;
	struct httpsig_sign_params p = {
	    .key_id = key_id,
	    .key = key,
	    .headers = digest ? "(request-target) host date digest" : "(request-target) host date",
	};
	return httpsig_sign_with(a, &p, method, target, headers, nheaders, err);
}

/* --- parsing ---------------------------------------------------------------------------- */

#define MAX_PARAMS 16

static bool
is_tchar(char c)
{
	return isalnum((unsigned char)c) || (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* A Unix time: digits with an optional ".digits" fraction that is dropped. */
static int
parse_time(const char *s, int64_t *out)
{
	int64_t v = 0;
	const char *p = s;
	for (; isdigit((unsigned char)*p); p++) {
		if (v > 100000000000LL) /* year 5138: nonsense */
			return -1;
		v = v * 10 + (*p - '0');
	}
	if (p == s)
		return -1;
	if (*p == '.') {
		const char *f = ++p;
		while (isdigit((unsigned char)*p))
			p++;
		if (p == f)
			return -1;
	}
	if (*p != '\0')
		return -1;
	*out = v;
	return 0;
}

/* Reads one parameter value at *pp (quoted string with backslash escapes, or a token) into
 * an arena string; NULL when malformed. */
static char *
parse_value(struct arena *a, const char **pp)
{
	const char *p = *pp;
	struct strbuf sb;
	strbuf_init(&sb, a);
	if (*p == '"') {
		for (p++; *p != '"'; p++) {
			if (*p == '\\')
				p++;
			if (*p == '\0' || (unsigned char)*p < 0x20 || *p == 0x7f)
				return NULL;
			strbuf_putc(&sb, *p);
		}
		p++;
	} else {
		while (is_tchar(*p) || *p == '/' || *p == '=' || *p == ':')
			strbuf_putc(&sb, *p++);
		if (sb.len == 0)
			return NULL;
	}
	*pp = p;
	return sb.data;
}

int
httpsig_parse(struct arena *a, const char *value, struct httpsig_sig *out,
	      enum httpsig_failure *why, struct err *err)
{
	memset(out, 0, sizeof *out);
	if (value == NULL || strlen(value) > HTTPSIG_MAX_HEADER_LEN)
		return refuse(why, HTTPSIG_MALFORMED, err, "The Signature header is malformed.");
	const char *names[MAX_PARAMS];
	size_t nparams = 0;
	const char *headers = NULL, *signature = NULL, *created = NULL, *expires = NULL;
	const char *p = value;
	while (*p == ' ' || *p == '\t')
		p++;
	for (;;) {
		const char *s = p;
		while (is_tchar(*p) && *p != '=')
			p++;
		if (p == s || p - s > 32 || nparams == MAX_PARAMS)
			goto malformed;
		const char *name = arena_strndup(a, s, (size_t)(p - s));
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p++ != '=')
			goto malformed;
		while (*p == ' ' || *p == '\t')
			p++;
		const char *v = parse_value(a, &p);
		if (v == NULL)
			goto malformed;
		for (size_t i = 0; i < nparams; i++)
			if (strcasecmp(names[i], name) == 0)
				return refuse(why, HTTPSIG_MALFORMED, err,
					      "The Signature header repeats a parameter.");
		names[nparams++] = name;
		if (strcasecmp(name, "keyId") == 0)
			out->key_id = v;
		else if (strcasecmp(name, "algorithm") == 0)
			out->algorithm = v;
		else if (strcasecmp(name, "headers") == 0)
			headers = v;
		else if (strcasecmp(name, "signature") == 0)
			signature = v;
		else if (strcasecmp(name, "created") == 0)
			created = v;
		else if (strcasecmp(name, "expires") == 0)
			expires = v;
		/* anything else is an extension we ignore */
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		if (*p++ != ',')
			goto malformed;
		while (*p == ' ' || *p == '\t')
			p++;
	}
	if (out->key_id == NULL || out->key_id[0] == '\0' || signature == NULL)
		return refuse(why, HTTPSIG_MALFORMED, err,
			      "The Signature header lacks keyId or signature.");
	char *alg = arena_strdup(a, out->algorithm != NULL ? out->algorithm : "hs2019");
	for (char *c = alg; *c != '\0'; c++)
		*c = (char)tolower((unsigned char)*c);
	out->algorithm = alg;
	if (headers == NULL)
		headers = strcmp(alg, "hs2019") == 0 ? "(created)" : "date";
	if (split_names(a, headers, out->headers, &out->nheaders) != 0)
		return refuse(why, HTTPSIG_MALFORMED, err,
			      "The Signature header's headers list is malformed.");
	out->signature = b64_decode(a, signature, strlen(signature), &out->signature_len);
	if (out->signature == NULL)
		return refuse(why, HTTPSIG_MALFORMED, err, "The signature is not valid base64.");
	if ((created != NULL && parse_time(created, &out->created) != 0) ||
	    (expires != NULL && parse_time(expires, &out->expires) != 0))
		return refuse(why, HTTPSIG_MALFORMED, err,
			      "The signature's created or expires is not a time.");
	out->has_created = created != NULL;
	out->has_expires = expires != NULL;
	if (why != NULL)
		*why = HTTPSIG_OK;
	return 0;
malformed:
	return refuse(why, HTTPSIG_MALFORMED, err, "The Signature header is malformed.");
}

/* --- verifying -------------------------------------------------------------------------- */

static bool
has_name(const struct httpsig_sig *sig, const char *name)
{
	for (size_t i = 0; i < sig->nheaders; i++)
		if (strcmp(sig->headers[i], name) == 0)
			return true;
	return false;
}

int
httpsig_check(const struct httpsig_request *req, const struct httpsig_sig *sig, time_t now,
	      enum httpsig_failure *why, struct err *err)
{
	bool hs2019 = strcmp(sig->algorithm, "hs2019") == 0;
	if (!hs2019 && strcmp(sig->algorithm, "rsa-sha256") != 0)
		return refuse(why, HTTPSIG_UNSUPPORTED_ALGORITHM, err,
			      "The signature algorithm is not supported.");
	for (size_t i = 0; i < sig->nheaders; i++) {
		const char *name = sig->headers[i];
		if (strcmp(name, "(created)") == 0 || strcmp(name, "(expires)") == 0) {
			bool given = name[1] == 'c' ? sig->has_created : sig->has_expires;
			if (!hs2019 || !given)
				return refuse(why, HTTPSIG_MALFORMED, err,
					      "(created) and (expires) need hs2019 and a value.");
		} else if (name[0] == '(') {
			if (strcmp(name, "(request-target)") != 0)
				return refuse(why, HTTPSIG_MALFORMED, err,
					      "The signature names an unknown pseudo-header.");
		} else if (req->header(req->header_ctx, name) == NULL) {
			return refuse(why, HTTPSIG_MISSING_HEADER, err,
				      "A signed header is missing from the request.");
		}
	}
	bool signed_created = has_name(sig, "(created)");
	if (!has_name(sig, "(request-target)") || !has_name(sig, "host"))
		return refuse(why, HTTPSIG_MISSING_HEADER, err,
			      "The signature must cover (request-target) and host.");
	if (!has_name(sig, "date") && !signed_created)
		return refuse(why, HTTPSIG_MISSING_HEADER, err,
			      "The signature must cover date or (created).");
	if (req->body != NULL && !has_name(sig, "digest"))
		return refuse(why, HTTPSIG_MISSING_HEADER, err,
			      "The signature must cover the Digest of the body.");
	const char *digest = req->header(req->header_ctx, "digest");
	if ((req->body != NULL || digest != NULL) &&
	    httpsig_digest_check(digest, req->body, req->body_len, err) != 0) {
		if (why != NULL)
			*why = HTTPSIG_BAD_DIGEST;
		return -1;
	}

	time_t created;
	if (signed_created) {
		created = (time_t)sig->created;
	} else if (httpsig_date_parse(req->header(req->header_ctx, "date"), &created) != 0) {
		return refuse(why, HTTPSIG_MALFORMED, err, "The Date header is not an HTTP date.");
	}
	if (created > now + HTTPSIG_CLOCK_SKEW)
		return refuse(why, HTTPSIG_STALE_DATE, err, "The request is dated in the future.");
	if (created < now - HTTPSIG_CLOCK_SKEW)
		return refuse(why, HTTPSIG_STALE_DATE, err, "The request is too old.");
	if (sig->has_expires && (time_t)sig->expires < now)
		return refuse(why, HTTPSIG_EXPIRED, err, "The signature has expired.");
	if (why != NULL)
		*why = HTTPSIG_OK;
	return 0;
}

/* Whether sig is key's signature of the signing string for target[0..target_len). */
static bool
verify_once(struct arena *a, const struct httpsig_request *req, const struct httpsig_sig *sig,
	    EVP_PKEY *key, size_t target_len)
{
	struct sig_input in = {
	    .method = req->method,
	    .target = req->target,
	    .target_len = target_len,
	    .header = req->header,
	    .header_ctx = req->header_ctx,
	    .has_created = sig->has_created,
	    .created = sig->created,
	    .has_expires = sig->has_expires,
	    .expires = sig->expires,
	};
	const char *missing = NULL;
	const char *text = signing_string(a, &in, sig->headers, sig->nheaders, &missing);
	if (text == NULL)
		return false;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	bool ok = ctx != NULL && EVP_DigestVerifyInit(ctx, &pctx, EVP_sha256(), NULL, key) == 1 &&
		  EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1 &&
		  EVP_DigestVerify(ctx, sig->signature, sig->signature_len,
				   (const unsigned char *)text, strlen(text)) == 1;
	EVP_MD_CTX_free(ctx);
	return ok;
}

int
httpsig_verify(struct arena *a, const struct httpsig_request *req, const struct httpsig_sig *sig,
	       EVP_PKEY *key, time_t now, enum httpsig_failure *why, struct err *err)
{
	if (httpsig_check(req, sig, now, why, err) != 0)
		return -1;
	if (key == NULL || !EVP_PKEY_is_a(key, "RSA"))
		return refuse(why, HTTPSIG_UNSUPPORTED_ALGORITHM, err,
			      "The signing key is not an RSA key.");
	size_t full = strlen(req->target);
	const char *q = strchr(req->target, '?');
	if (verify_once(a, req, sig, key, full) ||
	    (q != NULL && verify_once(a, req, sig, key, (size_t)(q - req->target)))) {
		if (why != NULL)
			*why = HTTPSIG_OK;
		return 0;
	}
	return refuse(why, HTTPSIG_BAD_SIGNATURE, err, "The signature does not verify.");
}

bool
httpsig_is_rfc9421(const struct httpsig_request *req)
{
	return req->header(req->header_ctx, "signature-input") != NULL;
}

int
httpsig_key_ref(struct arena *a, const char *key_id, struct httpsig_key_ref *out, struct err *err)
{
	out->document = out->actor = NULL;
	size_t scheme = strncasecmp(key_id, "https://", 8) == 0	 ? 8
			: strncasecmp(key_id, "http://", 7) == 0 ? 7
								 : 0;
	const char *hash = strchr(key_id, '#');
	size_t len = hash != NULL ? (size_t)(hash - key_id) : strlen(key_id);
	if (scheme == 0 || len <= scheme || key_id[scheme] == '/' ||
	    strpbrk(key_id, " \t\r\n") != NULL)
		return err_set(err, ERR_UNAUTHORIZED, "The signature's keyId is not a URL.",
			       "keyId is not an http(s) URL");
	out->document = arena_strndup(a, key_id, len);
	if (hash != NULL)
		out->actor = out->document;
	return 0;
}
