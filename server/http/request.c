/* request.c - accessors over libmicrohttpd's view of the request. */
#include "request.h"

#include <microhttpd.h>
#include <string.h>

#include "util/arena.h"

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
