/* request.h - one request's context: its arena, what was asked, the parsed body, the response
 * being built. Created by http/server.c when libmicrohttpd reports a new request and freed
 * (arena and all) when it reports completion; handlers never free anything. */
#ifndef PARASOL_REQUEST_H
#define PARASOL_REQUEST_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "http/body.h"
#include "http/router.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/strbuf.h"

struct page_cache_entry;
struct http_stream;

struct MHD_Connection;
struct account;
struct arena;
struct instance_settings;
struct proxy_trust;

#define RESP_MAX_HEADERS 16

struct resp_header {
	const char *name;
	const char *value;
};

struct resp {
	int status; /* 0 until a handler or the server sets a response */
	const char *content_type;
	const char *body; /* arena-owned (or static, or a page-cache entry's: see http/cache.h) */
	size_t len;
	struct resp_header headers[RESP_MAX_HEADERS];
	size_t nheaders;
	/* A gzip variant of body made beforehand (static files), or NULL: http/finish.c sends
	 * it instead of compressing body again. Same lifetime rules as body. */
	const char *gz_body;
	size_t gz_len;
	bool not_for_page_cache; /* never store this answer (already in memory, e.g.) */
	/* A body read from a file instead (resp_file): file_size bytes of file_fd, from 0. */
	bool has_file;
	int file_fd;
	uint64_t file_size;
	/* A body written later by any thread instead (req_stream, http/stream.h). */
	struct http_stream *stream;
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
	const struct account *viewer;		 /* the signed-in member, or NULL (web/) */
	const struct instance_settings *settings; /* loaded by web_before */
	const char *csrf;			 /* this browser's CSRF token (web/) */
	int64_t session_id;	  /* the signed-in session's id, 0 for none (web/) */
	bool session_persistent; /* whether that session is kept past the browser's (web/) */
	bool csrf_unsent; /* csrf was made for this request: set the cookie if a page uses it */
	void *app;	  /* the application's context (struct app), opaque to http/ */
	void *page_state; /* web/'s lazily made per-request state (time zone offsets), or NULL */
	const struct proxy_trust *proxy; /* trusted reverse proxies (http/client_addr.h) */
	struct timespec started;
	/* page cache state, private to http/server.c */
	void *server;	       /* the struct http_server answering it */
	const char *cache_key; /* non-NULL: the request may be answered from and stored in it */
	uint64_t cache_generation; /* the write generation before the handler ran */
	bool cache_hit;
	bool cache_flight; /* this request renders cache_key for others waiting (cache.h) */
	const char *member_key;	 /* req_member_page_keep: keep the answer under this key */
	const char *member_deps; /* ... with what it depends on, */
	const char *member_token; /* the check's answer when it was made, */
	int64_t member_until;	 /* and the wall-clock second it stops being right (0: never) */
	const struct page_cache_entry *member_entry; /* req_member_page_lookup's find */
	const char *member_flight; /* renders this member page for others waiting (cache.h) */
	bool handled; /* a handler thread made the answer; the connection's thread sends it */
	bool deferred; /* the handler called req_defer: its answer comes from another thread */
	atomic_int defer_parties; /* of the handler's return and req_answer_deferred, done */
	struct err err;	  /* filled by a handler that returns -1 */
	struct resp resp; /* filled by the respond_* functions */
	/* body upload state, private to http/server.c */
	struct strbuf upload;
	bool upload_started;
	size_t received;
	long body_limit; /* the bytes this body may have (http/server.c, body_limit_for) */
	bool too_large;
};

/* A request header (case-insensitive name), or NULL. */
const char *req_header(struct req *req, const char *name);

/* A query-string argument, percent- and '+'-decoded into the arena, or NULL when absent or
 * malformed. */
const char *req_query(struct req *req, const char *name);

/* A cookie sent by the client, or NULL. */
const char *req_cookie(struct req *req, const char *name);

/* Every instance of header name (case-insensitive) joined with ",", as a list header is
 * read; NULL when there is none. Arena-owned. */
const char *req_header_all(struct req *req, const char *name);

/* Writes a key for rate limits that stands for the client's address without being it: a
 * keyed hash (with a per-process random key) of the client's address, as 32 hex digits into
 * buf[33]. The client is the socket peer, or the hop a trusted proxy names
 * (http/client_addr.h, req->proxy). The address itself is never stored, logged or kept in
 * memory beyond this call. */
void req_client_key(struct req *req, char buf[33]);

/* The same keyed hash of len bytes of data (a username, say), as 32 hex digits into buf[33]:
 * a key nobody outside this process can aim another key at. */
void req_keyed_hash(const void *data, size_t len, char buf[33]);

/* The query string as sent ("a=1&b=2", without the '?'), rebuilt from libmicrohttpd's
 * argument list in order; "" when there is none. Arena-owned. */
const char *req_raw_query(struct req *req);

/* For a handler whose answer, once it has decided that this requester may have it, is the
 * same for everyone it lets have it: a peer's signed fetch of a post or of a collection page
 * whose content doesn't depend on which peer asks (the handler's checks do). Call it after
 * every check that depends on the requester and before reading what the answer shows. When
 * the page cache holds a fresh answer for this path and query (and Accept kind and gzip),
 * req is answered from it and true returned: the handler returns 0 at once. Otherwise false,
 * and a 200 the handler goes on to make is kept for the next requester under the rules of
 * anonymous pages (http/server.c: the write generation, page_cache_seconds). Always false
 * when the page cache is off. Implemented in http/server.c. */
bool req_shared_answer(struct req *req);

/* Member pages: a signed-in member's page kept in the page cache and served again only
 * after the caller's check proved that nothing it shows changed (http/server.c, "Member
 * pages"; web/memberpage.c does the check). Implemented in http/server.c. */

/* The key under which this request's page may be kept: the signed-in account_id, the
 * session (req->session_id: pages carry its CSRF token), gzip, the Accept kind, the
 * language req->lang holds, the path and the query. NULL when the page cache is off, the
 * method isn't GET or HEAD, or there is no session. Arena-owned. */
const char *req_member_page_key(struct req *req, int64_t account_id);

/* Whether a page is kept under key, younger than page_cache_seconds; then *deps (what it
 * depends on), *token and *until are those given to req_member_page_keep, valid until the
 * request ends, and req_member_page_answer may answer with it. */
bool req_member_page_lookup(struct req *req, const char *key, const char **deps,
			    const char **token, int64_t *until);

/* Answers req with the page req_member_page_lookup found (with an Age header). The handler
 * returns 0 at once. */
void req_member_page_answer(struct req *req);

/* Drops the page kept under key (its check failed). */
void req_member_page_drop(struct req *req, const char *key);

/* Whether req should render the page of key now (page_cache_member_render): false after
 * waiting for another request of the session that rendered it (look and check again). When
 * req becomes the renderer, the end of its answer (stored or not, or the connection's end)
 * lets the waiting requests look again. true when the page cache is off. */
bool req_member_page_render(struct req *req, const char *key, bool wait);

/* Asks that the answer this handler makes be kept under key with deps, token and until, if
 * it turns out a 200 without Set-Cookie that was not marked not_for_page_cache. The strings
 * must live as long as the request. */
void req_member_page_keep(struct req *req, const char *key, const char *deps,
			  const char *token, int64_t until);

/* Drops every page kept for session_id of account_id, or for all its sessions when
 * session_id is 0 (sign-out, "sign out everywhere", a new password). No-op when the cache
 * is off. */
void req_member_pages_forget(struct req *req, int64_t account_id, int64_t session_id);

/* A route capture (":name" in the pattern), or NULL. */
const char *req_param(const struct req *req, const char *name);

/* A form field of a urlencoded or multipart body, or NULL. */
const char *req_form(const struct req *req, const char *name);

/* Whether the client prefers JSON (an Accept naming application/json or activity+json and
 * not text/html), so errors are answered in JSON rather than as a page. */
bool req_wants_json(struct req *req);

#endif
