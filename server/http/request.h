/* request.h - one request's context: its arena, what was asked, the parsed body, the response
 * being built. Created by http/server.c when libmicrohttpd reports a new request and freed
 * (arena and all) when it reports completion; handlers never free anything. */
#ifndef PARASOL_REQUEST_H
#define PARASOL_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "http/body.h"
#include "http/router.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/strbuf.h"

struct MHD_Connection;
struct arena;

#define RESP_MAX_HEADERS 16

struct resp_header {
	const char *name;
	const char *value;
};

struct resp {
	int status; /* 0 until a handler or the server sets a response */
	const char *content_type;
	const char *body; /* arena-owned */
	size_t len;
	struct resp_header headers[RESP_MAX_HEADERS];
	size_t nheaders;
};

struct req {
	struct arena *arena;
	struct MHD_Connection *conn;
	const char *method;
	const char *path; /* as sent, without the query string (still percent-encoded) */
	struct route_match route;
	struct body body;
	enum lang lang;	  /* from Accept-Language, or the member's setting */
	bool signed_in;	  /* pages for signed-in members are never cached */
	void *app;	  /* the application's context (struct app), opaque to http/ */
	struct timespec started;
	struct err err;	  /* filled by a handler that returns -1 */
	struct resp resp; /* filled by the respond_* functions */
	/* body upload state, private to http/server.c */
	struct strbuf upload;
	bool upload_started;
	size_t received;
	bool too_large;
};

/* A request header (case-insensitive name), or NULL. */
const char *req_header(struct req *req, const char *name);

/* A query-string argument, percent- and '+'-decoded into the arena, or NULL when absent or
 * malformed. */
const char *req_query(struct req *req, const char *name);

/* A route capture (":name" in the pattern), or NULL. */
const char *req_param(const struct req *req, const char *name);

/* A form field of a urlencoded or multipart body, or NULL. */
const char *req_form(const struct req *req, const char *name);

/* Whether the client prefers JSON (an Accept naming application/json or activity+json and
 * not text/html), so errors are answered in JSON rather than as a page. */
bool req_wants_json(struct req *req);

#endif
