/* server.c - libmicrohttpd glue. A request flows:
 *   on_request (first call)  -> new arena + struct req; a declared Content-Length over the
 *                               limit is answered 413 at once, before 100-continue
 *   on_request (upload data) -> appended to req->upload, 413 as soon as it passes the limit
 *   on_request (last call)   -> an anonymous GET may be answered from the page cache at
 *                               once, on libmicrohttpd's thread; otherwise the connection is
 *                               suspended and the request handed to the handler threads
 *                               (http/pool.h), first come, first served
 *   handle (handler thread)  -> the page cache once more (waiting for a rendering of the same
 *                               page in progress), else body parsed, options->before, route
 *                               matched, handler run, response finished (http/finish.c:
 *                               Cache-Control, Vary, ETag, gzip), perhaps stored in the page
 *                               cache, turned into a 304 if If-None-Match matches; then the
 *                               connection is resumed
 *   on_request (resumed)     -> the answer is sent with the security headers
 *   on_completed             -> arena freed (and with it everything the request made, and
 *                               the reference to a page-cache entry it was answered from)
 *
 * The page cache (http/cache.h) holds complete answers for visitors, so that a link going
 * round costs one rendering per language and encoding every page_cache_seconds rather than
 * one per reader. Cache lookup happens before any handler runs, so the rule is about what
 * the handler *would* do:
 *   - Only GET and HEAD without a body, carrying no Authorization, Signature or
 *     Signature-Input header (signed fetches are answered per requesting server) and no
 *     session cookie (options->session_cookie; any Cookie header at all when that is NULL),
 *     are looked up and stored.
 *   - Other cookies don't count. The only other cookie read is web/'s CSRF cookie, and a
 *     page that uses it embeds its token and is marked Cache-Control: private (web_render),
 *     and a new one is set only with such a page: so a stored page never depended on it, and
 *     serving one never withholds a cookie the handler would have set.
 *   - Stored: 200 answers without Set-Cookie whose Cache-Control has neither no-store (every
 *     member's page) nor private, unless the handler marked them not_for_page_cache, and
 *     only when options->write_generation didn't move while the handler ran.
 *   - The key is the path and query as sent, the answer each supported language would get
 *     from Accept-Language, the kind of Accept (page_cache_accept_kind) and whether gzip is
 *     accepted: everything the handlers read from a visitor's request.
 *   - An answer from the cache carries an Age header (seconds since it was made).
 *   - An entry serves while the write generation is the one read before its handler ran
 *     (any write by this process since makes it stale: a post, a delete, a suspension
 *     shows at once) and for page_cache_seconds (writes by other processes: a
 *     `parasol worker`, a second `serve`, psql by hand); past that, one request renders
 *     the page anew while the others are still answered from the old entry, for another
 *     page_cache_seconds at most (page_cache_get).
 *   - A page nobody has a live copy of (a cold cache, or every page after a write) is
 *     rendered by the first request for it; the others for the same key wait for that copy
 *     (page_cache_get_once) instead of all rendering it at once. An answer that may not be
 *     kept is remembered as such for page_cache_seconds, so that nobody waits for it.
 * Member pages (req_member_page_*, used by web/memberpage.c for /home and /notifications)
 * use the same cache for signed-in GETs, which the rule above leaves out, under keys of
 * their own: '~', the account and the session (a page carries the session's CSRF token),
 * gzip, the Accept kind, the language the page is in, the path and the query. Such an entry
 * is served only after a check proves that nothing the page shows changed since it was
 * rendered: the page is rendered inside one REPEATABLE READ snapshot, which also reads the
 * check's token: the member's mark and the node's epoch (moved by triggers, in the writing
 * transaction, by whatever process writes: migration 0032), the xmin of every row the page
 * names (its posts, their counters and images, the accounts it shows), and the generation
 * of this process's copy of the settings (core/cache.h). A request reads the token again
 * (one query, after web_before's session lookup) and is answered from the entry only when
 * it is the same and no time on the page would read otherwise by now (web_time notes when
 * the first relative time changes). Otherwise the entry is dropped and the page rendered
 * anew. Entries never outlive page_cache_seconds; they are kept only for 200 answers that
 * set no cookie; they are dropped when their session is signed out, when every session is
 * ("sign out everywhere", a new password), and become unreachable when it expires (the
 * session lookup fails first). They live in memory only: the answers still say
 * Cache-Control: no-store.
 * Shared answers (req_shared_answer) use the same cache for requests the rule above leaves
 * out, when the handler says so: a peer's signed fetch of what every peer it lets in gets
 * alike (a post, a page of a public collection). The handler checks the requester first, on
 * every request; only then is the answer looked up, under the path and query (and the kind
 * of Accept and gzip, but no language: these answers have none), and stored like a page. */
#include "server.h"

#include <errno.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "http/cache.h"
#include "http/compress.h"
#include "http/connlimit.h"
#include "http/conntable.h"
#include "http/fdlimit.h"
#include "http/finish.h"
#include "http/pool.h"
#include "http/request.h"
#include "http/respond.h"
#include "http/router.h"
#include "http/slowguard.h"
#include "http/stream.h"
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
	const char *what = req->cache_hit ? "(page cache)"
			   : req->route.pattern ? req->route.pattern
						: "(no route)";
	log_msg(LOG_DEBUG, "%s %s %d %.1fms", req->method, what, req->resp.status, ms);
}

struct http_server {
	struct MHD_Daemon *daemon;
	struct connlimit *per_address; /* NULL: no cap */
	struct conntable *conns;       /* NULL: libmicrohttpd's own limit alone */
	struct slowguard *guard;       /* NULL: only libmicrohttpd's idle timeout */
	struct http_options opts;
	int port;
	struct page_cache *cache; /* NULL when page_cache_seconds is 0 */
	struct pool *handlers;	  /* the handler threads (http/pool.h) */
	pthread_mutex_t deferred_lock;
	pthread_cond_t deferred_done;
	unsigned deferred; /* requests deferred (req_defer) and not yet resumed */
};

/* What the server keeps for each open connection (its socket context). */
struct conn_state {
	uint64_t key;		      /* connlimit_open's, 0: not counted */
	struct slowguard_conn *guard; /* NULL: not watched */
	struct conntable_conn *entry; /* NULL: not in the connection table */
};

/* What the server keeps for conn, or NULL. */
static const struct conn_state *
conn_state(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci != NULL ? ci->socket_context : NULL;
}

/* conn's entry in the slow-request guard, or NULL. */
static struct slowguard_conn *
conn_guard(struct MHD_Connection *conn)
{
	const struct conn_state *cs = conn_state(conn);
	return cs != NULL ? cs->guard : NULL;
}

/* conn's entry in the connection table, or NULL. */
static struct conntable_conn *
conn_entry(struct MHD_Connection *conn)
{
	const struct conn_state *cs = conn_state(conn);
	return cs != NULL ? cs->entry : NULL;
}

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

/* Whether the handler set header name itself (it then replaces the default of the same name:
 * X-Robots-Tag, by the pages a member opened to search engines, and the CSP, by the OAuth
 * consent page, whose form may lead on to the app's address: web/oauth.c). */
static bool
handler_header(const struct req *req, const char *name)
{
	for (size_t i = 0; i < req->resp.nheaders; i++)
		if (strcasecmp(req->resp.headers[i].name, name) == 0)
			return true;
	return false;
}

static void
add_headers(struct MHD_Response *r, const struct req *req)
{
	for (size_t i = 0; i < sizeof security_headers / sizeof security_headers[0]; i++)
		if ((strcmp(security_headers[i].name, "X-Robots-Tag") != 0 &&
		     strcmp(security_headers[i].name, "Content-Security-Policy") != 0) ||
		    !handler_header(req, security_headers[i].name))
			MHD_add_response_header(r, security_headers[i].name,
						security_headers[i].value);
	for (size_t i = 0; i < req->resp.nheaders; i++)
		MHD_add_response_header(r, req->resp.headers[i].name, req->resp.headers[i].value);
	if (req->resp.content_type != NULL)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, req->resp.content_type);
}

/* gzip level for responses the page cache may keep (compressed once, sent many times): on a
 * profile, the about page and the stylesheet, 5 comes within 1 % of 9's size, in about two
 * thirds of its time on larger texts. Static files are compressed once, at 9. */
#define GZIP_LEVEL 5
/* gzip level for responses made for one request only (a member's pages): on /home, 1 takes
 * under half of 5's time for a body ~15 % larger. */
#define GZIP_LEVEL_ONCE 1

/* How long a stop waits for the streams' connections to send their last chunk. */
#define STREAM_STOP_WAIT_MS 2000

/* What a 503 asks clients to wait: storage outages are usually short (a restart). */
#define RETRY_AFTER_SECONDS "10"

static int64_t
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint64_t
write_generation(const struct http_server *srv)
{
	return srv->opts.write_generation ? srv->opts.write_generation() : 0;
}

/* The page-cache key for req, in its arena, or NULL when the request is not a visitor's
 * GET (see "The page cache" above). */
static const char *
cache_key(const struct http_server *srv, struct req *req)
{
	if (srv->cache == NULL || req->received > 0 ||
	    (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0))
		return NULL;
	if (req_header(req, MHD_HTTP_HEADER_AUTHORIZATION) != NULL ||
	    req_header(req, "Signature") != NULL || req_header(req, "Signature-Input") != NULL ||
	    req_query(req, "access_token") != NULL) /* a token (the API's streams) is no visitor */
		return NULL;
	if (srv->opts.session_cookie != NULL ? req_cookie(req, srv->opts.session_cookie) != NULL
					     : req_header(req, MHD_HTTP_HEADER_COOKIE) != NULL)
		return NULL;
	/* the language each possible fallback (the instance's default) would give */
	char langs[LANG__MAX + 1];
	const char *al = req_header(req, MHD_HTTP_HEADER_ACCEPT_LANGUAGE);
	for (int l = 0; l < LANG__MAX; l++)
		langs[l] = (char)('0' + i18n_negotiate(al, (enum lang)l));
	langs[LANG__MAX] = '\0';
	bool gzip = compress_accepts_gzip(req_header(req, MHD_HTTP_HEADER_ACCEPT_ENCODING));
	const char *query = req_raw_query(req);
	return arena_printf(req->arena, "%c%c%s %s%s%s", gzip ? 'g' : 'i',
			    page_cache_accept_kind(req_header(req, MHD_HTTP_HEADER_ACCEPT)), langs,
			    req->path, *query ? "?" : "", query);
}

static void
release_entry(void *e)
{
	page_cache_release(e);
}

/* Answers req from the page cache if it holds a fresh entry for req->cache_key. wait: on a
 * miss, wait for a rendering of the same page in progress, or become the one that renders
 * it (page_cache_get_once); never on libmicrohttpd's threads, which serve other
 * connections. */
static bool
cache_answer(struct http_server *srv, struct req *req, bool wait)
{
	int64_t now = now_ms();
	const struct page_cache_entry *e =
		wait ? page_cache_get_once(srv->cache, req->cache_key, req->cache_generation, now,
					   &req->cache_flight)
		     : page_cache_get(srv->cache, req->cache_key, req->cache_generation, now);
	if (e == NULL)
		return false;
	/* the entry's memory stays ours until the arena is freed, after the response is sent */
	arena_defer(req->arena, release_entry, (void *)e);
	req->cache_hit = true;
	resp_set(req, e->status, e->content_type, e->body, e->len);
	for (size_t i = 0; i < e->nheaders; i++)
		resp_header(req, e->headers[i].name, e->headers[i].value);
	/* RFC 9111 section 5.1: the answer was not made for this request */
	long long age = now > e->stored_ms ? (long long)(now - e->stored_ms) / 1000 : 0;
	resp_header(req, "Age", arena_printf(req->arena, "%lld", age));
	return true;
}

bool
req_shared_answer(struct req *req)
{
	struct http_server *srv = req->server;
	if (srv == NULL || srv->cache == NULL || req->cache_key != NULL ||
	    (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0))
		return false;
	/* '=' where a visitor's key has its languages: the two kinds of keys never meet */
	bool gzip = compress_accepts_gzip(req_header(req, MHD_HTTP_HEADER_ACCEPT_ENCODING));
	const char *query = req_raw_query(req);
	req->cache_key = arena_printf(req->arena, "%c%c= %s%s%s", gzip ? 'g' : 'i',
				      page_cache_accept_kind(req_header(req, MHD_HTTP_HEADER_ACCEPT)),
				      req->path, *query ? "?" : "", query);
	req->cache_generation = write_generation(srv);
	return cache_answer(srv, req, true);
}

/* "Member pages": keys begin with '~', which no visitor's key does (they begin with the gzip
 * letter), and carry the account and the session so that req_member_pages_forget finds
 * them. */
static const char *
member_prefix(struct arena *a, int64_t account_id, int64_t session_id)
{
	return session_id != 0
		       ? arena_printf(a, "~%lld.%lld~", (long long)account_id, (long long)session_id)
		       : arena_printf(a, "~%lld.", (long long)account_id);
}

const char *
req_member_page_key(struct req *req, int64_t account_id)
{
	struct http_server *srv = req->server;
	if (srv == NULL || srv->cache == NULL || account_id == 0 || req->session_id == 0 ||
	    req->received > 0 ||
	    (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0))
		return NULL;
	bool gzip = compress_accepts_gzip(req_header(req, MHD_HTTP_HEADER_ACCEPT_ENCODING));
	const char *query = req_raw_query(req);
	return arena_printf(req->arena, "%s%c%c%d %s%s%s",
			    member_prefix(req->arena, account_id, req->session_id),
			    gzip ? 'g' : 'i',
			    page_cache_accept_kind(req_header(req, MHD_HTTP_HEADER_ACCEPT)),
			    (int)req->lang, req->path, *query ? "?" : "", query);
}

bool
req_member_page_lookup(struct req *req, const char *key, const char **deps, const char **token,
		       int64_t *until)
{
	struct http_server *srv = req->server;
	if (srv == NULL || srv->cache == NULL || key == NULL)
		return false;
	const struct page_cache_entry *e = page_cache_peek(srv->cache, key, now_ms());
	if (e == NULL)
		return false;
	/* the entry's memory stays ours until the arena is freed, after the response is sent */
	arena_defer(req->arena, release_entry, (void *)e);
	req->member_entry = e;
	*deps = e->deps;
	*token = e->token;
	*until = e->until;
	return true;
}

void
req_member_page_answer(struct req *req)
{
	const struct page_cache_entry *e = req->member_entry;
	if (e == NULL)
		return;
	int64_t now = now_ms();
	req->cache_hit = true;
	resp_set(req, e->status, e->content_type, e->body, e->len);
	for (size_t i = 0; i < e->nheaders; i++)
		resp_header(req, e->headers[i].name, e->headers[i].value);
	long long age = now > e->stored_ms ? (long long)(now - e->stored_ms) / 1000 : 0;
	resp_header(req, "Age", arena_printf(req->arena, "%lld", age));
}

void
req_member_page_drop(struct req *req, const char *key)
{
	struct http_server *srv = req->server;
	if (srv != NULL && srv->cache != NULL && key != NULL)
		page_cache_drop(srv->cache, key);
}

bool
req_member_page_render(struct req *req, const char *key, bool wait)
{
	struct http_server *srv = req->server;
	if (srv == NULL || srv->cache == NULL || key == NULL)
		return true;
	if (!page_cache_member_render(srv->cache, key, wait))
		return false;
	if (wait)
		req->member_flight = key;
	return true;
}

/* Ends req's rendering of a member page for others waiting, if it has one. */
static void
member_land(struct http_server *srv, struct req *req)
{
	if (req->member_flight == NULL)
		return;
	page_cache_abandon(srv->cache, req->member_flight, 0, now_ms(), false);
	req->member_flight = NULL;
}

void
req_member_page_keep(struct req *req, const char *key, const char *deps, const char *token,
		     int64_t until)
{
	req->member_key = key;
	req->member_deps = deps;
	req->member_token = token;
	req->member_until = until;
}

void
req_member_pages_forget(struct req *req, int64_t account_id, int64_t session_id)
{
	struct http_server *srv = req->server;
	if (srv == NULL || srv->cache == NULL)
		return;
	size_t n = page_cache_drop_prefix(srv->cache,
					  member_prefix(req->arena, account_id, session_id));
	log_msg(LOG_DEBUG, "member page: dropped %zu kept pages", n);
}

/* Keeps a member's page that its handler asked to keep (req_member_page_keep), when it is a
 * 200 that sets no cookie. */
static void
member_store(struct http_server *srv, struct req *req)
{
	if (req->member_key == NULL || srv->cache == NULL)
		return;
	if (req->resp.status == MHD_HTTP_OK && !req->resp.not_for_page_cache &&
	    resp_get_header(req, MHD_HTTP_HEADER_SET_COOKIE) == NULL)
		page_cache_put_member(srv->cache, req->member_key, now_ms(), &req->resp,
				      req->member_deps, req->member_token, req->member_until);
	req->member_key = NULL;
}

/* Keeps a copy of req's finished answer when the rule above allows; a request that rendered
 * the page for others waiting (page_cache_get_once) ends that either way. */
static void
cache_store(struct http_server *srv, struct req *req)
{
	if (req->cache_key == NULL)
		return;
	const char *cc = resp_get_header(req, MHD_HTTP_HEADER_CACHE_CONTROL);
	bool fit = req->resp.status == MHD_HTTP_OK && !req->signed_in &&
		   !req->resp.not_for_page_cache &&
		   resp_get_header(req, MHD_HTTP_HEADER_SET_COOKIE) == NULL &&
		   (cc == NULL ||
		    (strcasestr(cc, "no-store") == NULL && strcasestr(cc, "private") == NULL));
	/* a write while the handler ran: what it read may be older than the write */
	bool current = write_generation(srv) == req->cache_generation;
	if (fit && current)
		page_cache_put(srv->cache, req->cache_key, req->cache_generation, now_ms(),
			       &req->resp);
	else if (req->cache_flight || !fit)
		/* an unfit answer is remembered, so later requests don't wait for each other */
		page_cache_abandon(srv->cache, req->cache_key, req->cache_generation, now_ms(),
				   !fit);
	req->cache_flight = false;
}

/* Finishes req->resp (http/finish.h; a page-cache answer is finished already), stores it in
 * the page cache when it may be, turns it into a 304 when If-None-Match matches, and queues
 * it. */
static void
prepare_resp(struct http_server *srv, struct req *req)
{
	if (!req->cache_hit) {
		bool kept = req->cache_key != NULL && !req->signed_in;
		finish_response(req, kept ? GZIP_LEVEL : GZIP_LEVEL_ONCE);
		cache_store(srv, req);
		member_store(srv, req);
		member_land(srv, req);
	}
	/* Every 503, a handler's own (the health check's) or an error's, says when to retry. */
	if (req->resp.status == MHD_HTTP_SERVICE_UNAVAILABLE &&
	    resp_get_header(req, MHD_HTTP_HEADER_RETRY_AFTER) == NULL)
		resp_header(req, MHD_HTTP_HEADER_RETRY_AFTER, RETRY_AFTER_SECONDS);
	if (finish_not_modified(req))
		finish_make_304(req);
}

/* Reads a file body (resp_file) as libmicrohttpd sends it. */
static ssize_t
read_file_body(void *cls, uint64_t pos, char *buf, size_t max)
{
	const struct resp *resp = cls;
	if (pos >= resp->file_size)
		return MHD_CONTENT_READER_END_OF_STREAM;
	if (max > resp->file_size - pos)
		max = (size_t)(resp->file_size - pos);
	ssize_t n;
	do
		n = pread(resp->file_fd, buf, max, (off_t)pos);
	while (n < 0 && errno == EINTR);
	return n > 0 ? n : MHD_CONTENT_READER_END_WITH_ERROR;
}

/* Queues req's prepared answer on its connection (on libmicrohttpd's thread). */
static enum MHD_Result
queue_resp(struct req *req)
{
	/* a file body is read from its descriptor, which the arena closes (on_completed) */
	struct MHD_Response *r =
		req->resp.stream != NULL ? http_stream_response(req)
		: req->resp.has_file
			? MHD_create_response_from_callback(req->resp.file_size, 64 * 1024,
							    read_file_body, &req->resp, NULL)
			: MHD_create_response_from_buffer(req->resp.len, (void *)req->resp.body,
							  MHD_RESPMEM_PERSISTENT);
	if (r == NULL)
		return MHD_NO;
	add_headers(r, req);
	/* Over the connection limit (no idle connection could be closed for a newcomer): this
	 * connection is not kept alive, so that the count comes back under the limit. */
	struct http_server *srv = req->server;
	if (srv != NULL && srv->conns != NULL && conntable_over(srv->conns))
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
	/* The body lives in the arena (or a page-cache entry it holds), until on_completed. */
	enum MHD_Result rc = MHD_queue_response(req->conn, (unsigned)req->resp.status, r);
	MHD_destroy_response(r);
	return rc;
}

/* Prepares and queues req's answer at once (on libmicrohttpd's thread). */
static enum MHD_Result
send_resp(struct http_server *srv, struct req *req)
{
	prepare_resp(srv, req);
	return queue_resp(req);
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
	if (req->deferred)
		return; /* answered by req_answer_deferred, maybe already */
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
	return send_resp(srv, req);
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
	req->server = srv;
	req->proxy = srv->opts.proxy;
	clock_gettime(CLOCK_MONOTONIC, &req->started);
	req->lang = i18n_negotiate(req_header(req, MHD_HTTP_HEADER_ACCEPT_LANGUAGE),
				   srv->opts.default_lang);
	strbuf_init(&req->upload, a);
	return req;
}

/* The body size req may have: upload_limit for multipart/form-data (forms with images),
 * body_limit for everything else. */
static long
body_limit_for(const struct http_server *srv, struct req *req)
{
	const char *ct = req_header(req, MHD_HTTP_HEADER_CONTENT_TYPE);
	if (srv->opts.upload_limit > srv->opts.body_limit && ct != NULL &&
	    strncasecmp(ct, "multipart/form-data", 19) == 0)
		return srv->opts.upload_limit;
	return srv->opts.body_limit;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
	   const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	(void)version;
	struct http_server *srv = cls;
	struct req *req = *con_cls;
	if (req == NULL) {
		if (srv->guard != NULL)
			slowguard_head(srv->guard, conn_guard(conn));
		if (srv->conns != NULL)
			conntable_busy(srv->conns, conn_entry(conn));
		req = req_new(srv, conn, url, method);
		*con_cls = req;
		req->body_limit = body_limit_for(srv, req);
		const char *cl = req_header(req, MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl != NULL && strtoll(cl, NULL, 10) > req->body_limit)
			return too_large(srv, req); /* answered before the client sends the body */
		return MHD_YES;
	}
	if (*upload_data_size != 0) {
		/* A chunked body has no length to refuse up front, and libmicrohttpd 0.9 can't
		 * answer in the middle of an upload: past the limit the rest is discarded unread
		 * into memory and 413 follows at the end; a sender that goes on past eight times
		 * the limit is cut off. */
		req->received += *upload_data_size;
		if (srv->guard != NULL)
			slowguard_body(srv->guard, conn_guard(conn), *upload_data_size);
		if ((long)req->received > req->body_limit)
			req->too_large = true;
		if (!req->too_large)
			strbuf_append(&req->upload, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return req->received / 8 > (size_t)req->body_limit ? MHD_NO : MHD_YES;
	}
	if (srv->guard != NULL)
		slowguard_answering(srv->guard, conn_guard(conn));
	if (req->too_large) {
		if (req->resp.status != 0)
			return MHD_YES; /* answered at the first call */
		return too_large(srv, req);
	}
	if (req->handled) /* resumed: a handler thread made the answer */
		return queue_resp(req);
	if ((req->cache_key = cache_key(srv, req)) != NULL) {
		req->cache_generation = write_generation(srv);
		if (cache_answer(srv, req, false))
			return send_resp(srv, req);
	}
	if (pool_submit(srv->handlers, req))
		return MHD_YES; /* suspended (admit); resumed by handle() */
	/* stopping: no handler thread will take it */
	error_resp(srv, req, MHD_HTTP_SERVICE_UNAVAILABLE, "The server is stopping");
	return send_resp(srv, req);
}

/* A deferred request is resumed by the second of its two parties to finish: the handler
 * thread returning from dispatch and req_answer_deferred (either may come first; the
 * request must outlive both). */
static void
deferred_party_done(struct http_server *srv, struct req *req)
{
	if (atomic_fetch_add(&req->defer_parties, 1) == 0)
		return;
	req->handled = true;
	MHD_resume_connection(req->conn);
	pthread_mutex_lock(&srv->deferred_lock);
	if (--srv->deferred == 0)
		pthread_cond_broadcast(&srv->deferred_done);
	pthread_mutex_unlock(&srv->deferred_lock);
}

/* On a handler thread: answers req (the page cache, waiting for a rendering of the same page
 * in progress, or the handler), prepares the answer, and hands the connection back to
 * libmicrohttpd, which calls on_request again to send it. */
static void
handle(void *item, void *cls)
{
	struct http_server *srv = cls;
	struct req *req = item;
	if (req->cache_key == NULL || !cache_answer(srv, req, true))
		dispatch(srv, req);
	if (req->deferred) {
		deferred_party_done(srv, req);
		return;
	}
	prepare_resp(srv, req);
	req->handled = true;
	MHD_resume_connection(req->conn);
}

void
req_defer(struct req *req)
{
	struct http_server *srv = req->server;
	pthread_mutex_lock(&srv->deferred_lock);
	srv->deferred++;
	pthread_mutex_unlock(&srv->deferred_lock);
	req->deferred = true;
}

void
req_answer_deferred(struct req *req, int rc)
{
	struct http_server *srv = req->server;
	if (rc != 0)
		answer_err(srv, req);
	else if (req->resp.status == 0) {
		err_set(&req->err, ERR_INTERNAL, NULL, "deferred answer for %s set no response",
			req->path);
		answer_err(srv, req);
	}
	prepare_resp(srv, req);
	deferred_party_done(srv, req);
}

/* Called under the pool's lock as req is queued: its connection waits, unread and unwritten,
 * until handle() resumes it. */
static void
admit(void *item, void *cls)
{
	(void)cls;
	MHD_suspend_connection(((struct req *)item)->conn);
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
	     enum MHD_RequestTerminationCode toe)
{
	(void)toe;
	struct http_server *srv = cls;
	if (srv->guard != NULL)
		slowguard_idle(srv->guard, conn_guard(conn));
	if (srv->conns != NULL)
		conntable_rest(srv->conns, conn_entry(conn));
	struct req *req = *con_cls;
	if (req != NULL) {
		if (req->cache_flight) /* never answered: the waiting requests look again */
			page_cache_abandon(srv->cache, req->cache_key,
					   req->cache_generation, now_ms(), false);
		member_land(srv, req);
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

/* A new connection: refused at once when its address holds its share already; else, when
 * the server holds as many as it may, the connection idle longest is closed to make room
 * (http/conntable.h). With none idle the newcomer is taken all the same, into the slack
 * libmicrohttpd's own limit leaves (fdlimit_slack); past that it waits in the kernel's
 * queue. */
static enum MHD_Result
on_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
	(void)addrlen;
	struct http_server *srv = cls;
	if (srv->per_address != NULL && !connlimit_allowed(srv->per_address, addr))
		return MHD_NO;
	if (srv->conns != NULL)
		conntable_make_room(srv->conns);
	return MHD_YES;
}

/* Counts the connections of each address while they are open (the key: a keyed hash, never
 * the address), keeps them in the connection table (http/conntable.h) and watches how fast
 * they send their requests (http/slowguard.h). */
static void
on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
	      enum MHD_ConnectionNotificationCode toe)
{
	struct http_server *srv = cls;
	if (srv->per_address == NULL && srv->guard == NULL && srv->conns == NULL)
		return;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		struct conn_state *cs = calloc(1, sizeof *cs);
		*socket_context = cs;
		if (cs == NULL)
			return; /* neither counted nor watched */
		if (srv->per_address != NULL) {
			const union MHD_ConnectionInfo *ci =
				MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
			cs->key = connlimit_open(srv->per_address, ci ? ci->client_addr : NULL);
		}
		const union MHD_ConnectionInfo *fi =
			MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		if (srv->guard != NULL && fi != NULL)
			cs->guard = slowguard_open(srv->guard, fi->connect_fd);
		if (srv->conns != NULL && fi != NULL)
			cs->entry = conntable_open(srv->conns, fi->connect_fd);
	} else if (toe == MHD_CONNECTION_NOTIFY_CLOSED) {
		struct conn_state *cs = *socket_context;
		if (cs != NULL) {
			if (srv->per_address != NULL)
				connlimit_release(srv->per_address, cs->key);
			if (srv->guard != NULL)
				slowguard_close(srv->guard, cs->guard);
			if (srv->conns != NULL)
				conntable_close(srv->conns, cs->entry);
			free(cs);
		}
		*socket_context = NULL;
	}
}

/* libmicrohttpd's own messages can name the peer; we log only the message's format. */
static void
mhd_logger(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	(void)ap;
	log_msg(LOG_DEBUG, "microhttpd: %.*s", (int)strcspn(fmt, "\n"), fmt);
}

unsigned
http_thread_count(int threads, long cores)
{
	if (threads > 0)
		return (unsigned)threads;
	long n = (cores > 0 ? cores : 1) * HTTP_THREADS_PER_CORE;
	if (n < HTTP_MIN_THREADS)
		n = HTTP_MIN_THREADS;
	if (n > HTTP_MAX_AUTO_THREADS)
		n = HTTP_MAX_AUTO_THREADS;
	return (unsigned)n;
}

/* Frees what http_server_start made of srv before the daemon (each part may be NULL). */
static void
free_parts(struct http_server *srv)
{
	pool_stop(srv->handlers);
	slowguard_free(srv->guard);
	conntable_free(srv->conns);
	connlimit_free(srv->per_address);
	page_cache_free(srv->cache);
	pthread_cond_destroy(&srv->deferred_done);
	pthread_mutex_destroy(&srv->deferred_lock);
	free(srv);
}

/* The connection limit the file descriptors allow (raising the soft limit when it is too
 * low for connection_limit and the hard one allows), logged with what it costs. */
static int
fit_connection_limit(const struct http_options *opts)
{
	int want = opts->connection_limit;
	long reserve = opts->fd_reserve > 0 ? opts->fd_reserve : HTTP_FD_RESERVE;
	long fds = fdlimit_raise(want + fdlimit_slack(want) + reserve);
	int limit = fdlimit_connections(fds, reserve, want);
	if (limit < want)
		log_msg(LOG_WARN, "the file descriptor limit (%ld) holds %d connections, not "
				  "connection_limit's %d: raise it (ulimit -n; systemd: LimitNOFILE=)",
			fds, limit, want);
	log_msg(LOG_INFO, "holding up to %d connections, closing the one idle longest for a newcomer "
			  "past that (file descriptors: %ld; up to %d MB while all are kept alive)",
		limit, fds, (int)((long)limit * HTTP_CONN_MEMORY / (1024 * 1024)));
	return limit;
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
	pthread_mutex_init(&srv->deferred_lock, NULL);
	pthread_cond_init(&srv->deferred_done, NULL);
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned threads = http_thread_count(opts->threads, cores);
	/* libmicrohttpd's threads only read, write and answer from the page cache: one per
	 * core is enough, and never more than the handler threads */
	unsigned io_threads = cores > 0 ? (unsigned)cores : 1;
	if (io_threads > threads)
		io_threads = threads;

	struct sockaddr_storage ss = {0};
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
			 MHD_ALLOW_SUSPEND_RESUME;
	struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
	if (inet_pton(AF_INET, opts->address, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)opts->port);
	} else if (inet_pton(AF_INET6, opts->address, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)opts->port);
		flags |= MHD_USE_IPv6;
	} else {
		err_set(err, ERR_INVALID, "listen_address must be a numeric IP address",
			"bad listen address %s", opts->address);
		free_parts(srv);
		return NULL;
	}
	int limit = opts->connection_limit > 0 ? fit_connection_limit(opts) : 0;
	bool oom = (opts->page_cache_seconds > 0 && opts->page_cache_entries > 0 &&
		    (srv->cache = page_cache_new(opts->page_cache_entries, opts->page_cache_bytes,
						 (int64_t)opts->page_cache_seconds * 1000)) == NULL) ||
		   (opts->connections_per_address > 0 &&
		    (srv->per_address = connlimit_new(CONNLIMIT_SLOTS, opts->connections_per_address,
						      opts->proxy)) == NULL) ||
		   (limit > 0 && (srv->conns = conntable_new((unsigned)limit)) == NULL);
	if (oom) {
		err_set(err, ERR_INTERNAL, NULL, "out of memory");
		free_parts(srv);
		return NULL;
	}
	if (opts->header_timeout > 0 &&
	    (srv->guard = slowguard_new(opts->header_timeout, opts->body_min_rate, 0, NULL,
					err)) == NULL) {
		free_parts(srv);
		return NULL;
	}
	if ((srv->handlers = pool_start(threads, handle, admit, srv)) == NULL) {
		err_set(err, ERR_INTERNAL, NULL, "the handler threads did not start");
		free_parts(srv);
		return NULL;
	}
	srv->daemon = MHD_start_daemon(
		flags, (uint16_t)opts->port, on_accept, srv, on_request, srv,
		/* first, so that no message goes to libmicrohttpd's own stderr logger */
		MHD_OPTION_EXTERNAL_LOGGER, mhd_logger, NULL,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
		MHD_OPTION_THREAD_POOL_SIZE, io_threads,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)opts->timeout,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
		MHD_OPTION_UNESCAPE_CALLBACK, no_unescape, NULL,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_CONN_POOL,
		MHD_OPTION_NOTIFY_CONNECTION, on_connection, srv,
		/* 0 would mean "no limit" to us but "none allowed" to libmicrohttpd: leave it out.
		 * Its limit is ours and the slack: the connections closing to make room, and
		 * newcomers while none is idle (on_accept). */
		limit > 0 ? MHD_OPTION_CONNECTION_LIMIT : MHD_OPTION_END,
		(unsigned)(limit + fdlimit_slack(limit)),
		MHD_OPTION_END);
	if (srv->daemon == NULL) {
		err_set(err, ERR_INTERNAL, "cannot listen on the configured address and port",
			"cannot listen on port %d (in use, or a bad address?)", opts->port);
		free_parts(srv);
		return NULL;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(srv->daemon,
							       MHD_DAEMON_INFO_BIND_PORT);
	srv->port = info ? info->port : opts->port;
	/* Not even our own address is logged: the log test looks for any address at all. */
	log_msg(LOG_INFO, "listening on port %d with %u threads (and %u for connections), at most "
			  "%d connections (%d per address)",
		srv->port, threads, io_threads, limit, opts->connections_per_address);
	if (srv->cache != NULL)
		log_msg(LOG_INFO, "page cache: %d s, up to %zu entries and %zu bytes",
			opts->page_cache_seconds, opts->page_cache_entries, opts->page_cache_bytes);
	else
		log_msg(LOG_INFO, "page cache: off");
	return srv;
}

void
http_server_stop(struct http_server *srv)
{
	if (srv == NULL)
		return;
	/* The handler threads finish every request handed to them and resume its connection;
	 * from then on libmicrohttpd's threads answer new ones 503 themselves, so that no
	 * connection is left suspended when the daemon stops. */
	pool_stop(srv->handlers);
	srv->handlers = NULL;
	/* and the deferred answers come (their holders are still running) */
	pthread_mutex_lock(&srv->deferred_lock);
	while (srv->deferred > 0)
		pthread_cond_wait(&srv->deferred_done, &srv->deferred_lock);
	pthread_mutex_unlock(&srv->deferred_lock);
	/* streams end (their suspended connections resumed, their bodies closed) */
	http_streams_close_all(STREAM_STOP_WAIT_MS);
	MHD_stop_daemon(srv->daemon); /* every request is over: no entry is referenced */
	free_parts(srv);
}

int
http_server_port(const struct http_server *srv)
{
	return srv->port;
}
