/* resolve.h - finding remote accounts: fetching actor documents (signed by the instance actor),
 * checking them and keeping them in the accounts table, and WebFinger lookups of user@domain.
 * Only peers the federation policy allows are ever contacted. */
#ifndef PARASOL_AP_RESOLVE_H
#define PARASOL_AP_RESOLVE_H

#include <jansson.h>
#include <stdbool.h>

#include "db/model.h"

struct arena;
struct err;

/* The account of actor uri: the stored one, or — when none is stored or refresh is set —
 * fetched now, checked (media type, origin, id, WebFinger round trip of its handle) and
 * stored; a row that held the same handle before loses it. NULL + err: ERR_FORBIDDEN (the domain is not an allowed peer),
 * ERR_UNAVAILABLE (the peer did not answer), ERR_INVALID (not a usable actor document). */
struct account *ap_resolve_actor(struct arena *a, const char *uri, bool refresh,
				 struct err *err);

/* ap_resolve_actor with refresh, and the actor document as fetched now (owned by the
 * arena) in *doc: for what is read of it but not stored (alsoKnownAs, movedTo). */
struct account *ap_resolve_actor_doc(struct arena *a, const char *uri, const json_t **doc,
				     struct err *err);

/* The account that owns key_id, and its public key (PEM, arena). The cache (accounts.key_id)
 * answers unless refresh is set; otherwise the key's document is fetched (an actor, or a key
 * document whose owner is then fetched) and the owner must name the same key. */
struct account *ap_resolve_key(struct arena *a, const char *key_id, bool refresh,
			       const char **public_pem, struct err *err);

/* The stored account of key_id and its public key (PEM, arena), never fetched: NULL +
 * ERR_NOT_FOUND when none is stored. */
struct account *ap_cached_key(struct arena *a, const char *key_id, const char **public_pem,
			      struct err *err);

/* The account "user@domain" (a leading '@' allowed) names: the stored one when its handle
 * was verified by WebFinger within the last day, else the actor WebFinger on that domain
 * names now, fetched and stored. ERR_NOT_FOUND when the peer knows no such user. */
struct account *ap_resolve_acct(struct arena *a, const char *acct, struct err *err);

/* GETs the ActivityStreams document at uri from an allowed peer (signed by the instance
 * actor; served as ActivityStreams, from uri's origin) and checks that its id is uri. The object is owned by the arena (released with it).
 * NULL + err: ERR_FORBIDDEN (not a peer), ERR_UNAVAILABLE, ERR_NOT_FOUND, ERR_INVALID. */
json_t *ap_fetch_object(struct arena *a, const char *uri, struct err *err);

/* The fetch hop check (fetch_set_hop_check): true when url's domain is an allowed peer,
 * else false with err (ERR_FORBIDDEN, or ERR_UNAVAILABLE when the policy can't be read). */
bool ap_fetch_hop_allowed(struct arena *a, const char *url, struct err *err);

/* Whether a Content-Type is an ActivityStreams media type: application/activity+json, or
 * application/ld+json with the profile https://www.w3.org/ns/activitystreams; parameters
 * allowed, names compared without case. */
bool ap_is_activity_media_type(const char *content_type);

/* The host[:port] of an http(s) URL, normalised (core/federation.h: lower-case, A-labels, no
 * trailing dot or default port), arena-owned; NULL when it has none or it is malformed. */
char *ap_url_domain(struct arena *a, const char *url);

/* The actor a WebFinger answer (a JRD, body[0..len)) names: the href of its first "self"
 * link whose type is an ActivityStreams media type, in *href (owned by a, with the parsed
 * document). 1 found, 0 none, -1 when the body is not JSON. */
int ap_jrd_self(struct arena *a, const char *body, size_t len, const char **href);

#endif
