/* server.c - libmicrohttpd glue. A request flows:
 *   on_request (first call)  -> new arena + struct req; a declared Content-Length over the
 *                               limit is answered 413 at once, before 100-continue
 *   on_request (upload data) -> appended to req->upload, 413 as soon as it passes the limit
 *   on_request (last call)   -> body parsed, options->before, route matched, handler run,
 *                               response finished (http/finish.c: Cache-Control, Vary,
 *                               ETag, gzip, 304) and sent with the security headers
 *   on_completed             -> arena freed (and with it everything the request made) */
#include "server.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "http/finish.h"
#include "http/request.h"
#include "http/respond.h"
#include "http/router.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/log.h"

/* One debug line per request: method, route pattern (never the path, which can name
 * people), status and time taken. */
static void
log_request(const struct req *req)
{
	struct timespec end;
	clock_gettime(CLOCK_MONOTONIC, &end);
	double ms = (double)(end.tv_sec - req->started.tv_sec) * 1e3 +
		    (double)(end.tv_nsec - req->started.tv_nsec) / 1e6;
	log_msg(LOG_DEBUG, "%s %s %d %.1fms", req->method,
		req->route.pattern ? req->route.pattern : "(no route)", req->resp.status, ms);
}

struct http_server {
	struct MHD_Daemon *daemon;
	struct http_options opts;
	int port;
};

/* Sent on every response. The CSP allows nothing inline and nothing from elsewhere. */
static const struct resp_header security_headers[] = {
	{"Content-Security-Policy",
	 "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; "
	 "form-action 'self'; frame-ancestors 'none'"},
	{"X-Content-Type-Options", "nosniff"},
	{"Referrer-Policy", "no-referrer"},
	{"X-Frame-Options", "DENY"},
	{"X-Robots-Tag", "noindex, noarchive"},
};

static void
add_headers(struct MHD_Response *r, const struct req *req)
{
	for (size_t i = 0; i < sizeof security_headers / sizeof security_headers[0]; i++)
		MHD_add_response_header(r, security_headers[i].name, security_headers[i].value);
	for (size_t i = 0; i < req->resp.nheaders; i++)
		MHD_add_response_header(r, req->resp.headers[i].name, req->resp.headers[i].value);
	if (req->resp.content_type != NULL)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, req->resp.content_type);
}

/* gzip level for responses made per request: 5 gets within a few per cent of 9's size on
 * our pages at a fraction of its time. Static files are compressed once, at 9. */
#define GZIP_LEVEL 5

/* Finishes req->resp (http/finish.h) and queues it. */
static enum MHD_Result
send_resp(struct req *req)
{
	finish_response(req, GZIP_LEVEL);
	if (finish_not_modified(req))
		finish_make_304(req);
	struct MHD_Response *r = MHD_create_response_from_buffer(
		req->resp.len, (void *)req->resp.body, MHD_RESPMEM_PERSISTENT);
	if (r == NULL)
		return MHD_NO;
	add_headers(r, req);
	/* The body lives in the arena, which lives until on_completed. */
	enum MHD_Result rc = MHD_queue_response(req->conn, (unsigned)req->resp.status, r);
	MHD_destroy_response(r);
	return rc;
}

static void
error_resp(struct http_server *srv, struct req *req, int status, const char *message)
{
	memset(&req->resp, 0, sizeof req->resp);
	srv->opts.render_error(req, status, message);
	if (req->resp.status == 0)
		resp_set(req, status, "text/plain; charset=utf-8", message, strlen(message));
}

static void
answer_err(struct http_server *srv, struct req *req)
{
	int status = resp_status_for(req->err.code);
	if (status >= 500)
		log_msg(LOG_ERROR, "%s %s: %s: %s", req->method, req->route.fn ? "handler" : "request",
			err_code_name(req->err.code), req->err.detail);
	error_resp(srv, req, status, req->err.safe[0] ? req->err.safe : "Error");
}

static void
dispatch(struct http_server *srv, struct req *req)
{
	const char *ctype = req_header(req, MHD_HTTP_HEADER_CONTENT_TYPE);
	if (body_parse(req->arena, ctype, req->upload.data, req->upload.len, &req->body,
		       &req->err) != 0) {
		if (req->err.code == ERR_UNPROCESSABLE) {
			error_resp(srv, req, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, req->err.safe);
			return;
		}
		answer_err(srv, req);
		return;
	}
	if (srv->opts.before != NULL && srv->opts.before(req) != 0) {
		answer_err(srv, req);
		return;
	}
	switch (router_match(srv->opts.router, req->method, req->path, req->arena, &req->route)) {
	case ROUTE_NOT_FOUND:
		error_resp(srv, req, MHD_HTTP_NOT_FOUND, "Page not found");
		return;
	case ROUTE_METHOD_NOT_ALLOWED:
		error_resp(srv, req, MHD_HTTP_METHOD_NOT_ALLOWED, "Method not allowed");
		resp_header(req, MHD_HTTP_HEADER_ALLOW, arena_strdup(req->arena, req->route.allow));
		return;
	case ROUTE_FOUND:
		break;
	}
	if (srv->opts.before_handler != NULL && srv->opts.before_handler(req) != 0) {
		answer_err(srv, req);
		return;
	}
	if (req->route.fn(req) != 0) {
		answer_err(srv, req);
		return;
	}
	if (req->resp.status == 0) {
		err_set(&req->err, ERR_INTERNAL, NULL, "handler for %s set no response", req->path);
		answer_err(srv, req);
	}
}

static enum MHD_Result
too_large(struct http_server *srv, struct req *req)
{
	req->too_large = true;
	error_resp(srv, req, MHD_HTTP_CONTENT_TOO_LARGE, "Request too large");
	return send_resp(req);
}

static struct req *
req_new(struct http_server *srv, struct MHD_Connection *conn, const char *url, const char *method)
{
	struct arena *a = arena_new();
	struct req *req = arena_alloc(a, sizeof *req);
	req->arena = a;
	req->conn = conn;
	req->method = arena_strdup(a, method);
	req->path = arena_strdup(a, url);
	req->app = srv->opts.app;
	clock_gettime(CLOCK_MONOTONIC, &req->started);
	req->lang = i18n_negotiate(req_header(req, MHD_HTTP_HEADER_ACCEPT_LANGUAGE),
				   srv->opts.default_lang);
	strbuf_init(&req->upload, a);
	return req;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
	   const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	(void)version;
	struct http_server *srv = cls;
	struct req *req = *con_cls;
	if (req == NULL) {
		req = req_new(srv, conn, url, method);
		*con_cls = req;
		const char *cl = req_header(req, MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl != NULL && strtoll(cl, NULL, 10) > srv->opts.body_limit)
			return too_large(srv, req); /* answered before the client sends the body */
		return MHD_YES;
	}
	if (*upload_data_size != 0) {
		/* A chunked body has no length to refuse up front, and libmicrohttpd 0.9 can't
		 * answer in the middle of an upload: past the limit the rest is discarded unread
		 * into memory and 413 follows at the end; a sender that goes on past eight times
		 * the limit is cut off. */
		req->received += *upload_data_size;
		if ((long)req->received > srv->opts.body_limit)
			req->too_large = true;
		if (!req->too_large)
			strbuf_append(&req->upload, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return req->received / 8 > (size_t)srv->opts.body_limit ? MHD_NO : MHD_YES;
	}
	if (req->too_large) {
		if (req->resp.status != 0)
			return MHD_YES; /* answered at the first call */
		return too_large(srv, req);
	}
	dispatch(srv, req);
	return send_resp(req);
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
	     enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)conn;
	(void)toe;
	struct req *req = *con_cls;
	if (req != NULL) {
		log_request(req);
		arena_free(req->arena);
	}
	*con_cls = NULL;
}

/* libmicrohttpd would percent-decode the path and the query arguments before we see them;
 * the router needs the raw path (an encoded '/' must not split a segment), and req_query
 * decodes arguments itself. */
static size_t
no_unescape(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls;
	(void)c;
	return strlen(s);
}

/* libmicrohttpd's own messages can name the peer; we log only the message's format. */
static void
mhd_logger(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	(void)ap;
	log_msg(LOG_DEBUG, "microhttpd: %.*s", (int)strcspn(fmt, "\n"), fmt);
}

struct http_server *
http_server_start(const struct http_options *opts, struct err *err)
{
	struct http_server *srv = calloc(1, sizeof *srv);
	if (srv == NULL) {
		err_set(err, ERR_INTERNAL, NULL, "out of memory");
		return NULL;
	}
	srv->opts = *opts;
	unsigned threads = opts->threads > 0 ? (unsigned)opts->threads
					     : (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
	if (threads < 1)
		threads = 1;

	struct sockaddr_storage ss = {0};
	socklen_t sslen;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
	struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
	if (inet_pton(AF_INET, opts->address, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)opts->port);
		sslen = sizeof *in4;
	} else if (inet_pton(AF_INET6, opts->address, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)opts->port);
		sslen = sizeof *in6;
		flags |= MHD_USE_IPv6;
	} else {
		err_set(err, ERR_INVALID, "listen_address must be a numeric IP address",
			"bad listen address %s", opts->address);
		free(srv);
		return NULL;
	}
	(void)sslen;
	srv->daemon = MHD_start_daemon(
		flags, (uint16_t)opts->port, NULL, NULL, on_request, srv,
		/* first, so that no message goes to libmicrohttpd's own stderr logger */
		MHD_OPTION_EXTERNAL_LOGGER, mhd_logger, NULL,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
		MHD_OPTION_THREAD_POOL_SIZE, threads,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)opts->timeout,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
		MHD_OPTION_UNESCAPE_CALLBACK, no_unescape, NULL,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 * 1024,
		MHD_OPTION_END);
	if (srv->daemon == NULL) {
		err_set(err, ERR_INTERNAL, "cannot listen on the configured address and port",
			"cannot listen on port %d (in use, or a bad address?)", opts->port);
		free(srv);
		return NULL;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(srv->daemon,
							       MHD_DAEMON_INFO_BIND_PORT);
	srv->port = info ? info->port : opts->port;
	/* Not even our own address is logged: the log test looks for any address at all. */
	log_msg(LOG_INFO, "listening on port %d with %u threads", srv->port, threads);
	return srv;
}

void
http_server_stop(struct http_server *srv)
{
	if (srv == NULL)
		return;
	MHD_stop_daemon(srv->daemon);
	free(srv);
}

int
http_server_port(const struct http_server *srv)
{
	return srv->port;
}
