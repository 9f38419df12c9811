/* test_fetch.c - outbound HTTP: the address check, and fetches against an in-process
 * libmicrohttpd server on 127.0.0.1 that verifies every signature it receives. */
#include <arpa/inet.h>
#include <check.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ap/fetch.h"
#include "ap/httpsig.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/log.h"

#define KEY_ID "https://parasol.test/actor#main-key"

static char *key_private, *key_public; /* made once in main() */
static struct arena *arena;

/* --- the test server ---------------------------------------------------------------------- */

static struct MHD_Daemon *daemon_;
static int port;
static volatile int stopping;

/* What the server saw of the last request, and counts over the test. */
static struct {
	pthread_mutex_t mu;
	int connections; /* TCP connections accepted */
	int requests;
	int verified; /* requests whose signature verified */
	int unsigned_requests;
	char failure[32]; /* httpsig_failure_name of the last refusal */
	char method[8];
	char target[256];
	char signature[1024];
	char accept[256];
	char content_type[128];
	char digest[128];
	char expect[64]; /* the Expect header ("" when none) */
	char body[256];
} seen = {.mu = PTHREAD_MUTEX_INITIALIZER};

struct conn {
	char *uri; /* the request target as sent, query included */
	char *body;
	size_t len;
	int started;
};

static void *
on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	(void)cls;
	(void)c;
	struct conn *cn = calloc(1, sizeof *cn);
	cn->uri = strdup(uri);
	return cn;
}

static void
on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
	     enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)c;
	(void)toe;
	struct conn *cn = *con_cls;
	if (cn != NULL) {
		free(cn->uri);
		free(cn->body);
		free(cn);
	}
	*con_cls = NULL;
}

static const char *
mhd_header(void *ctx, const char *name)
{
	return MHD_lookup_connection_value(ctx, MHD_HEADER_KIND, name);
}

static void
copy(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src != NULL ? src : "");
}

/* Verifies the request's signature with the test key and records what arrived. */
static void
record(struct MHD_Connection *c, const char *method, struct conn *cn)
{
	struct arena *a = arena_new();
	struct err err = {0};
	enum httpsig_failure why = HTTPSIG_OK;
	struct httpsig_request req = {
	    .method = method,
	    .target = cn->uri,
	    .body = strcmp(method, "POST") == 0 ? (cn->body != NULL ? cn->body : "") : NULL,
	    .body_len = cn->len,
	    .header = mhd_header,
	    .header_ctx = c};
	const char *value = mhd_header(c, "Signature");
	struct httpsig_sig sig;
	bool ok = false;
	if (value != NULL && httpsig_parse(a, value, &sig, &why, &err) == 0) {
		EVP_PKEY *key = httpsig_load_public(a, key_public, &err);
		ok = key != NULL && strcmp(sig.key_id, KEY_ID) == 0 &&
		     httpsig_verify(a, &req, &sig, key, time(NULL), &why, &err) == 0;
	}
	pthread_mutex_lock(&seen.mu);
	seen.requests++;
	seen.verified += ok;
	seen.unsigned_requests += value == NULL;
	copy(seen.failure, sizeof seen.failure,
	     value == NULL ? "unsigned" : httpsig_failure_name(why));
	copy(seen.method, sizeof seen.method, method);
	copy(seen.target, sizeof seen.target, cn->uri);
	copy(seen.signature, sizeof seen.signature, value);
	copy(seen.accept, sizeof seen.accept, mhd_header(c, "Accept"));
	copy(seen.content_type, sizeof seen.content_type, mhd_header(c, "Content-Type"));
	copy(seen.digest, sizeof seen.digest, mhd_header(c, "Digest"));
	copy(seen.expect, sizeof seen.expect, mhd_header(c, "Expect"));
	snprintf(seen.body, sizeof seen.body, "%.*s", (int)cn->len,
		 cn->body != NULL ? cn->body : "");
	pthread_mutex_unlock(&seen.mu);
	arena_free(a);
}

static ssize_t
chunk_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
	size_t total = *(size_t *)cls;
	if (pos >= total)
		return MHD_CONTENT_READER_END_OF_STREAM;
	size_t n = total - pos < max ? total - pos : max;
	if (n > 1000)
		n = 1000; /* many small chunks */
	memset(buf, 'y', n);
	return (ssize_t)n;
}

static enum MHD_Result
answer(struct MHD_Connection *c, unsigned status, const char *body, const char *location)
{
	struct MHD_Response *r =
	    MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_MUST_COPY);
	MHD_add_response_header(r, "Content-Type", "application/activity+json");
	if (location != NULL)
		MHD_add_response_header(r, "Location", location);
	enum MHD_Result ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
	   const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	(void)cls;
	(void)version;
	struct conn *cn = *con_cls;
	if (!cn->started) {
		/* Answer on a later call, once the request is complete: a response queued on the
		 * first call makes libmicrohttpd close the connection after it, and the tests of
		 * connection reuse need it kept alive. */
		cn->started = 1;
		return MHD_YES;
	}
	if (*upload_size != 0) {
		cn->body = realloc(cn->body, cn->len + *upload_size + 1);
		memcpy(cn->body + cn->len, upload, *upload_size);
		cn->len += *upload_size;
		cn->body[cn->len] = '\0';
		*upload_size = 0;
		return MHD_YES;
	}
	record(c, method, cn);

	if (strcmp(url, "/doc") == 0)
		return answer(c, 200, "{\"hello\":\"world\"}", NULL);
	if (strcmp(url, "/inbox") == 0)
		return answer(c, 202, "", NULL);
	if (strcmp(url, "/bytes") == 0) {
		const char *n = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "n");
		const char *chunked =
		    MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "chunked");
		size_t *total = malloc(sizeof *total);
		*total = (size_t)atol(n != NULL ? n : "0");
		struct MHD_Response *r;
		if (chunked != NULL) {
			r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, chunk_reader,
							      total, free);
		} else {
			char *data = malloc(*total + 1);
			memset(data, 'x', *total);
			r = MHD_create_response_from_buffer(*total, data, MHD_RESPMEM_MUST_FREE);
			free(total);
		}
		enum MHD_Result ret = MHD_queue_response(c, 200, r);
		MHD_destroy_response(r);
		return ret;
	}
	if (strcmp(url, "/slow") == 0) {
		for (int i = 0; i < 60 && !stopping; i++)
			usleep(50 * 1000);
		return answer(c, 200, "late", NULL);
	}
	if (strncmp(url, "/redir/", 7) == 0) {
		int k = atoi(url + 7);
		if (k == 0)
			return answer(c, 200, "end", NULL);
		char next[32];
		snprintf(next, sizeof next, "/redir/%d", k - 1); /* relative: resolved by fetch */
		return answer(c, 302, "", next);
	}
	if (strcmp(url, "/to") == 0)
		return answer(c, 302, "",
			      MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "u"));
	if (strcmp(url, "/post307") == 0)
		return answer(c, 307, "", "/inbox");
	if (strcmp(url, "/post302") == 0)
		return answer(c, 302, "", "/inbox");
	return answer(c, 404, "{}", NULL);
}

static void
on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
	      enum MHD_ConnectionNotificationCode code)
{
	(void)cls;
	(void)c;
	(void)socket_context;
	if (code != MHD_CONNECTION_NOTIFY_STARTED)
		return;
	pthread_mutex_lock(&seen.mu);
	seen.connections++;
	pthread_mutex_unlock(&seen.mu);
}

static void
server_start(void)
{
	struct sockaddr_in sin = {.sin_family = AF_INET};
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	stopping = 0;
	daemon_ =
	    MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD, 0,
			     NULL, NULL, on_request, NULL, MHD_OPTION_SOCK_ADDR,
			     (struct sockaddr *)&sin, MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL,
			     MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
			     MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL, MHD_OPTION_END);
	ck_assert_ptr_nonnull(daemon_);
	port = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_BIND_PORT)->port;
	ck_assert_int_gt(port, 0);
	pthread_mutex_lock(&seen.mu);
	seen.connections = seen.requests = seen.verified = seen.unsigned_requests = 0;
	pthread_mutex_unlock(&seen.mu);
}

/* --- fixtures ----------------------------------------------------------------------------- */

static struct fetch_signer signer;

/* Test options: loopback allowed, small limits so the tests are quick. */
static void
init_loopback(void)
{
	struct fetch_options o = FETCH_OPTIONS_INIT;
	o.allow_loopback_http = true;
	o.timeout_s = 1;
	o.max_bytes = 64 * 1024;
	o.max_redirects = 3;
	o.user_agent = "parasol-test";
	fetch_init(&o);
}

static void
setup(void)
{
	arena = arena_new();
	signer = (struct fetch_signer){KEY_ID, key_private};
	server_start();
	init_loopback();
}

static void
teardown(void)
{
	stopping = 1;
	MHD_stop_daemon(daemon_);
	fetch_cleanup();
	arena_free(arena);
}

static const char *
url(const char *path)
{
	return arena_printf(arena, "http://127.0.0.1:%d%s", port, path);
}

static double
now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
requests_seen(void)
{
	pthread_mutex_lock(&seen.mu);
	int n = seen.requests;
	pthread_mutex_unlock(&seen.mu);
	return n;
}

static int
connections_seen(void)
{
	pthread_mutex_lock(&seen.mu);
	int n = seen.connections;
	pthread_mutex_unlock(&seen.mu);
	return n;
}

/* --- the address check -------------------------------------------------------------------- */

static const struct {
	const char *addr;
	bool allowed;	       /* by default */
	bool allowed_loopback; /* with allow_loopback */
} addresses[] = {
    {"8.8.8.8", true, true},
    {"93.184.216.34", true, true},
    {"172.15.255.255", true, true},
    {"172.32.0.1", true, true},
    {"100.63.255.255", true, true},
    {"100.128.0.1", true, true},
    {"127.0.0.1", false, true},
    {"127.255.255.254", false, true},
    {"10.0.0.1", false, false},
    {"10.255.255.255", false, false},
    {"172.16.0.1", false, false},
    {"172.31.255.255", false, false},
    {"192.168.1.1", false, false},
    {"169.254.169.254", false, false},
    {"100.64.0.1", false, false},
    {"100.127.255.255", false, false},
    {"0.0.0.0", false, false},
    {"0.1.2.3", false, false},
    {"224.0.0.1", false, false},
    {"239.255.255.250", false, false},
    {"240.0.0.1", false, false},
    {"255.255.255.255", false, false},
    {"192.0.2.1", false, false},
    {"198.18.0.1", false, false},
    {"2606:4700:4700::1111", true, true},
    {"2a01:4f8::1", true, true},
    {"::1", false, true},
    {"::", false, false},
    {"fc00::1", false, false},
    {"fd12:3456:789a::1", false, false},
    {"fe80::1", false, false},
    {"febf::1", false, false},
    {"ff02::1", false, false},
    {"ff0e::1", false, false},
    {"2001:db8::1", false, false},
    {"::ffff:8.8.8.8", true, true},
    {"::ffff:127.0.0.1", false, true},
    {"::ffff:10.0.0.1", false, false},
    {"::ffff:172.16.5.4", false, false},
    {"::ffff:192.168.0.1", false, false},
    {"::ffff:169.254.169.254", false, false},
    {"::ffff:100.64.0.1", false, false},
    {"::ffff:0.0.0.0", false, false},
    {"::ffff:224.0.0.1", false, false},
    {"::ffff:255.255.255.255", false, false},
    {"::10.0.0.1", false, false},
    {"::127.0.0.1", false, false},
    {"64:ff9b::10.0.0.1", false, false},
    {"64:ff9b::8.8.8.8", true, true},
    {"2002:a00:1::1", false, false}, /* 6to4 of 10.0.0.1 */
    {"2002:808:808::1", true, true}, /* 6to4 of 8.8.8.8 */
};

START_TEST(test_address_table)
{
	const char *addr = addresses[_i].addr;
	struct sockaddr_storage ss = {0};
	if (strchr(addr, ':') != NULL) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		s6->sin6_family = AF_INET6;
		ck_assert_int_eq(inet_pton(AF_INET6, addr, &s6->sin6_addr), 1);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		s4->sin_family = AF_INET;
		ck_assert_int_eq(inet_pton(AF_INET, addr, &s4->sin_addr), 1);
	}
	ck_assert_msg(fetch_address_allowed((struct sockaddr *)&ss, false) == addresses[_i].allowed,
		      "%s: wrong answer without the loopback flag", addr);
	ck_assert_msg(fetch_address_allowed((struct sockaddr *)&ss, true) ==
			  addresses[_i].allowed_loopback,
		      "%s: wrong answer with the loopback flag", addr);
}
END_TEST

START_TEST(test_address_other_families)
{
	struct sockaddr_un un = {.sun_family = AF_UNIX};
	ck_assert(!fetch_address_allowed((struct sockaddr *)&un, true));
	ck_assert(!fetch_address_allowed(NULL, true));
}
END_TEST

/* --- fetches ------------------------------------------------------------------------------ */

START_TEST(test_refused_without_flag)
{
	fetch_cleanup();
	fetch_init(NULL); /* production defaults: https only, no loopback */
	struct err err = {0};
	struct fetch_response resp;
	ck_assert_int_eq(fetch_get(arena, url("/doc"), NULL, &signer, &resp, &err), -1);
	ck_assert_int_eq(err.code, ERR_FORBIDDEN);
	ck_assert_ptr_nonnull(strstr(err.detail, "127.0.0.1"));
	ck_assert_ptr_null(strstr(err.detail, "/doc"));
	err_clear(&err);
	const char *https = arena_printf(arena, "https://127.0.0.1:%d/doc", port);
	ck_assert_int_eq(fetch_get(arena, https, NULL, &signer, &resp, &err), -1);
	ck_assert_int_eq(err.code, ERR_FORBIDDEN);
	err_clear(&err);
	ck_assert_int_eq(fetch_post(arena, https, NULL, "{}", 2, &signer, &resp, &err), -1);
	ck_assert_int_eq(err.code, ERR_FORBIDDEN);
	err_clear(&err);
	ck_assert_int_eq(fetch_get(arena, "ftp://example.org/x", NULL, NULL, &resp, &err), -1);
	ck_assert_int_eq(err.code, ERR_FORBIDDEN);
	ck_assert_int_eq(requests_seen(), 0); /* nothing reached the server */
}
END_TEST

START_TEST(test_get_signed)
{
	struct err err = {0};
	struct fetch_response resp;
	ck_assert_int_eq(fetch_get(arena, url("/doc?page=2"), NULL, &signer, &resp, &err), 0);
	ck_assert_int_eq(resp.status, 200);
	ck_assert_str_eq(resp.body, "{\"hello\":\"world\"}");
	ck_assert_uint_eq(resp.len, 17);
	ck_assert_str_eq(resp.content_type, "application/activity+json");
	ck_assert_str_eq(resp.url, url("/doc?page=2"));
	ck_assert_int_eq(seen.requests, 1);
	ck_assert_msg(seen.verified == 1, "signature refused: %s", seen.failure);
	ck_assert_str_eq(seen.method, "GET");
	ck_assert_str_eq(seen.target, "/doc?page=2");
	ck_assert_ptr_nonnull(strstr(seen.signature, "headers=\"(request-target) host date\""));
	ck_assert_ptr_nonnull(strstr(seen.signature, "keyId=\"" KEY_ID "\""));
	ck_assert_ptr_nonnull(strstr(seen.accept, "application/activity+json"));
	ck_assert_str_eq(seen.digest, "");

	/* a caller's Accept, and an unsigned fetch */
	ck_assert_int_eq(fetch_get(arena, url("/doc"), "application/jrd+json", NULL, &resp, &err),
			 0);
	ck_assert_str_eq(seen.accept, "application/jrd+json");
	ck_assert_int_eq(seen.unsigned_requests, 1);
	ck_assert_int_eq(seen.verified, 1);

	/* a 404 is a response, not an error */
	ck_assert_int_eq(fetch_get(arena, url("/missing"), NULL, &signer, &resp, &err), 0);
	ck_assert_int_eq(resp.status, 404);
}
END_TEST

START_TEST(test_post_digest)
{
	struct err err = {0};
	struct fetch_response resp;
	const char *body = "{\"type\":\"Follow\",\"actor\":\"https://parasol.test/actor\"}";
	ck_assert_int_eq(
	    fetch_post(arena, url("/inbox"), NULL, body, strlen(body), &signer, &resp, &err), 0);
	ck_assert_int_eq(resp.status, 202);
	ck_assert_msg(seen.verified == 1, "signature refused: %s", seen.failure);
	ck_assert_str_eq(seen.method, "POST");
	ck_assert_str_eq(seen.body, body);
	ck_assert_str_eq(seen.digest, httpsig_digest(arena, body, strlen(body)));
	ck_assert_str_eq(seen.content_type, "application/activity+json");
	ck_assert_ptr_nonnull(
	    strstr(seen.signature, "headers=\"(request-target) host date digest\""));

	/* a larger body, another content type */
	char *big = arena_alloc(arena, 5001);
	memset(big, 'b', 5000);
	ck_assert_int_eq(fetch_post(arena, url("/inbox"), "application/ld+json", big, 5000, &signer,
				    &resp, &err),
			 0);
	/* sent at once, not after waiting for a 100 Continue that some servers never send */
	ck_assert_str_eq(seen.expect, "");
	ck_assert_int_eq(seen.verified, 2);
	ck_assert_str_eq(seen.content_type, "application/ld+json");
}
END_TEST

START_TEST(test_too_large)
{
	struct err err = {0};
	struct fetch_response resp;
	/* exactly the limit is fine, either way it is sent */
	ck_assert_int_eq(fetch_get(arena, url("/bytes?n=65536"), NULL, NULL, &resp, &err), 0);
	ck_assert_uint_eq(resp.len, 65536);
	ck_assert_int_eq(fetch_get(arena, url("/bytes?n=65536&chunked=1"), NULL, NULL, &resp, &err),
			 0);
	ck_assert_uint_eq(resp.len, 65536);
	ck_assert_int_eq(resp.body[65536], '\0');
	/* one byte more is refused: announced by Content-Length, or found while reading */
	ck_assert_int_eq(fetch_get(arena, url("/bytes?n=65537"), NULL, NULL, &resp, &err), -1);
	ck_assert_int_eq(err.code, ERR_TOO_LARGE);
	err_clear(&err);
	ck_assert_int_eq(fetch_get(arena, url("/bytes?n=65537&chunked=1"), NULL, NULL, &resp, &err),
			 -1);
	ck_assert_int_eq(err.code, ERR_TOO_LARGE);
	err_clear(&err);
	ck_assert_int_eq(
	    fetch_get(arena, url("/bytes?n=3000000&chunked=1"), NULL, NULL, &resp, &err), -1);
	ck_assert_int_eq(err.code, ERR_TOO_LARGE);
}
END_TEST

START_TEST(test_timeout)
{
	struct err err = {0};
	struct fetch_response resp;
	double t0 = now_s();
	ck_assert_int_eq(fetch_get(arena, url("/slow"), NULL, &signer, &resp, &err), -1);
	double took = now_s() - t0;
	/* /slow answers after 3 s: an answer (0) would mean no timeout; none came before the
	 * configured second */
	ck_assert_int_eq(err.code, ERR_UNAVAILABLE);
	ck_assert_msg(took > 0.8, "took %.2f s", took);
}
END_TEST

START_TEST(test_unreachable)
{
	/* a port nobody listens on: bind one, note it, close it */
	struct err err = {0};
	struct fetch_response resp;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sin = {.sin_family = AF_INET};
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t len = sizeof sin;
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof sin), 0);
	getsockname(fd, (struct sockaddr *)&sin, &len);
	close(fd);
	const char *u = arena_printf(arena, "http://127.0.0.1:%d/", ntohs(sin.sin_port));
	ck_assert_int_eq(fetch_get(arena, u, NULL, NULL, &resp, &err), -1);
	ck_assert_int_eq(err.code, ERR_UNAVAILABLE);
	err_clear(&err);
	ck_assert_int_eq(fetch_get(arena, "http://exa mple.org/", NULL, NULL, &resp, &err), -1);
	ck_assert_int_eq(err.code, ERR_INVALID);
	err_clear(&err);
	ck_assert_int_eq(fetch_get(arena, "not a url", NULL, NULL, &resp, &err), -1);
	ck_assert_int_eq(err.code, ERR_INVALID);
}
END_TEST

START_TEST(test_redirects)
{
	struct err err = {0};
	struct fetch_response resp;
	ck_assert_int_eq(fetch_get(arena, url("/redir/3"), NULL, &signer, &resp, &err), 0);
	ck_assert_int_eq(resp.status, 200);
	ck_assert_str_eq(resp.body, "end");
	ck_assert_str_eq(resp.url, url("/redir/0"));
	ck_assert_int_eq(seen.requests, 4);
	ck_assert_int_eq(seen.verified, 4); /* every hop signed for its own target */
	ck_assert_int_eq(fetch_get(arena, url("/redir/4"), NULL, &signer, &resp, &err), -1);
	ck_assert_int_eq(err.code, ERR_UNAVAILABLE);
	ck_assert_int_eq(seen.requests, 8); /* the fifth hop was never asked for */

	fetch_cleanup();
	struct fetch_options o = FETCH_OPTIONS_INIT;
	o.allow_loopback_http = true;
	o.max_redirects = 0;
	fetch_init(&o);
	ck_assert_int_eq(fetch_get(arena, url("/redir/1"), NULL, &signer, &resp, &err), -1);
	ck_assert_int_eq(fetch_get(arena, url("/redir/0"), NULL, &signer, &resp, &err), 0);
}
END_TEST

START_TEST(test_redirect_to_private)
{
	/* Nothing listens on these: a connection attempt would end in a timeout or a refused
	 * connection (ERR_UNAVAILABLE), never in ERR_FORBIDDEN, which only the address check
	 * gives, before any connection. */
	const char *targets[] = {
	    "http://10.0.0.1/x",
	    "http://192.168.1.1/",
	    "http://169.254.169.254/latest/meta-data/",
	    "http://[::ffff:10.0.0.1]/",
	    "http://[fd00::1]/",
	    "http://100.64.0.1/",
	    "http://0.0.0.0:1/",
	};
	for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++) {
		struct err err = {0};
		struct fetch_response resp;
		const char *start = arena_printf(arena, "/to?u=%s", targets[i]);
		ck_assert_int_eq(fetch_get(arena, url(start), NULL, &signer, &resp, &err), -1);
		ck_assert_msg(err.code == ERR_FORBIDDEN, "%s: %s", targets[i], err.detail);
		/* and directly, too */
		err_clear(&err);
		ck_assert_int_eq(fetch_get(arena, targets[i], NULL, NULL, &resp, &err), -1);
		ck_assert_int_eq(err.code, ERR_FORBIDDEN);
	}
}
END_TEST

START_TEST(test_post_redirects)
{
	struct err err = {0};
	struct fetch_response resp;
	ck_assert_int_eq(
	    fetch_post(arena, url("/post307"), NULL, "{\"a\":1}", 7, &signer, &resp, &err), 0);
	ck_assert_int_eq(resp.status, 202);
	ck_assert_int_eq(seen.requests, 2);
	ck_assert_int_eq(seen.verified, 2);
	ck_assert_str_eq(seen.target, "/inbox");
	ck_assert_str_eq(seen.body, "{\"a\":1}");
	/* a 302 to a POST is handed back, not turned into a GET */
	ck_assert_int_eq(fetch_post(arena, url("/post302"), NULL, "{}", 2, &signer, &resp, &err),
			 0);
	ck_assert_int_eq(resp.status, 302);
	ck_assert_int_eq(seen.requests, 3);
}
END_TEST

START_TEST(test_connection_reused)
{
	/* consecutive requests to one host, a 404 and a POST among them, share one connection */
	struct err err = {0};
	struct fetch_response resp;
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(fetch_get(arena, url("/doc"), NULL, &signer, &resp, &err), 0);
		ck_assert_int_eq(resp.status, 200);
	}
	ck_assert_int_eq(fetch_get(arena, url("/missing"), NULL, &signer, &resp, &err), 0);
	ck_assert_int_eq(resp.status, 404);
	ck_assert_int_eq(fetch_post(arena, url("/inbox"), NULL, "{}", 2, &signer, &resp, &err), 0);
	ck_assert_int_eq(resp.status, 202);
	ck_assert_int_eq(requests_seen(), 5);
	ck_assert_int_eq(seen.verified, 5);
	ck_assert_int_eq(connections_seen(), 1);
	/* an aborted transfer (too large) leaves no connection to reuse: a new one is made */
	ck_assert_int_eq(fetch_get(arena, url("/bytes?n=100000"), NULL, NULL, &resp, &err), -1);
	ck_assert_int_eq(fetch_get(arena, url("/doc"), NULL, NULL, &resp, &err), 0);
	ck_assert_int_eq(connections_seen(), 2);
}
END_TEST

START_TEST(test_reuse_ends_with_new_options)
{
	/* a connection opened under some options is not reused under new ones */
	struct err err = {0};
	struct fetch_response resp;
	ck_assert_int_eq(fetch_get(arena, url("/doc"), NULL, NULL, &resp, &err), 0);
	ck_assert_int_eq(connections_seen(), 1);
	fetch_init(NULL); /* production: https only, no loopback */
	ck_assert_int_eq(fetch_get(arena, url("/doc"), NULL, NULL, &resp, &err), -1);
	ck_assert_int_eq(err.code, ERR_FORBIDDEN);
	ck_assert_int_eq(requests_seen(), 1);
	init_loopback();
	err_clear(&err);
	ck_assert_int_eq(fetch_get(arena, url("/doc"), NULL, NULL, &resp, &err), 0);
	ck_assert_int_eq(connections_seen(), 2);
}
END_TEST

START_TEST(test_bad_signer)
{
	struct err err = {0};
	struct fetch_response resp;
	struct fetch_signer bad = {KEY_ID, "not a key"};
	ck_assert_int_eq(fetch_get(arena, url("/doc"), NULL, &bad, &resp, &err), -1);
	ck_assert_int_eq(err.code, ERR_INTERNAL);
	ck_assert_int_eq(requests_seen(), 0);
}
END_TEST

static Suite *
fetch_suite(void)
{
	Suite *s = suite_create("fetch");
	TCase *addr = tcase_create("address");
	tcase_add_loop_test(addr, test_address_table, 0,
			    (int)(sizeof addresses / sizeof addresses[0]));
	tcase_add_test(addr, test_address_other_families);
	suite_add_tcase(s, addr);

	TCase *net = tcase_create("loopback");
	tcase_add_checked_fixture(net, setup, teardown);
	tcase_set_timeout(net, 30);
	tcase_add_test(net, test_refused_without_flag);
	tcase_add_test(net, test_get_signed);
	tcase_add_test(net, test_post_digest);
	tcase_add_test(net, test_too_large);
	tcase_add_test(net, test_timeout);
	tcase_add_test(net, test_unreachable);
	tcase_add_test(net, test_redirects);
	tcase_add_test(net, test_redirect_to_private);
	tcase_add_test(net, test_post_redirects);
	tcase_add_test(net, test_bad_signer);
	tcase_add_test(net, test_connection_reused);
	tcase_add_test(net, test_reuse_ends_with_new_options);
	suite_add_tcase(s, net);
	return s;
}

int
main(void)
{
	log_set_level(LOG_ERROR); /* fetch_init warns about the test setting every time */
	struct err err = {0};
	struct arena *keys = arena_new();
	if (httpsig_keypair_generate(keys, &key_private, &key_public, &err) != 0) {
		fprintf(stderr, "key generation failed: %s\n", err.detail);
		return 1;
	}
	SRunner *sr = srunner_create(fetch_suite());
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	arena_free(keys);
	return failed ? 1 : 0;
}
