/* federation.h - whom this node federates with: the peers list, the mode that gives it its
 * meaning, and the contact attempts of domains that are not peers.
 *
 * One list, two modes (core/settings.h, enum fed_mode):
 *   allowlist (the default, and recommended): only listed domains federate with us;
 *   blocklist: every domain federates except the listed ones.
 * Domains are stored and compared normalised (federation_domain_normalise): lower-case,
 * A-labels for international names, no trailing dot, no default port. In allowlist mode a
 * domain must be listed exactly: a listed "peer.example" does NOT let in
 * "social.peer.example" nor "peer.example:8443" — each must be listed on its own, which
 * leaves no room for a look-alike subdomain someone else controls. In blocklist mode a
 * listed "peer.example" blocks the host on every port and every subdomain of it
 * ("a.b.peer.example"), since whoever runs a domain runs its subdomains; a listed
 * "peer.example:8443" blocks that port only. A listed IPv4 address blocks itself however it
 * is spelt, on every port; it has no subdomains.
 *
 * Every door (inbox, signed fetches, deliveries, remote lookups and follows) asks
 * federation_domain_allowed; this module never sees HTTP. The functions that change the mode
 * or the list notify every process (core/cache.h), which all reload them before their next
 * check; this process reloads at once. */
#ifndef PARASOL_CORE_FEDERATION_H
#define PARASOL_CORE_FEDERATION_H

#include <stdbool.h>

#include "core/settings.h" /* enum fed_mode */
#include "db/federation.h" /* struct db_node_stats */
#include "db/peers.h"	   /* struct peer, struct fed_attempt */

struct arena;
struct err;

#define FEDERATION_HOST_MAX 253	       /* a DNS name */
#define FEDERATION_NOTE_MAX 500	       /* characters, as peers.note allows */
#define FEDERATION_ATTEMPTS_KEEP 10000 /* rows federation_attempts is capped at */
#define FEDERATION_ATTEMPTS_SHOWN 200  /* rows federation_attempts_list returns */

/* Normalises what an admin typed, or a host from a remote URL, into "host" or "host:port":
 * ASCII lower-case, international names as A-labels ("bücher.example" is
 * "xn--bcher-kva.example", through libidn2's UTS #46 mapping), one trailing dot dropped,
 * port without leading zeros and dropped when it is the default one (443 or 80; for a
 * pasted URL, its scheme's). A pasted http(s):// URL is reduced to its host[:port] (so is
 * "host/path"). An address literal gets its one canonical spelling: IPv4 in any form the
 * resolver reads ("127.1", "2130706433", "0x7f.1") as "127.0.0.1", and an IPv4-mapped IPv6
 * address ("[::ffff:127.0.0.1]") as its IPv4 address. Other IPv6 literals (never a peer:
 * refused in both modes), other schemes, user info, names libidn2 refuses, bad labels and
 * ports are refused with ERR_UNPROCESSABLE and a message to show. Returns an arena
 * string, or NULL + err. */
char *federation_domain_normalise(struct arena *a, const char *input, struct err *err);

/* The stored federation mode (from the settings kept in memory, core/settings.h). When the
 * database can't be read: FED_ALLOWLIST (the safe answer) with err set; otherwise err->code
 * is ERR_NONE. */
enum fed_mode federation_mode(struct arena *a, struct err *err);

/* Stores the federation mode (the list is kept as it is: it then means the opposite). */
int federation_set_mode(struct arena *a, enum fed_mode mode, struct err *err);

/* Whether this node may talk with domain (host[:port], normalised here): in allowlist mode
 * only when listed, in blocklist mode unless it, its host or a parent domain is listed. The mode and the listed domains come from
 * the copies kept in memory (core/cache.h), so this costs no query while they are current. false with err->code ERR_FORBIDDEN when
 * the policy refuses it (a malformed domain included), or with another code (ERR_UNAVAILABLE,
 * ERR_INTERNAL) when the database could not answer: callers refuse in both cases. */
bool federation_domain_allowed(struct arena *a, const char *domain, struct err *err);

/* Counts one contact attempt from a domain we refused: attempts + 1, last seen now. Only the
 * domain is stored, never content, addresses or anything else; listed domains are not
 * counted. The table keeps the FEDERATION_ATTEMPTS_KEEP domains seen most recently. 0, or -1 +
 * err (ERR_UNPROCESSABLE for a malformed domain: nothing stored). */
int federation_record_attempt(struct arena *a, const char *domain, struct err *err);

/* Lists domain (normalised) with an optional note (up to 500 characters; NULL for none) and
 * forgets its contact attempts. In blocklist mode this blocks it, so its follows of and by
 * members (its subdomains' and other ports' too) are removed in the same transaction, after
 * queueing the Reject or Undo of each (EV_PEER_REMOVED), which go out although the domain is
 * blocked. ERR_UNPROCESSABLE for a bad domain or
 * note, ERR_CONFLICT when already listed. 0, or -1 + err. */
int federation_peer_add(struct arena *a, const char *domain, const char *note, struct err *err);

/* Takes domain off the list. In allowlist mode, in one transaction, also removes the follows
 * and follow requests between local members and the domain's accounts, both directions: the
 * peer is cut off at once, after queueing the Reject or Undo of each (EV_PEER_REMOVED) that
 * tells the peer, which go out although the domain is no longer allowed. Deliveries already queued for it are dropped by the delivery
 * worker, which asks federation_domain_allowed before each attempt. In blocklist mode this
 * unblocks it, and nothing else changes. ERR_NOT_FOUND when not listed. 0, or -1 + err. */
int federation_peer_remove(struct arena *a, const char *domain, struct err *err);

/* Listed domains in order, those after `after` (NULL: from the first), at most limit; *more
 * tells whether others follow. *out is arena-owned. The count, or -1 + err. */
int federation_peers_list(struct arena *a, const char *after, int limit, struct peer **out,
			  bool *more, struct err *err);

/* The contact attempts seen most recently, at most FEDERATION_ATTEMPTS_SHOWN; *out is
 * arena-owned. The count, or -1 + err. */
int federation_attempts_list(struct arena *a, struct fed_attempt **out, struct err *err);

/* What NodeInfo and the client API's instance answer publish: local members, those who
 * posted in the last 180 / 30 days, local posts (db/federation.h). 0 or -1 + err. */
int federation_node_stats(struct arena *a, struct db_node_stats *out, struct err *err);

#endif
