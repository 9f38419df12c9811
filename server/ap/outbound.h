/* outbound.h - turning core events (core/events.h) into activities and queueing one
 * 'deliver' job per receiving inbox (shared inboxes when peers have them). Deliveries are
 * rows in the same transaction as the change that caused them, so nothing is lost and
 * nothing is sent for a change that rolled back. Members-only posts never produce one. */
#ifndef PARASOL_AP_OUTBOUND_H
#define PARASOL_AP_OUTBOUND_H

#include <jansson.h>
#include <stdint.h>

#include "core/events.h"

struct arena;
struct db_ap_status;
struct err;

/* The listener ap/ registers with events_listen at start-up. */
int ap_outbound_event(struct arena *a, const struct event *ev, struct err *err);

/* Queues activity (not consumed) for delivery to inbox, signed by local account signer_id
 * (0: the instance actor). Returns 0 or -1. */
int ap_enqueue_delivery(struct arena *a, const char *inbox, const json_t *activity,
			int64_t signer_id, struct err *err);

/* Whether a queued delivery still has a reason to go to inbox, asked again when it is sent
 * (a follower blocked or removed since it was queued must not get the post): for a Create or
 * Update of our post status_id, inbox is one fan-out would pick now (the followers of its
 * author, the accounts it mentions, its parent's author; for a direct post the mentioned
 * only); for an Announce by signer of post status_id, signer's followers or the post's
 * author. 1 yes, 0 no, -1 + err. */
int ap_delivery_audience_has(struct arena *a, const char *type, int64_t status_id,
			     int64_t signer, const char *inbox, struct err *err);

/* The Note of a local post (a new reference), addressed per its visibility. */
json_t *ap_note_json(struct arena *a, const struct db_ap_status *st);

/* The to/cc lists of a local post of visibility vis by username (new references). */
void ap_addressing(struct arena *a, const char *username, int vis, json_t **to, json_t **cc);

#endif
