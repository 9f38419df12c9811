/* fetch.c - outbound HTTP with libcurl, for federation. libcurl's own redirect following is
 * off so each hop is checked and signed here.
 *
 * Connections are reused: each thread keeps one easy handle (reset before every hop), whose
 * connection cache keeps up to FETCH_KEEP_CONNS idle connections, so consecutive deliveries
 * to one inbox by a worker thread go over one TLS connection. That weakens no check: libcurl
 * reuses a connection only for the scheme, host and port it was opened for, and every
 * connection it opens — to a new host, after a redirect, or when the old one died — goes
 * through on_open_socket and fetch_address_allowed first. fetch_init and fetch_cleanup move
 * a generation on, and a handle made under older options is dropped with its connections
 * before its next use (so that a connection opened while loopback was allowed can't outlive
 * that setting). */
#include "ap/fetch.h"

#include <curl/curl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include "ap/httpsig.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/log.h"
#include "util/strbuf.h"

#define DEFAULT_ACCEPT                                                                             \
	"application/activity+json, application/ld+json; "                                         \
	"profile=\"https://www.w3.org/ns/activitystreams\""
#define DEFAULT_CONTENT_TYPE "application/activity+json"

static struct {
	struct fetch_options o;
	char user_agent[128];
	bool ready;
} cfg;

#define FETCH_KEEP_CONNS 4     /* idle connections kept per thread */
#define FETCH_CONN_MAX_AGE_S 60 /* an idle connection older than this is not reused */

static fetch_hop_check_fn hop_check; /* set once at start, before any thread fetches */

void
fetch_set_hop_check(fetch_hop_check_fn fn)
{
	hop_check = fn;
}

/* Moves on whenever the options change; a thread's handle remembers the one it was made at. */
static atomic_uint options_generation;

/* The calling thread's handle (one per thread, never shared: libcurl handles aren't). */
struct thread_handle {
	CURL *curl;
	unsigned generation;
};

static pthread_key_t handle_key;
static pthread_once_t handle_once = PTHREAD_ONCE_INIT;

static void
handle_free(void *p)
{
	struct thread_handle *h = p;
	if (h != NULL)
		curl_easy_cleanup(h->curl);
	free(h);
}

static void
make_handle_key(void)
{
	pthread_key_create(&handle_key, handle_free);
}

/* Closes the calling thread's handle and its connections. */
static void
thread_handle_drop(void)
{
	pthread_once(&handle_once, make_handle_key);
	handle_free(pthread_getspecific(handle_key));
	pthread_setspecific(handle_key, NULL);
}

/* The calling thread's handle, reset for a new transfer (its connections kept), or NULL
 * when libcurl can't make one. */
static CURL *
thread_handle(void)
{
	pthread_once(&handle_once, make_handle_key);
	struct thread_handle *h = pthread_getspecific(handle_key);
	unsigned gen = atomic_load(&options_generation);
	if (h != NULL && h->generation != gen) {
		thread_handle_drop();
		h = NULL;
	}
	if (h == NULL) {
		if ((h = calloc(1, sizeof *h)) == NULL)
			return NULL;
		if ((h->curl = curl_easy_init()) == NULL) {
			free(h);
			return NULL;
		}
		h->generation = gen;
		pthread_setspecific(handle_key, h);
		return h->curl;
	}
	curl_easy_reset(h->curl);
	return h->curl;
}

void
fetch_init(const struct fetch_options *o)
{
	struct fetch_options defaults = FETCH_OPTIONS_INIT;
	cfg.o = o != NULL ? *o : defaults;
	if (cfg.o.timeout_s <= 0)
		cfg.o.timeout_s = defaults.timeout_s;
	if (cfg.o.max_bytes == 0)
		cfg.o.max_bytes = defaults.max_bytes;
	if (cfg.o.max_redirects < 0)
		cfg.o.max_redirects = 0;
	snprintf(cfg.user_agent, sizeof cfg.user_agent, "%s",
		 cfg.o.user_agent != NULL ? cfg.o.user_agent : "parasol");
	cfg.o.user_agent = cfg.user_agent;
	atomic_fetch_add(&options_generation, 1);
	if (cfg.o.allow_loopback_http)
		log_msg(LOG_WARN,
			"fetch: plain http and loopback addresses allowed (test setting)");
	if (!cfg.ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			log_msg(LOG_CRIT, "fetch: libcurl failed to initialise");
		else
			cfg.ready = true;
	}
}

/* Requests signed since the process started, and the CPU time their signatures took (the
 * signing string and RSA; the body's digest is counted with the request): the benchmark's
 * fan-out figure, logged when federation stops. */
static _Atomic uint64_t signed_requests, signing_ns;

void
fetch_cleanup(void)
{
	uint64_t n = atomic_load(&signed_requests);
	if (n > 0)
		log_msg(LOG_INFO, "signed %llu requests in %.3f s of CPU", (unsigned long long)n,
			(double)atomic_load(&signing_ns) / 1e9);
	atomic_fetch_add(&options_generation, 1);
	thread_handle_drop();
	if (cfg.ready)
		curl_global_cleanup();
	cfg.ready = false;
}

/* --- the address check -------------------------------------------------------------------- */

/* Whether the IPv4 address (host byte order) may be connected to. */
static bool
v4_allowed(uint32_t a, bool allow_loopback)
{
	static const struct {
		uint32_t net;
		int bits;
	} refused[] = {
	    {0x00000000, 8},  /* "this network", 0.0.0.0 */
	    {0x0a000000, 8},  /* 10/8 private */
	    {0x64400000, 10}, /* 100.64/10 CGNAT */
	    {0x7f000000, 8},  /* 127/8 loopback */
	    {0xa9fe0000, 16}, /* 169.254/16 link-local */
	    {0xac100000, 12}, /* 172.16/12 private */
	    {0xc0000000, 24}, /* 192.0.0/24 IETF protocol assignments */
	    {0xc0000200, 24}, /* 192.0.2/24 documentation */
	    {0xc0586300, 24}, /* 192.88.99/24 6to4 relay */
	    {0xc0a80000, 16}, /* 192.168/16 private */
	    {0xc6120000, 15}, /* 198.18/15 benchmarking */
	    {0xc6336400, 24}, /* 198.51.100/24 documentation */
	    {0xcb007100, 24}, /* 203.0.113/24 documentation */
	    {0xe0000000, 4},  /* 224/4 multicast */
	    {0xf0000000, 4},  /* 240/4 reserved, 255.255.255.255 broadcast */
	};
	if (allow_loopback && (a >> 24) == 127)
		return true;
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		uint32_t mask = 0xffffffffu << (32 - refused[i].bits);
		if ((a & mask) == refused[i].net)
			return false;
	}
	return true;
}

static uint32_t
v4_at(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static bool
v6_allowed(const uint8_t b[16], bool allow_loopback)
{
	static const uint8_t zero[12] = {0};
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	static const uint8_t nat64[12] = {0, 0x64, 0xff, 0x9b};
	if (memcmp(b, zero, 12) == 0) {
		uint32_t v4 = v4_at(b + 12);
		if (v4 == 0) /* :: */
			return false;
		if (v4 == 1) /* ::1 */
			return allow_loopback;
		return v4_allowed(v4, false); /* ::a.b.c.d, the deprecated compatible form */
	}
	if (memcmp(b, mapped, 12) == 0) /* ::ffff:a.b.c.d */
		return v4_allowed(v4_at(b + 12), allow_loopback);
	if (memcmp(b, nat64, 12) == 0) /* 64:ff9b::a.b.c.d */
		return v4_allowed(v4_at(b + 12), false);
	if (b[0] == 0x20 && b[1] == 0x02) /* 2002::/16 6to4 embeds an IPv4 address */
		return v4_allowed(v4_at(b + 2), false);
	if ((b[0] & 0xfe) == 0xfc) /* fc00::/7 unique local */
		return false;
	if (b[0] == 0xfe && (b[1] & 0x80) == 0x80) /* fe80::/10 link-local, fec0::/10 site-local */
		return false;
	if (b[0] == 0xff) /* multicast */
		return false;
	if (b[0] == 0x20 && b[1] == 0x01 && b[2] < 0x02) /* 2001::/23 IETF: Teredo, benchmarks */
		return false;
	if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) /* documentation */
		return false;
	if (b[0] == 0x01 && b[1] == 0 && memcmp(b + 2, zero, 6) == 0) /* 100::/64 discard */
		return false;
	if (b[0] == 0 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b) /* 64:ff9b::/32 NAT64 */
		return false;
	if (b[0] == 0) /* ::/8 reserved (the IPv4 forms were handled above) */
		return false;
	return true;
}

bool
fetch_address_allowed(const struct sockaddr *sa, bool allow_loopback)
{
	if (sa == NULL)
		return false;
	if (sa->sa_family == AF_INET) {
		struct sockaddr_in in;
		memcpy(&in, sa, sizeof in);
		return v4_allowed(ntohl(in.sin_addr.s_addr), allow_loopback);
	}
	if (sa->sa_family == AF_INET6) {
		struct sockaddr_in6 in6;
		memcpy(&in6, sa, sizeof in6);
		return v6_allowed(in6.sin6_addr.s6_addr, allow_loopback);
	}
	return false;
}

/* --- one transfer ------------------------------------------------------------------------- */

struct transfer {
	struct strbuf body;
	size_t max;
	bool too_large;
	bool refused;	/* an address was refused before connecting */
	bool cancelled; /* fetch_cancel_after's time came */
};

/* CLOCK_MONOTONIC milliseconds after which transfers stop (fetch_cancel_after); 0: never. */
static _Atomic int64_t cancel_at_ms;

static int64_t
monotonic_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
fetch_cancel_after(int seconds)
{
	atomic_store(&cancel_at_ms, monotonic_ms() + (int64_t)(seconds > 0 ? seconds : 0) * 1000);
}

/* libcurl calls it about once a second, and whenever data moves: non-zero aborts. */
static int
on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	struct transfer *t = ud;
	int64_t at = atomic_load(&cancel_at_ms);
	if (at != 0 && monotonic_ms() >= at) {
		t->cancelled = true;
		return 1;
	}
	return 0;
}

static size_t
on_data(char *data, size_t size, size_t n, void *ud)
{
	struct transfer *t = ud;
	size_t len = size * n;
	if (len > t->max - t->body.len) {
		t->too_large = true;
		return 0; /* aborts the transfer */
	}
	strbuf_append(&t->body, data, len);
	return len;
}

static curl_socket_t
on_open_socket(void *ud, curlsocktype purpose, struct curl_sockaddr *addr)
{
	struct transfer *t = ud;
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof ss);
	memcpy(&ss, &addr->addr, addr->addrlen < sizeof ss ? addr->addrlen : sizeof ss);
	if (purpose != CURLSOCKTYPE_IPCXN ||
	    !fetch_address_allowed((struct sockaddr *)&ss, cfg.o.allow_loopback_http)) {
		t->refused = true;
		return CURL_SOCKET_BAD;
	}
	return socket(addr->family, addr->socktype | SOCK_CLOEXEC, addr->protocol);
}

/* What one request (one hop) sends. */
struct hop {
	const char *method; /* "GET" or "POST" */
	const char *accept;
	const char *content_type;
	const char *body;
	size_t len;
	const struct fetch_signer *signer;
	EVP_PKEY *key;
	size_t max_bytes;   /* this request's body cap (0: the configured one) */
	bool first_checked; /* the caller checked the first URL: only redirects go to hop_check */
};

/* The parts of a URL the request is built from. */
struct target {
	bool https;
	const char *host;     /* for messages */
	const char *hostport; /* the Host header */
	const char *path;     /* path and query: the request target */
};

/* Parses and checks url into u and t. */
static int
parse_url(struct arena *a, CURLU *u, const char *url, struct target *t, struct err *err)
{
	char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL, *query = NULL;
	char *user = NULL;
	int rc = -1;
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PATH, &path, 0) != CURLUE_OK) {
		err_set(err, ERR_INVALID, "The address is not a valid URL.", "malformed URL");
		goto done;
	}
	curl_url_get(u, CURLUPART_PORT, &port, 0);
	curl_url_get(u, CURLUPART_QUERY, &query, 0);
	curl_url_get(u, CURLUPART_USER, &user, 0);
	t->host = arena_strdup(a, host);
	t->https = strcasecmp(scheme, "https") == 0;
	if (!t->https && !(cfg.o.allow_loopback_http && strcasecmp(scheme, "http") == 0)) {
		err_set(err, ERR_FORBIDDEN, "Only https addresses can be fetched.",
			"fetch %s: scheme %s refused", t->host, scheme);
		goto done;
	}
	if (user != NULL) {
		err_set(err, ERR_INVALID, "The address must not hold credentials.",
			"fetch %s: URL with credentials", t->host);
		goto done;
	}
	t->hostport = port != NULL ? arena_printf(a, "%s:%s", host, port) : t->host;
	t->path = query != NULL ? arena_printf(a, "%s?%s", path, query) : arena_strdup(a, path);
	rc = 0;
done:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(path);
	curl_free(query);
	curl_free(user);
	return rc;
}

/* The request headers, signed when the hop has a key; NULL + err on failure. */
static struct curl_slist *
request_headers(struct arena *a, const struct hop *h, const struct target *t, struct err *err)
{
	struct httpsig_header hv[4];
	size_t n = 0;
	hv[n++] = (struct httpsig_header){"Host", t->hostport};
	hv[n++] = (struct httpsig_header){"Date", httpsig_date(a, time(NULL))};
	if (h->body != NULL) {
		hv[n++] = (struct httpsig_header){"Digest", httpsig_digest(a, h->body, h->len)};
		hv[n++] = (struct httpsig_header){"Content-Type", h->content_type};
	} else {
		hv[n++] = (struct httpsig_header){"Accept", h->accept};
	}
	const char *sig = NULL;
	if (h->key != NULL) {
		struct timespec t0, t1;
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
		sig = httpsig_sign(a, h->key, h->signer->key_id, h->method, t->path, hv, n, err);
		if (sig == NULL)
			return NULL;
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
		atomic_fetch_add(&signed_requests, 1);
		atomic_fetch_add(&signing_ns, (uint64_t)((t1.tv_sec - t0.tv_sec) * 1000000000LL +
							 (t1.tv_nsec - t0.tv_nsec)));
	}
	struct curl_slist *list = NULL, *next;
	const char *lines[6];
	size_t nlines = 0;
	for (size_t i = 0; i < n; i++)
		lines[nlines++] = arena_printf(a, "%s: %s", hv[i].name, hv[i].value);
	if (sig != NULL)
		lines[nlines++] = arena_printf(a, "Signature: %s", sig);
	lines[nlines++] = "Expect:"; /* no 100-continue round trip before a body */
	for (size_t i = 0; i < nlines; i++) {
		if ((next = curl_slist_append(list, lines[i])) == NULL) {
			curl_slist_free_all(list);
			err_set(err, ERR_INTERNAL, NULL, "curl_slist_append failed");
			return NULL;
		}
		list = next;
	}
	return list;
}

static bool
follows(const char *method, long status)
{
	if (status == 307 || status == 308)
		return true;
	return strcmp(method, "GET") == 0 && status >= 301 && status <= 303;
}

/* Maps a failed transfer to an error. */
static int
transfer_error(const struct transfer *tr, CURLcode code, const struct hop *h,
	       const struct target *t, struct err *err)
{
	if (tr->too_large || code == CURLE_FILESIZE_EXCEEDED)
		return err_set(err, ERR_TOO_LARGE, "The remote answer is too large.",
			       "%s %s: response larger than %zu bytes", h->method, t->host,
			       tr->max);
	if (tr->cancelled)
		return err_set(err, ERR_UNAVAILABLE, "The server is shutting down.",
			       "%s %s: cancelled, shutting down", h->method, t->host);
	if (tr->refused && code == CURLE_COULDNT_CONNECT)
		return err_set(err, ERR_FORBIDDEN, "That address can't be fetched.",
			       "%s %s: address refused", h->method, t->host);
	return err_set(err, ERR_UNAVAILABLE, "The remote server could not be reached.", "%s %s: %s",
		       h->method, t->host, curl_easy_strerror(code));
}

/* Sends one request to url; fills *out, and *next with the redirect target when the
 * response is a redirect to follow. */
static int
one_hop(struct arena *a, const struct hop *h, const char *url, bool from_https,
	struct fetch_response *out, char **next, struct err *err)
{
	int rc = -1;
	*next = NULL;
	struct target t = {0};
	size_t max = h->max_bytes ? h->max_bytes : cfg.o.max_bytes;
	struct transfer tr = {.max = max};
	strbuf_init(&tr.body, a);
	struct curl_slist *headers = NULL;
	CURL *c = NULL;
	CURLU *u = curl_url();
	if (u == NULL) {
		err_set(err, ERR_INTERNAL, NULL, "curl_url failed");
		goto done;
	}
	if (parse_url(a, u, url, &t, err) != 0)
		goto done;
	if (from_https && !t.https) {
		err_set(err, ERR_FORBIDDEN, "A redirect from https to http was refused.",
			"%s %s: redirect to http refused", h->method, t.host);
		goto done;
	}
	if ((headers = request_headers(a, h, &t, err)) == NULL)
		goto done;
	if ((c = thread_handle()) == NULL) {
		err_set(err, ERR_INTERNAL, NULL, "curl_easy_init failed");
		goto done;
	}
	curl_easy_setopt(c, CURLOPT_CURLU, u);
	curl_easy_setopt(c, CURLOPT_MAXCONNECTS, (long)FETCH_KEEP_CONNS);
	curl_easy_setopt(c, CURLOPT_MAXAGE_CONN, (long)FETCH_CONN_MAX_AGE_S);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR,
			 cfg.o.allow_loopback_http ? "http,https" : "https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_PROXY, ""); /* never a proxy from the environment */
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, cfg.o.timeout_s);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, cfg.o.timeout_s);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, cfg.o.user_agent);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &tr);
	curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
	curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &tr);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, &tr);
	if (h->body != NULL) {
		curl_easy_setopt(c, CURLOPT_POST, 1L);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)h->len);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, h->body);
	}
	CURLcode code = curl_easy_perform(c);
	if (code != CURLE_OK) {
		transfer_error(&tr, code, h, &t, err);
		goto done;
	}
	char *ctype = NULL, *location = NULL, *effective = NULL;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
	curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ctype);
	curl_easy_getinfo(c, CURLINFO_EFFECTIVE_URL, &effective);
	out->body = tr.body.data;
	out->len = tr.body.len;
	out->content_type = arena_strdup(a, ctype);
	out->url = arena_strdup(a, effective != NULL ? effective : url);
	if (follows(h->method, out->status) &&
	    curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &location) == CURLE_OK && location != NULL)
		*next = arena_strdup(a, location);
	rc = 0;
done:
	if (c != NULL) /* the handle (and its connections) stays for the thread's next hop; what
			* it points to is freed below */
		curl_easy_reset(c);
	curl_slist_free_all(headers);
	curl_url_cleanup(u);
	return rc;
}

char *
fetch_origin(struct arena *a, const char *url)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *out = NULL;
	if (u != NULL && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK) {
		out = arena_printf(a, "%s://%s:%s", scheme, host, port);
		for (char *p = out; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
	}
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return out;
}

/* Runs h against url, following redirects (within url's origin when same_origin). */
static int
fetch_run(struct arena *a, struct hop *h, const char *url, bool same_origin,
	  struct fetch_response *out, struct err *err)
{
	memset(out, 0, sizeof *out);
	if (!cfg.ready)
		return err_set(err, ERR_INTERNAL, NULL, "fetch used before fetch_init");
	if (h->signer != NULL &&
	    (h->key = httpsig_load_private(a, h->signer->private_pem, err)) == NULL)
		return -1;
	const char *origin = same_origin ? fetch_origin(a, url) : NULL;
	if (same_origin && origin == NULL)
		return err_set(err, ERR_INVALID, "The address is not a valid URL.", "malformed URL");
	bool from_https = false;
	for (long hops = 0;; hops++) {
		char *next = NULL;
		if (hop_check != NULL && (hops > 0 || !h->first_checked) && !hop_check(a, url, err))
			return -1;
		if (one_hop(a, h, url, from_https, out, &next, err) != 0)
			return -1;
		if (next == NULL)
			return 0;
		if (hops == cfg.o.max_redirects)
			return err_set(
			    err, ERR_UNAVAILABLE, "The remote server redirects too often.",
			    "%s: more than %ld redirects", h->method, cfg.o.max_redirects);
		if (same_origin) {
			const char *to = fetch_origin(a, next);
			if (to == NULL || strcmp(to, origin) != 0)
				return err_set(err, ERR_FORBIDDEN,
					       "The remote server redirected to another server.",
					       "%s %s: redirect to another origin refused", h->method,
					       origin);
		}
		from_https = strncasecmp(url, "https:", 6) == 0;
		url = next;
	}
}

int
fetch_get_with(struct arena *a, const char *url, const struct fetch_request *rq,
	       struct fetch_response *out, struct err *err)
{
	struct fetch_request none = {0};
	if (rq == NULL)
		rq = &none;
	struct hop h = {.method = "GET",
			.accept = rq->accept != NULL ? rq->accept : DEFAULT_ACCEPT,
			.signer = rq->signer,
			.max_bytes = rq->max_bytes};
	return fetch_run(a, &h, url, rq->same_origin, out, err);
}

int
fetch_get(struct arena *a, const char *url, const char *accept, const struct fetch_signer *signer,
	  struct fetch_response *out, struct err *err)
{
	struct fetch_request rq = {.accept = accept, .signer = signer};
	return fetch_get_with(a, url, &rq, out, err);
}

int
fetch_post(struct arena *a, const char *url, const char *content_type, const char *body, size_t len,
	   const struct fetch_signer *signer, struct fetch_response *out, struct err *err)
{
	struct hop h = {.method = "POST",
			.content_type = content_type != NULL ? content_type : DEFAULT_CONTENT_TYPE,
			.body = body != NULL ? body : "",
			.len = body != NULL ? len : 0,
			.signer = signer,
			.first_checked = true};
	return fetch_run(a, &h, url, false, out, err);
}
