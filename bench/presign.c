/* presign.c - pre-signed HTTP requests for ./dev bench: wrk replays them (bench/replay.lua),
 * so that signing costs the load generator nothing while parasol verifies every one.
 *
 *     bench/presign --key PEM --key-id URL --host HOST --out FILE.lua \
 *                   (--get PATH | --inbox PATH --actor URL --object URL --id-prefix URL
 *                    [--count N])
 *
 * Writes a Lua chunk returning a table of complete HTTP/1.1 requests (keep-alive), signed
 * draft-cavage rsa-sha256 like parasol's own deliveries (server/ap/httpsig.c): a GET covers
 * (request-target), host and date and asks for application/activity+json; an inbox POST is a
 * Like of --object by --actor with a unique id (--id-prefix/N), and covers the Digest of its
 * body too. The Date is now: parasol accepts it for HTTPSIG_CLOCK_SKEW (an hour).
 * Exits 1 (with a message) when the key can't be read or a signature can't be made. */
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct opts {
	const char *key, *key_id, *host, *out, *get, *inbox, *actor, *object, *id_prefix;
	long count;
};

/* base64 of len bytes into a new string (the caller frees it). */
static char *
b64(const unsigned char *data, size_t len)
{
	char *out = malloc(4 * ((len + 2) / 3) + 1);
	if (out != NULL)
		EVP_EncodeBlock((unsigned char *)out, data, (int)len);
	return out;
}

/* The rsa-sha256 signature of text in base64 (the caller frees it); NULL on failure. */
static char *
sign(EVP_PKEY *key, const char *text)
{
	unsigned char sig[1024];
	size_t sig_len = sizeof sig;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	char *out = NULL;
	if (ctx != NULL && EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, key) == 1 &&
	    EVP_DigestSign(ctx, sig, &sig_len, (const unsigned char *)text, strlen(text)) == 1)
		out = b64(sig, sig_len);
	EVP_MD_CTX_free(ctx);
	return out;
}

/* Writes s inside a Lua string literal: quotes, backslashes and control bytes escaped. */
static void
lua_escaped(FILE *f, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p == '\r')
			fputs("\\r", f);
		else if (*p == '\n')
			fputs("\\n", f);
		else if (*p < 32 || *p == 127)
			fprintf(f, "\\%03u", *p);
		else
			fputc(*p, f);
	}
}

/* One signed request; body NULL for a GET. Writes it as one entry of the Lua table. */
static int
emit(FILE *f, EVP_PKEY *key, const struct opts *o, const char *method, const char *path,
     const char *body)
{
	char date[64], text[4096], digest[128] = "", req_head[8192];
	time_t now = time(NULL);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", gmtime(&now));
	char lower[8];
	size_t i;
	for (i = 0; method[i] && i < sizeof lower - 1; i++)
		lower[i] = (char)(method[i] | 0x20);
	lower[i] = '\0';
	if (body != NULL) {
		unsigned char md[32];
		EVP_Digest(body, strlen(body), md, NULL, EVP_sha256(), NULL);
		char *d = b64(md, sizeof md);
		if (d == NULL)
			return -1;
		snprintf(digest, sizeof digest, "SHA-256=%s", d);
		free(d);
		snprintf(text, sizeof text,
			 "(request-target): %s %s\nhost: %s\ndate: %s\ndigest: %s", lower, path,
			 o->host, date, digest);
	} else {
		snprintf(text, sizeof text, "(request-target): %s %s\nhost: %s\ndate: %s", lower,
			 path, o->host, date);
	}
	char *sig = sign(key, text);
	if (sig == NULL)
		return -1;
	int n;
	if (body != NULL)
		n = snprintf(req_head, sizeof req_head,
			     "%s %s HTTP/1.1\r\nHost: %s\r\nDate: %s\r\nDigest: %s\r\n"
			     "Content-Type: application/activity+json\r\nContent-Length: %zu\r\n"
			     "Signature: keyId=\"%s\",algorithm=\"rsa-sha256\","
			     "headers=\"(request-target) host date digest\",signature=\"%s\"\r\n\r\n",
			     method, path, o->host, date, digest, strlen(body), o->key_id, sig);
	else
		n = snprintf(req_head, sizeof req_head,
			     "%s %s HTTP/1.1\r\nHost: %s\r\nDate: %s\r\n"
			     "Accept: application/activity+json\r\nAccept-Encoding: gzip\r\n"
			     "Signature: keyId=\"%s\",algorithm=\"rsa-sha256\","
			     "headers=\"(request-target) host date\",signature=\"%s\"\r\n\r\n",
			     method, path, o->host, date, o->key_id, sig);
	free(sig);
	if (n < 0 || (size_t)n >= sizeof req_head)
		return -1;
	fputs("  \"", f);
	lua_escaped(f, req_head);
	if (body != NULL)
		lua_escaped(f, body);
	fputs("\",\n", f);
	return 0;
}

static int
usage(const char *argv0)
{
	fprintf(stderr,
		"usage: %s --key PEM --key-id URL --host HOST --out FILE.lua\n"
		"          (--get PATH | --inbox PATH --actor URL --object URL --id-prefix URL "
		"[--count N])\n",
		argv0);
	return 2;
}

int
main(int argc, char **argv)
{
	struct opts o = {.count = 1};
	for (int i = 1; i + 1 < argc; i += 2) {
		const char *k = argv[i], *v = argv[i + 1];
		if (strcmp(k, "--key") == 0)
			o.key = v;
		else if (strcmp(k, "--key-id") == 0)
			o.key_id = v;
		else if (strcmp(k, "--host") == 0)
			o.host = v;
		else if (strcmp(k, "--out") == 0)
			o.out = v;
		else if (strcmp(k, "--get") == 0)
			o.get = v;
		else if (strcmp(k, "--inbox") == 0)
			o.inbox = v;
		else if (strcmp(k, "--actor") == 0)
			o.actor = v;
		else if (strcmp(k, "--object") == 0)
			o.object = v;
		else if (strcmp(k, "--id-prefix") == 0)
			o.id_prefix = v;
		else if (strcmp(k, "--count") == 0)
			o.count = atol(v);
		else
			return usage(argv[0]);
	}
	if (!o.key || !o.key_id || !o.host || !o.out || (!o.get == !o.inbox) ||
	    (o.inbox && (!o.actor || !o.object || !o.id_prefix)) || o.count < 1)
		return usage(argv[0]);

	FILE *kf = fopen(o.key, "r");
	EVP_PKEY *key = kf ? PEM_read_PrivateKey(kf, NULL, NULL, NULL) : NULL;
	if (kf)
		fclose(kf);
	if (key == NULL) {
		fprintf(stderr, "presign: cannot read a private key from %s\n", o.key);
		return 1;
	}
	FILE *f = fopen(o.out, "w");
	if (f == NULL) {
		fprintf(stderr, "presign: cannot write %s\n", o.out);
		EVP_PKEY_free(key);
		return 1;
	}
	int rc = 0;
	fputs("-- written by bench/presign: signed requests for wrk (bench/replay.lua)\nreturn {\n",
	      f);
	if (o.get) {
		rc = emit(f, key, &o, "GET", o.get, NULL);
	} else {
		for (long n = 0; n < o.count && rc == 0; n++) {
			char body[2048];
			snprintf(body, sizeof body,
				 "{\"@context\":\"https://www.w3.org/ns/activitystreams\","
				 "\"id\":\"%s/%ld\",\"type\":\"Like\",\"actor\":\"%s\",\"object\":\"%s\"}",
				 o.id_prefix, n, o.actor, o.object);
			rc = emit(f, key, &o, "POST", o.inbox, body);
		}
	}
	fputs("}\n", f);
	if (fclose(f) != 0)
		rc = -1;
	EVP_PKEY_free(key);
	if (rc != 0) {
		fprintf(stderr, "presign: signing failed\n");
		return 1;
	}
	return 0;
}
