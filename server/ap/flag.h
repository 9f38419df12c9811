/* flag.h - ActivityPub Flag, the report one server sends another. Inbound, a Flag from a
 * peer names accounts and posts in its object (Mastodon: [actor, post...]; Misskey and
 * others: the actor alone); ap/receive.c keeps the ones of ours and files a report
 * (core/reports.h report_from_peer). Outbound, a report a moderator forwarded
 * (EV_REPORT_FORWARDED) becomes a Flag from the instance actor to the target's server: the
 * reporter and the moderator are never named. */
#ifndef PARASOL_AP_FLAG_H
#define PARASOL_AP_FLAG_H

#include <jansson.h>

#include "core/events.h"

struct arena;
struct err;

#define AP_FLAG_OBJECTS_MAX 100 /* URIs one Flag's object may list */
/* Flags one peer domain may send in an hour (the inbox answers 429 beyond, counted per
 * process in memory): enough for a moderator forwarding by hand, not for flooding the queue. */
#define AP_FLAGS_PER_HOUR 30

/* The inbox's check of a Flag's shape, before it is queued: object is a URI, an object with
 * an id, or a list of 1..AP_FLAG_OBJECTS_MAX of them; content, when present, is a string or
 * null. 0, or -1 + ERR_INVALID with a message for the sender. */
int ap_flag_check(const json_t *act, struct err *err);

/* The URIs act's object names, in order (arena array; entries without an id are skipped).
 * The count, at most AP_FLAG_OBJECTS_MAX. */
int ap_flag_object_uris(struct arena *a, const json_t *act, const char ***out);

/* Queues the Flag for a forwarded report (ev->report_id): object [target actor, the
 * reported post when it is one of the target's], content what the moderator wrote when
 * forwarding (never the reporter's comment by itself: core/reports.h), addressed
 * to the target, signed by the instance actor, to the target's shared inbox (else inbox).
 * 0 or -1 + err. */
int ap_flag_event(struct arena *a, const struct event *ev, struct err *err);

#endif
