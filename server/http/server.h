/* server.h - the libmicrohttpd daemon: a thread per core with epoll for the connections,
 * handler threads taking requests first come, first served (http/pool.h), body buffering
 * with a hard limit, routing, error answers, the security headers every response carries,
 * gzip, ETags and 304s (http/finish.h), and the anonymous page cache (http/cache.h). */
#ifndef PARASOL_SERVER_H
#define PARASOL_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "util/i18n.h"

struct err;
struct proxy_trust;
struct req;
struct router;

struct http_options {
	const char *address; /* numeric IPv4 or IPv6 address to listen on */
	int port;
	int threads;	     /* 0: http_thread_count's choice */
	long body_limit;     /* bytes; larger bodies get 413 before they are read */
	long upload_limit;   /* the same for multipart/form-data bodies (image uploads); 0:
			      * body_limit */
	int timeout;	     /* seconds a connection may stay idle */
	/* seconds a request's head may take to arrive (0: no limit but the idle timeout), and
	 * the bytes a second its body must keep up after that many seconds of grace
	 * (http/slowguard.h) */
	int header_timeout;
	long body_min_rate;
	/* Connections open at once, in all (0: libmicrohttpd's own limit, nothing closed to
	 * make room). At the limit a newcomer makes room by closing the connection idle
	 * longest (http/conntable.h); lowered to what the file descriptor limit holds
	 * (http/fdlimit.h) when that can't be raised enough. */
	int connection_limit;
	int connections_per_address; /* of them from one address (0: no cap; proxies exempt) */
	/* File descriptors the rest of the process may hold (database connections, outgoing
	 * requests, files): kept free of connections. 0: HTTP_FD_RESERVE. */
	long fd_reserve;
	enum lang default_lang;
	const struct router *router;
	void *app; /* handed to handlers as req->app */
	/* Reverse proxies whose forwarding header names the client (req->proxy; NULL: none). */
	const struct proxy_trust *proxy;
	/* Renders an error answer (page or JSON) for status into req->resp, with message
	 * (safe to show). Called for router misses, 413, malformed bodies and handler errors. */
	void (*render_error)(struct req *req, int status, const char *message);
	/* Called before routing (e.g. to load the member's session and language); may fail
	 * with req->err set, which is answered like a handler error. NULL for none. */
	int (*before)(struct req *req);
	/* Called once a route is found, before its handler (e.g. the CSRF check, which must
	 * not turn a 404 or 405 into a 403). NULL for none. */
	int (*before_handler)(struct req *req);
	/* The anonymous page cache: complete answers to anonymous GETs kept this many seconds
	 * (0: no cache), within these bounds. "The page cache" in server.c says what is stored
	 * and served. */
	int page_cache_seconds;
	size_t page_cache_entries;
	size_t page_cache_bytes;
	/* A number that grows whenever this process may have changed what handlers read (the
	 * database's db_write_generation); a cached answer is served only while it still has
	 * the value it had before the handler that made the answer ran. NULL: none, the TTL
	 * alone bounds staleness. */
	uint64_t (*write_generation)(void);
	/* The name of the cookie that makes a request a member's (the session cookie): a
	 * request carrying it is never answered from, nor stored in, the page cache. NULL:
	 * any Cookie header does that. */
	const char *session_cookie;
};

/* threads = 0: each request spends most of its time waiting for PostgreSQL, so one thread
 * per core would leave the cores idle; this many per core keep them busy. Each thread holds
 * one database connection: the cap leaves room under PostgreSQL's default max_connections
 * (100) for workers and a second process. */
#define HTTP_THREADS_PER_CORE 4
#define HTTP_MIN_THREADS 4
#define HTTP_MAX_AUTO_THREADS 64
/* libmicrohttpd's memory for each connection (the request's head and its own bookkeeping;
 * heads larger than about half of it are refused). After a connection's first request
 * libmicrohttpd clears the whole of it for the next one, so it stays resident while the
 * connection is kept alive: HTTP_CONN_MEMORY, measured (RSS) with 5,000 kept-alive
 * connections, is that and the rest of what a connection holds; one that never sent anything
 * holds about 1 KB. */
#define HTTP_CONN_POOL (64 * 1024)
#define HTTP_CONN_MEMORY (72 * 1024)
/* File descriptors for everything but connections when fd_reserve is 0. */
#define HTTP_FD_RESERVE 256
/* Addresses the per-address connection cap tracks at once (a full table counts no more). */
#define CONNLIMIT_SLOTS 8192

/* The number of handler threads for the `threads` setting on a machine with cores online
 * cores: threads itself when positive, else HTTP_THREADS_PER_CORE per core, at least
 * HTTP_MIN_THREADS and at most HTTP_MAX_AUTO_THREADS. */
unsigned http_thread_count(int threads, long cores);

struct http_server;

/* Starts listening and serving on worker threads. NULL + err (ERR_INTERNAL, detail from
 * libmicrohttpd) when the address can't be bound. Stop with http_server_stop. */
struct http_server *http_server_start(const struct http_options *opts, struct err *err);

/* Stops accepting, waits for requests in progress, and frees the server. */
void http_server_stop(struct http_server *srv);

/* Deferred answers: a handler that hands its request to another thread (the inbox's group
 * commit, jobs/group.h) calls req_defer(req) first, then returns 0 without an answer; its
 * handler thread is free at once, and the connection stays suspended. Exactly once, on any
 * thread, req_answer_deferred(req, rc) then gives the answer: rc 0 with req->resp set, or -1
 * with req->err (answered as a handler's error would be). The request is not touched by
 * http/ in between, and must not be touched by its caller after req_answer_deferred.
 * http_server_stop waits for every deferred answer before it stops the daemon, so whoever
 * holds deferred requests must keep answering them until then. */
void req_defer(struct req *req);
void req_answer_deferred(struct req *req, int rc);

/* The port actually bound (useful with port 0 in tests). */
int http_server_port(const struct http_server *srv);

#endif
