/* token.c - random tokens and hashes. */
#include "token.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>

#include "util/arena.h"
#include "util/err.h"

static void
base64url(const unsigned char *in, size_t n, char *out)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t o = 0;
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)in[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)in[i + 1] << 8;
		if (i + 2 < n)
			v |= in[i + 2];
		out[o++] = tab[(v >> 18) & 63];
		out[o++] = tab[(v >> 12) & 63];
		if (i + 1 < n)
			out[o++] = tab[(v >> 6) & 63];
		if (i + 2 < n)
			out[o++] = tab[v & 63];
	}
	out[o] = '\0';
}

char *
token_random(struct arena *a, size_t bytes, struct err *err)
{
	unsigned char raw[64];
	if (bytes == 0 || bytes > sizeof raw || RAND_bytes(raw, (int)bytes) != 1) {
		err_set(err, ERR_INTERNAL, NULL, "RAND_bytes failed");
		return NULL;
	}
	char *out = arena_alloc(a, bytes * 4 / 3 + 4);
	base64url(raw, bytes, out);
	OPENSSL_cleanse(raw, sizeof raw);
	return out;
}

char *
token_derive(struct arena *a, const char *secret, const char *purpose)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)purpose,
	     strlen(purpose), md, &len);
	char *out = arena_alloc(a, len * 4 / 3 + 4);
	base64url(md, len, out);
	OPENSSL_cleanse(md, sizeof md);
	return out;
}

char *
token_hash(struct arena *a, const char *s)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	EVP_Digest(s, strlen(s), md, &len, EVP_sha256(), NULL);
	char *hex = arena_alloc(a, 2 + 2 * len + 1), *p = hex;
	p += sprintf(p, "\\x");
	for (unsigned i = 0; i < len; i++)
		p += sprintf(p, "%02x", md[i]);
	return hex;
}

char *
token_sha256_b64url(struct arena *a, const char *s)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	EVP_Digest(s, strlen(s), md, &len, EVP_sha256(), NULL);
	char *out = arena_alloc(a, len * 4 / 3 + 4);
	base64url(md, len, out);
	return out;
}

int
token_equal(const char *x, const char *y)
{
	size_t n = strlen(x);
	return n == strlen(y) && CRYPTO_memcmp(x, y, n) == 0;
}
