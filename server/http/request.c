/* request.c - accessors over libmicrohttpd's view of the request. */
#include "request.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/client_addr.h"
#include "util/arena.h"
#include "util/strbuf.h"

const char *
req_header(struct req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *
req_query(struct req *req, const char *name)
{
	/* server.c turns libmicrohttpd's own unescaping off, so arguments arrive raw. */
	const char *raw = MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
	if (raw == NULL)
		return NULL;
	return router_decode(req->arena, raw, strlen(raw), 1);
}

static enum MHD_Result
append_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	struct strbuf *sb = cls;
	if (sb->len > 0)
		strbuf_putc(sb, '&');
	strbuf_puts(sb, key);
	if (value != NULL) {
		strbuf_putc(sb, '=');
		strbuf_puts(sb, value);
	}
	return MHD_YES;
}

const char *
req_raw_query(struct req *req)
{
	struct strbuf sb;
	strbuf_init(&sb, req->arena);
	MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, append_arg, &sb);
	return sb.data;
}

const char *
req_cookie(struct req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
}

static unsigned char client_key_secret[32];
static pthread_once_t client_key_once = PTHREAD_ONCE_INIT;

static void
client_key_init(void)
{
	if (RAND_bytes(client_key_secret, sizeof client_key_secret) != 1)
		abort(); /* no randomness: nothing safe can run */
}

struct joined {
	const char *name;
	struct strbuf *sb;
};

static enum MHD_Result
join_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	struct joined *j = cls;
	if (value != NULL && strcasecmp(key, j->name) == 0) {
		if (j->sb->len > 0)
			strbuf_putc(j->sb, ',');
		strbuf_puts(j->sb, value);
	}
	return MHD_YES;
}

const char *
req_header_all(struct req *req, const char *name)
{
	struct strbuf sb;
	strbuf_init(&sb, req->arena);
	struct joined j = {name, &sb};
	MHD_get_connection_values(req->conn, MHD_HEADER_KIND, join_header, &j);
	return sb.len > 0 ? sb.data : NULL;
}

void
req_client_key(struct req *req, char buf[33])
{
	pthread_once(&client_key_once, client_key_init);
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *peer = ci != NULL ? ci->client_addr : NULL;
	const char *forwarded = NULL;
	if (req->proxy != NULL && req->proxy->n > 0)
		forwarded = req_header_all(req, proxy_header_name(req->proxy->header));
	struct client_id id;
	client_addr_resolve(req->proxy, peer, forwarded, &id);
	req_keyed_hash(id.bytes, id.len, buf);
	OPENSSL_cleanse(&id, sizeof id);
}

void
req_keyed_hash(const void *data, size_t len, char buf[33])
{
	pthread_once(&client_key_once, client_key_init);
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	HMAC(EVP_sha256(), client_key_secret, sizeof client_key_secret, data, len, md, &mdlen);
	for (int i = 0; i < 16; i++)
		snprintf(buf + 2 * i, 3, "%02x", md[i]);
}

const char *
req_param(const struct req *req, const char *name)
{
	for (size_t i = 0; i < req->route.nparams; i++)
		if (strcmp(req->route.names[i], name) == 0)
			return req->route.values[i];
	return NULL;
}

const char *
req_form(const struct req *req, const char *name)
{
	return req->body.kind == BODY_FORM ? body_value(&req->body, name) : NULL;
}

bool
req_wants_json(struct req *req)
{
	const char *accept = req_header(req, MHD_HTTP_HEADER_ACCEPT);
	if (accept == NULL)
		return false;
	bool json = strstr(accept, "application/json") || strstr(accept, "activity+json") ||
		    strstr(accept, "application/ld+json");
	return json && strstr(accept, "text/html") == NULL;
}
