/* federation.c - the federation policy: normalising domains, the mode, the peers list (its
 * domains kept in memory, core/cache.h) and the contact attempts of unknown domains. */
#include "federation.h"

#include <arpa/inet.h>
#include <idn2.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cache.h"
#include "core/events.h"
#include "db/db.h"
#include "db/peers.h"
#include "db/settings.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/utf8.h"

#define MSG_EMPTY N_("Enter a domain, such as social.example.")
#define MSG_BAD                                                                                    \
	N_("That is not a domain. Enter it like social.example or social.example:8443, "           \
	   "without a path.")

/* Fills err with ERR_UNPROCESSABLE and message (shown to the admin); returns NULL. */
static char *
refuse(struct err *err, const char *message, const char *detail)
{
	err_set(err, ERR_UNPROCESSABLE, message, "%s", detail);
	return NULL;
}

/* Whether host (lower-case) is dot-separated labels of a-z, 0-9 and '-', each 1..63
 * characters and not starting or ending with '-'. */
static bool
host_valid(const char *host, size_t len)
{
	if (len == 0 || len > FEDERATION_HOST_MAX)
		return false;
	size_t label = 0;
	for (size_t i = 0; i <= len; i++) {
		char c = i < len ? host[i] : '.';
		if (c == '.') {
			if (label == 0 || label > 63 || host[i - 1] == '-')
				return false;
			label = 0;
		} else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') {
			if (label == 0 && c == '-')
				return false;
			label++;
		} else {
			return false;
		}
	}
	return true;
}

/* The A-label form of host, a name with letters outside ASCII (UTS #46 mapping, so upper
 * case and full-width forms map too), in the arena; NULL when libidn2 refuses it. */
static char *
host_to_ascii(struct arena *a, const char *host)
{
	char *out = NULL;
	if (idn2_to_ascii_8z(host, &out, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL) != IDN2_OK) {
		idn2_free(out);
		return NULL;
	}
	char *copy = arena_strdup(a, out);
	idn2_free(out);
	for (char *p = copy; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return copy;
}

/* Whether host may be an IPv4 address in one of the spellings inet_aton (and so the
 * resolver) reads: 1 to 4 parts of decimal, octal (0...) or hex (0x...) digits, such as
 * "127.1", "2130706433" or "0x7f.1". Such a name is never a DNS name a peer could have. */
static bool
ipv4_spelling(const char *host)
{
	return host[0] != '\0' && strspn(host, "0123456789abcdefx.") == strlen(host) &&
	       host[0] >= '0' && host[0] <= '9';
}

/* The canonical form of an address literal: "a.b.c.d" for IPv4 in any inet_aton spelling,
 * or the dotted IPv4 address an IPv4-mapped IPv6 one ("[::ffff:127.0.0.1]") names. NULL
 * when host is no address literal, with *bad set when it is bracketed but no IPv4-mapped
 * address: other IPv6 literals are refused everywhere (the domain columns' CHECKs allow no
 * brackets either), so they are never listed and, in either mode, never let in. */
static char *
address_literal(struct arena *a, const char *host, bool *bad)
{
	char buf[INET6_ADDRSTRLEN];
	*bad = false;
	if (host[0] == '[') {
		size_t n = strlen(host);
		struct in6_addr v6;
		char *inner = n > 2 && host[n - 1] == ']' ? arena_strndup(a, host + 1, n - 2) : NULL;
		if (inner == NULL || inet_pton(AF_INET6, inner, &v6) != 1) {
			*bad = true;
			return NULL;
		}
		if (!IN6_IS_ADDR_V4MAPPED(&v6)) {
			*bad = true; /* IPv6 peers are not supported: never listed, never let in */
			return NULL;
		}
		struct in_addr v4;
		memcpy(&v4, &v6.s6_addr[12], sizeof v4);
		inet_ntop(AF_INET, &v4, buf, sizeof buf);
		return arena_strdup(a, buf);
	}
	if (!ipv4_spelling(host))
		return NULL;
	struct in_addr v4;
	if (inet_aton(host, &v4) == 0)
		return NULL; /* "256.1.1.1", "1bad.cafe": a name, then (host_valid decides) */
	inet_ntop(AF_INET, &v4, buf, sizeof buf);
	return arena_strdup(a, buf);
}

char *
federation_domain_normalise(struct arena *a, const char *input, struct err *err)
{
	if (input == NULL)
		input = "";
	while (*input == ' ' || *input == '\t')
		input++;
	size_t n = strlen(input);
	while (n > 0 && (input[n - 1] == ' ' || input[n - 1] == '\t'))
		n--;
	if (n == 0)
		return refuse(err, MSG_EMPTY, "empty domain");
	char *s = arena_strndup(a, input, n);
	bool ascii = true;
	for (char *p = s; *p; p++) {
		if ((unsigned char)*p >= 0x80)
			ascii = false;
		else if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	}
	if (!ascii && !utf8_valid(s, strlen(s)))
		return refuse(err, MSG_BAD, "domain not in UTF-8");
	/* A pasted address: keep its host[:port]; the scheme's own port is the default one. */
	long default_port = 0;
	if (strncmp(s, "https://", 8) == 0) {
		s += 8;
		default_port = 443;
	} else if (strncmp(s, "http://", 7) == 0) {
		s += 7;
		default_port = 80;
	}
	s[strcspn(s, "/?#")] = '\0';

	/* an IPv6 literal's colons are inside its brackets: the port's is after them */
	char *colon = strrchr(s[0] == '[' && strchr(s, ']') ? strchr(s, ']') : s, ':');
	const char *port = NULL;
	if (colon != NULL) {
		*colon = '\0';
		port = colon + 1;
	}
	size_t host_len = strlen(s);
	if (host_len > 1 && s[host_len - 1] == '.')
		s[--host_len] = '\0'; /* the root dot: "peer.example." is "peer.example" */
	if (!ascii) {
		s = host_to_ascii(a, s);
		if (s == NULL)
			return refuse(err, MSG_BAD, "not an internationalised domain name");
		host_len = strlen(s);
	}
	/* An address has one spelling here, so that a blocked 127.0.0.1 is also 127.1,
	 * 2130706433, 0x7f.1 and [::ffff:127.0.0.1], as the resolver reads them. */
	bool bad_address;
	char *address = address_literal(a, s, &bad_address);
	if (bad_address)
		return refuse(err, MSG_BAD, "bad address literal");
	if (address != NULL)
		s = address;
	else if (!host_valid(s, host_len))
		return refuse(err, MSG_BAD, "bad host");
	if (port == NULL)
		return s;
	long value = 0;
	size_t digits = strspn(port, "0123456789");
	if (digits == 0 || digits > 5 || port[digits] != '\0' ||
	    (value = strtol(port, NULL, 10)) < 1 || value > 65535)
		return refuse(err, N_("The port must be a number from 1 to 65535."), "bad port");
	/* The port HTTPS (or HTTP) uses anyway names the same server as no port. */
	if (value == default_port || (default_port == 0 && (value == 443 || value == 80)))
		return s;
	return arena_printf(a, "%s:%ld", s, value);
}

enum fed_mode
federation_mode(struct arena *a, struct err *err)
{
	err_clear(err);
	struct db_setting *rows;
	int n = settings_rows(a, &rows, err);
	enum fed_mode mode = FED_ALLOWLIST;
	for (int i = 0; i < n; i++)
		if (strcmp(rows[i].key, SETTINGS_KEY_FEDERATION_MODE) == 0)
			fed_mode_parse(rows[i].value, &mode);
	return mode;
}

int
federation_set_mode(struct arena *a, enum fed_mode mode, struct err *err)
{
	if (mode < 0 || mode >= FED__MAX)
		return err_set(err, ERR_UNPROCESSABLE, "Choose a federation mode from the list.",
			       "bad federation mode %d", (int)mode);
	const struct db_setting row = {SETTINGS_KEY_FEDERATION_MODE, fed_mode_name(mode)};
	return settings_put(a, &row, 1, err);
}

/* --- the listed domains, kept in memory ------------------------------------------------ */

/* The snapshot: every listed domain, sorted by strcmp for bsearch. */
struct peer_set {
	const char **domains;
	int n;
};

static int
compare_domains(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static void *
load_peers(struct arena *a, struct err *err)
{
	struct peer_set *set = arena_alloc(a, sizeof *set);
	set->n = db_peer_domains(a, &set->domains, err);
	if (set->n < 0)
		return NULL;
	qsort(set->domains, (size_t)set->n, sizeof *set->domains, compare_domains);
	return set;
}

static struct cache_slot peers_slot = CACHE_SLOT_INIT(CACHE_PEERS, load_peers);

static int
find_domain(const void *snapshot, void *ctx)
{
	const struct peer_set *set = snapshot;
	return bsearch(&ctx, set->domains, (size_t)set->n, sizeof *set->domains,
		       compare_domains) != NULL;
}

/* Whether domain (normalised) is listed: 1, 0, or -1 + err. */
static int
peer_listed(const char *domain, struct err *err)
{
	return cache_slot_read(&peers_slot, find_domain, (void *)domain, err);
}

/* In the writer's transaction: tells every process (this one included) that the list
 * changed. */
static int
peers_changed(struct arena *a, struct err *err)
{
	return cache_notify(a, CACHE_PEERS, err);
}

/* Whether blocklist mode refuses d (normalised): d itself, its host on any port, or a
 * domain it is a subdomain of is listed. 1, 0, or -1 + err. */
static int
blocked(struct arena *a, const char *d, struct err *err)
{
	int listed = peer_listed(d, err);
	if (listed != 0)
		return listed;
	char *host = arena_strdup(a, d);
	char *colon = strchr(host, ':');
	if (colon != NULL) {
		*colon = '\0';
		if ((listed = peer_listed(host, err)) != 0)
			return listed;
	}
	bool ignored;
	if (address_literal(a, host, &ignored) != NULL)
		return 0; /* an address has no parent domains */
	for (const char *dot = strchr(host, '.'); dot != NULL; dot = strchr(dot + 1, '.'))
		if (dot[1] != '\0' && (listed = peer_listed(dot + 1, err)) != 0)
			return listed;
	return 0;
}

bool
federation_domain_allowed(struct arena *a, const char *domain, struct err *err)
{
	char *d = federation_domain_normalise(a, domain, err);
	if (d == NULL) {
		err_set(err, ERR_FORBIDDEN, NULL, "malformed domain");
		return false;
	}
	enum fed_mode mode = federation_mode(a, err);
	if (err->code != ERR_NONE)
		return false;
	int listed = mode == FED_ALLOWLIST ? peer_listed(d, err) : blocked(a, d, err);
	if (listed < 0)
		return false;
	bool allowed = mode == FED_ALLOWLIST ? listed == 1 : listed == 0;
	if (!allowed)
		err_set(err, ERR_FORBIDDEN, NULL, "%s is %s", d,
			mode == FED_ALLOWLIST ? "not a peer" : "blocked");
	return allowed;
}

int
federation_record_attempt(struct arena *a, const char *domain, struct err *err)
{
	char *d = federation_domain_normalise(a, domain, err);
	if (d == NULL)
		return -1;
	return db_attempt_record(a, d, FEDERATION_ATTEMPTS_KEEP, err);
}

int
federation_peer_add(struct arena *a, const char *domain, const char *note, struct err *err)
{
	char *d = federation_domain_normalise(a, domain, err);
	if (d == NULL)
		return -1;
	if (note == NULL)
		note = "";
	if (utf8_chars(note) > FEDERATION_NOTE_MAX)
		return err_set(err, ERR_UNPROCESSABLE, "The note can have at most 500 characters.",
			       "note too long");
	enum fed_mode mode = federation_mode(a, err);
	if (err->code != ERR_NONE)
		return -1;
	if (db_begin(err) != 0)
		return -1;
	int added = db_peer_insert(a, d, note, err);
	if (added < 0)
		goto fail;
	if (added == 0) {
		err_set(err, ERR_CONFLICT, "This domain is on the list already.", "peer exists");
		goto fail;
	}
	if (db_attempt_delete(a, d, err) != 0 || peers_changed(a, err) != 0)
		goto fail;
	/* Blocking a domain ends its follows at once, like removing a peer in allowlist mode,
	 * and tells it the same way first: a Reject of each of its accounts' follows, an Undo
	 * of each of our members' (Mastodon rejects a suspended domain's follows too), so that
	 * its server stops counting them as followers of ours and both sides agree. */
	struct event ev = {.kind = EV_PEER_REMOVED, .domain = d, .subdomains = true};
	if (mode == FED_BLOCKLIST &&
	    (events_emit(a, &ev, err) != 0 || db_peer_sever_follows(a, d, true, err) < 0))
		goto fail;
	int rc = db_commit(err);
	cache_invalidate(CACHE_PEERS); /* committed or not: reload at once */
	return rc;
fail:
	db_rollback();
	cache_invalidate(CACHE_PEERS);
	return -1;
}

int
federation_peer_remove(struct arena *a, const char *domain, struct err *err)
{
	char *d = federation_domain_normalise(a, domain, err);
	if (d == NULL) /* it can't be listed: the table refuses malformed domains */
		return err_set(err, ERR_NOT_FOUND, "That domain is not on the list.", "bad domain");
	enum fed_mode mode = federation_mode(a, err);
	if (err->code != ERR_NONE)
		return -1;
	if (db_begin(err) != 0)
		return -1;
	int removed = db_peer_delete(a, d, err);
	if (removed < 0)
		goto fail;
	if (removed == 0) {
		err_set(err, ERR_NOT_FOUND, "That domain is not on the list.", "no such peer");
		goto fail;
	}
	/* No longer a peer: its follows of and by members go now, and the peer is told first
	 * (a Reject of each of its follows, an Undo of each of ours: ap/ queues them, marked so
	 * that they still go out), so that both sides agree. Other jobs already queued for the
	 * domain stay in the queue, and the delivery worker drops each one when its own
	 * federation_domain_allowed check refuses the domain. */
	struct event ev = {.kind = EV_PEER_REMOVED, .domain = d};
	if (peers_changed(a, err) != 0 ||
	    (mode == FED_ALLOWLIST &&
	     (events_emit(a, &ev, err) != 0 || db_peer_sever_follows(a, d, false, err) < 0)))
		goto fail;
	int rc = db_commit(err);
	cache_invalidate(CACHE_PEERS); /* committed or not: reload at once */
	return rc;
fail:
	db_rollback();
	cache_invalidate(CACHE_PEERS);
	return -1;
}

int
federation_peers_list(struct arena *a, const char *after, int limit, struct peer **out, bool *more,
		      struct err *err)
{
	int n = db_peer_list(a, after, limit + 1, out, err);
	if (n < 0)
		return -1;
	*more = n > limit;
	return *more ? limit : n;
}

int
federation_attempts_list(struct arena *a, struct fed_attempt **out, struct err *err)
{
	return db_attempt_list(a, FEDERATION_ATTEMPTS_SHOWN, out, err);
}

int
federation_node_stats(struct arena *a, struct db_node_stats *out, struct err *err)
{
	return db_node_stats(a, out, err);
}
