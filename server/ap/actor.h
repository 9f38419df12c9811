/* actor.h - actor documents: a member as a Person (GET /users/:name) and the instance actor
 * as an Application (GET /actor). Served to anyone, unsigned: peers need them (and their
 * keys) to verify our signatures at all. Browsers asking for /users/:name get the profile. */
#ifndef PARASOL_AP_ACTOR_H
#define PARASOL_AP_ACTOR_H

#include <jansson.h>

struct arena;
struct account;
struct router;

/* The Person document of a local member (a new reference; the caller decrefs). base is the
 * node's base_url, public_pem the member's public key. Honours the member's choices:
 * manuallyApprovesFollowers, discoverable and indexable (false unless opted in). */
json_t *ap_person_json(struct arena *a, const char *base, const struct account *acct,
		       const char *public_pem);

/* Registers GET /users/:name and GET /actor. 0, or -1. */
int ap_actor_routes(struct router *r);

#endif
