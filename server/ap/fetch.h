/* fetch.h - outbound HTTP for federation (libcurl): signed GETs and POSTs with timeouts, a
 * response size cap, redirects followed by hand, and an address check on every connection.
 *
 * Every connection libcurl opens goes through fetch_address_allowed first, so a name that
 * resolves (or is rebound) to a private address is refused before any packet is sent. Only
 * https is spoken unless the test-only allow_loopback_http is set. Redirects are followed
 * here, not by libcurl, so each hop is checked, re-dated and re-signed for its own host.
 * Each thread keeps one libcurl handle, so consecutive requests to a host reuse its
 * connection; a reused connection is one that was checked when opened, for the same scheme,
 * host and port. */
#ifndef PARASOL_AP_FETCH_H
#define PARASOL_AP_FETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

struct arena;
struct err;

struct fetch_options {
	long timeout_s;	    /* connect and whole-transfer limit, seconds (<= 0: 10) */
	size_t max_bytes;   /* largest response body accepted (0: 1 MiB) */
	long max_redirects; /* redirects followed per fetch (< 0: 0) */
	/* TEST ONLY: allows http:// and loopback addresses (127/8, ::1), so two instances can
	 * federate on one machine. Private, link-local and other ranges stay refused. */
	bool allow_loopback_http;
	const char *user_agent; /* NULL: "parasol" (copied) */
};

/* The defaults, as an initialiser. */
#define FETCH_OPTIONS_INIT                                                                         \
	{                                                                                          \
		.timeout_s = 10, .max_bytes = 1024 * 1024, .max_redirects = 3                      \
	}

/* Sets the options (NULL: the defaults) and initialises libcurl. Call once at start, before
 * any thread fetches; calling it again (tests) replaces the options. Pair with fetch_cleanup.
 * If libcurl can't start, the failure is logged and every fetch fails with ERR_INTERNAL. */
void fetch_init(const struct fetch_options *o);

/* Releases the calling thread's handle (with its connections) and libcurl's global state;
 * no fetch may be running, and the other threads that fetched must have exited (each
 * thread's handle is freed when it exits). Logs how many requests were signed and the CPU
 * time their signatures took, when there were some (the benchmark reads it). */
void fetch_cleanup(void);

/* Makes every transfer, running or started later, stop `seconds` from now (0: at once) with
 * ERR_UNAVAILABLE ("shutting down"), so that a process stopping waits for a slow peer no
 * longer than that (a delivery cut so is retried, by this process's successor or another
 * worker). For shutdown; it can't be undone. Thread-safe. */
void fetch_cancel_after(int seconds);

/* Who signs outgoing requests: the keyId URL and the PEM private key. */
struct fetch_signer {
	const char *key_id;
	const char *private_pem;
};

/* A completed exchange, whatever its status. Everything is owned by the arena. */
struct fetch_response {
	long status;
	const char *body; /* NUL-terminated (the body itself may hold NULs: see len) */
	size_t len;
	const char *content_type; /* NULL when the peer sent none */
	const char *url;	  /* where the response came from, after redirects */
};

/* Checks every hop of every fetch (the first URL and each redirect target) before it is
 * requested: returns true to go on, or false with err filled (the fetch then fails with that
 * error). The federation layer installs the allowlist here (ap/routes.c), so a redirect can't
 * lead to a server this community doesn't federate with. NULL (the default): no check. */
typedef bool (*fetch_hop_check_fn)(struct arena *a, const char *url, struct err *err);
void fetch_set_hop_check(fetch_hop_check_fn fn);

/* What one GET asks for, beyond the URL. */
struct fetch_request {
	const char *accept;		   /* NULL: ActivityStreams JSON */
	const struct fetch_signer *signer; /* NULL: unsigned */
	/* Refuse (ERR_FORBIDDEN) a redirect to another origin (scheme, host, port — the
	 * default port made explicit): an ActivityPub document must come from the origin of
	 * the URL it was asked at, or anyone with an open redirect on a peer could serve
	 * documents in that peer's name. */
	bool same_origin;
	/* The largest body accepted (ERR_TOO_LARGE past it); 0: fetch_options.max_bytes. Remote
	 * images take media_max_bytes. */
	size_t max_bytes;
};

/* fetch_get with the options of rq (NULL: the defaults). */
int fetch_get_with(struct arena *a, const char *url, const struct fetch_request *rq,
		   struct fetch_response *out, struct err *err);

/* The origin of an http(s) URL, "scheme://host:port" in lower case with the default port
 * made explicit, owned by the arena; NULL when url is not a URL. */
char *fetch_origin(struct arena *a, const char *url);

/* GETs url with Accept: accept (NULL: ActivityStreams JSON), signed over
 * "(request-target) host date" when signer is not NULL. 301/302/303/307/308 are followed up
 * to max_redirects. Returns 0 with *out filled for any HTTP status (4xx/5xx included: the
 * caller decides), or -1 with err: ERR_FORBIDDEN (scheme or address refused, https->http
 * redirect), ERR_TOO_LARGE (body past max_bytes), ERR_UNAVAILABLE (network failure,
 * timeout, too many redirects), ERR_INVALID (malformed URL), ERR_INTERNAL. err->detail names
 * the host, never the path or query. */
int fetch_get(struct arena *a, const char *url, const char *accept,
	      const struct fetch_signer *signer, struct fetch_response *out, struct err *err);

/* POSTs len bytes of body as content_type (NULL: application/activity+json) with a
 * Digest header, signed over "(request-target) host date digest" when signer is not NULL.
 * Only 307 and 308 are followed (re-POSTed and re-signed), each target through the hop check;
 * other redirects are returned as responses. Whether url itself may be reached is the
 * caller's decision (deliveries: ap/deliver.c, which lets a removed peer's farewell Reject
 * and Undo through). Results and errors as fetch_get. */
int fetch_post(struct arena *a, const char *url, const char *content_type, const char *body,
	       size_t len, const struct fetch_signer *signer, struct fetch_response *out,
	       struct err *err);

/* Whether a connection to sa may be opened: refuses unspecified, loopback, private (10/8,
 * 172.16/12, 192.168/16, fc00::/7), CGNAT (100.64/10), link-local (169.254/16, fe80::/10),
 * multicast, broadcast, "this network" (0/8), reserved (240/4) and documentation/benchmark
 * ranges, and the IPv4-mapped, IPv4-compatible, NAT64 and 6to4 forms of refused IPv4
 * addresses. With allow_loopback, 127/8 and ::1 (and ::ffff:127.x) are allowed too. */
bool fetch_address_allowed(const struct sockaddr *sa, bool allow_loopback);

#endif
