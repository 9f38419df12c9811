/* ap.h - ActivityPub and its discovery documents: WebFinger, host-meta, NodeInfo, actors,
 * collections, notes; later the inbox and deliveries. Handlers here convert rows to
 * ActivityStreams JSON and back (ap/json.c) and call core/ for everything else. */
#ifndef PARASOL_AP_H
#define PARASOL_AP_H

#include <stdbool.h>
#include <stdint.h>

struct arena;
struct config;
struct req;
struct router;

/* Registers the federation routes (the well-known documents, NodeInfo, actors, /actor).
 * 0, or -1 for a bad pattern. */
int ap_routes(struct router *r);

/* The media type of ActivityStreams documents, and the JSON-LD context URI. */
#define AP_CONTENT_TYPE "application/activity+json"
#define AP_CONTEXT "https://www.w3.org/ns/activitystreams"
#define AP_PUBLIC "https://www.w3.org/ns/activitystreams#Public"

/* Starts the federation layer for `serve` and `worker`: ap_init, the outbound HTTP client,
 * the 'inbox' and 'deliver' job handlers and the listener of core events. Call once, before
 * requests and workers; ap_stop after they have stopped. */
void ap_start(const struct config *cfg);
void ap_stop(void);

/* Sets what the federation code needs from the configuration: this node's base_url and the
 * test-only switch that lets peers be reached over plain http on loopback. Call once at
 * start-up (app.c) before any request. */
void ap_init(const char *base_url, bool insecure_http);

/* The base_url given to ap_init. */
const char *ap_base_url(void);

/* Whether peers are reached over http (tests on one machine) rather than https. */
bool ap_insecure_http(void);

/* URIs of this node's objects, owned by the arena: the actor of a local member, its key,
 * inbox, outbox, followers, following and featured collections, a note, the instance actor
 * and the shared inbox. base is the configured base_url. */
char *ap_actor_uri(struct arena *a, const char *base, const char *username);
char *ap_key_id(struct arena *a, const char *base, const char *username);
char *ap_actor_path_uri(struct arena *a, const char *base, const char *username,
			const char *suffix);
char *ap_note_uri(struct arena *a, const char *base, const char *username, int64_t id);
char *ap_instance_actor_uri(struct arena *a, const char *base);
char *ap_shared_inbox_uri(struct arena *a, const char *base);

/* This node's own HTML (from core/text.c) with its site-relative links (href="/...") made
 * absolute under base, as peers need them. Owned by the arena. */
char *ap_absolute_links(struct arena *a, const char *base, const char *html);

/* Whether the request asked for ActivityStreams (an Accept naming activity+json or
 * ld+json) rather than a page: content negotiation for actors and objects. */
bool ap_wants_activity(struct req *req);

/* The host[:port] of base_url ("parasol.example"), owned by the arena: the acct: domain. */
char *ap_local_domain(struct arena *a, const char *base);

#endif
