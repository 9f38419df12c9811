/* invite.c - making invite codes. Redeeming them belongs to registration (core/account). */
#include "invite.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>

#include "db/invites.h"
#include "util/arena.h"
#include "util/err.h"

#define CODE_BYTES 32

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
invite_code_hash(struct arena *a, const char *code)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	EVP_Digest(code, strlen(code), md, &len, EVP_sha256(), NULL);
	char *hex = arena_alloc(a, 2 + 2 * len + 1), *p = hex;
	p += sprintf(p, "\\x");
	for (unsigned i = 0; i < len; i++)
		p += sprintf(p, "%02x", md[i]);
	return hex;
}

char *
invite_create(struct arena *a, const struct invite_opts *opts, struct err *err)
{
	unsigned char raw[CODE_BYTES];
	if (RAND_bytes(raw, sizeof raw) != 1) {
		err_set(err, ERR_INTERNAL, NULL, "RAND_bytes failed");
		return NULL;
	}
	char *code = arena_alloc(a, CODE_BYTES * 4 / 3 + 4);
	base64url(raw, sizeof raw, code);
	if (db_invite_insert(a, invite_code_hash(a, code), opts->created_by, role_name(opts->role),
			     opts->max_uses, opts->expires_days, err) != 0)
		return NULL;
	return code;
}

char *
invite_url(struct arena *a, const char *base_url, const char *code)
{
	return arena_printf(a, "%s/register?invite=%s", base_url, code);
}
