/* move.h - Move in federation (PROTOCOL.md section 4.9; core/move.h has the rules): the
 * lookup core uses to check a move's target, the inbox's checks of a Move, applying one in
 * the worker, and sending ours. */
#ifndef PARASOL_AP_MOVE_H
#define PARASOL_AP_MOVE_H

#include <jansson.h>

#include "core/events.h"
#include "core/move.h"

struct arena;
struct account;
struct err;

/* The lookup core/move.c calls (move_set_lookup): the account handle names, its actor
 * fetched now (from an allowed peer, from its own origin), and whether its alsoKnownAs lists
 * member and its movedTo is set. Errors as move_lookup_fn says. */
int ap_move_lookup(struct arena *a, const char *handle, const struct account *member,
		   struct move_target *out, struct err *err);

/* The inbox's checks of a Move by signer, before it is stored: its object is its actor
 * (ERR_FORBIDDEN otherwise: one can only move oneself), and its target is one actor id, not
 * the actor itself, on this node or an allowed peer (ERR_UNPROCESSABLE; ERR_FORBIDDEN for a
 * peer this community doesn't federate with). 0 or -1 + err (a safe message). */
int ap_move_check(struct arena *a, const json_t *act, const struct account *signer,
		  struct err *err);

/* Applies a Move by from (checked by ap_move_check) in the worker: the target's actor is
 * fetched fresh (ours is read here) and must list from in its alsoKnownAs and not have moved
 * itself; from must not have moved to it already (a replay) nor be where the target moved
 * from (a loop). Then from is marked moved and core/move.h move_followers runs. A Move that
 * fails a check changes nothing (its cause is logged). 0, or -1 + err (worth a retry when
 * the peer was unavailable). */
int ap_move_receive(struct arena *a, const json_t *act, const struct account *from,
		    struct err *err);

/* EV_ACCOUNT_MOVED: a Move by the member, to every inbox of its remote followers (shared
 * inboxes once each), signed with its key. 0 or -1 + err. */
int ap_move_event(struct arena *a, const struct event *ev, struct err *err);

#endif
