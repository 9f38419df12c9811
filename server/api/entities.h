/* entities.h - Mastodon 4.x entities built from core/'s structs: converters without side
 * effects on what they describe (GoToSocial's typeutils). Ids are decimal strings,
 * created_at has milliseconds ("2026-12-06T05:00:00.000Z": toot parses nothing else), a
 * local account's acct is its bare username. Every function returns a new reference the
 * caller owns (json_decref), or NULL only when memory runs out.
 *
 * One file per entity: entity_account.c, entity_status.c, entity_instance.c,
 * entity_relationship.c. */
#ifndef PARASOL_API_ENTITIES_H
#define PARASOL_API_ENTITIES_H

#include <jansson.h>

#include "db/media.h" /* struct media_row */
#include "db/model.h"
#include "db/statuses.h" /* struct status */

struct api_call;
struct instance_settings;
struct relationship;

/* "2026-12-06T05:00:00Z" (core's ISO form) as "2026-12-06T05:00:00.000Z"; NULL stays
 * JSON null. */
json_t *api_time(struct api_call *call, const char *iso);

/* The time an id was made (ids are time-ordered), as api_time writes times: for rows
 * whose time is their id's (a boost, a report). Arena-owned. */
const char *api_id_time(struct api_call *call, int64_t id);

/* The account entity: counts and images read through core/ once per account and request
 * (kept in the call's memo); followers_count and following_count are 0 to a caller the
 * account hides its lists from (follow_lists_visible, as the profile page shows them).
 * with_source: verify_credentials' "source" (the member's own raw bio, fields and default
 * visibility). */
json_t *api_account(struct api_call *call, const struct account *acct, bool with_source);

/* The status entity for st as the caller sees it (favourited, reblogged, ... are the
 * caller's). A boost row (st->booster_id) becomes the booster's status whose "reblog" is
 * the boosted post. Images come from one query for the n posts of api_statuses. */
json_t *api_status(struct api_call *call, const struct status *st);

/* The MediaAttachment entity of a member's image (url and preview_url on this node). */
json_t *api_attachment(struct api_call *call, const struct media_row *m);

/* A JSON array of n statuses (media read once for all of them). */
json_t *api_statuses(struct api_call *call, const struct status *items, int n);

/* The Notification entity for row, the caller's (core/notification.h); its post is read
 * again through status_get, so it is shown only while the caller may see it. Defined in
 * api/notifications.c. */
struct notification_row;
json_t *api_notification(struct api_call *call, const struct notification_row *row);

/* Whether the caller's apps are shown the notification row: never a bad-date alert's
 * (members-only, web only), and to a suspended member only the moderators' notices, as the
 * web shows them only their moderation page. */
bool api_notification_shown(const struct api_call *call, const struct notification_row *row);

/* The Relationship entity: how the caller stands with account_id (core/follow.h).
 * blocked_by is always false: no page tells a member that someone blocked them (the
 * blocker's profile simply isn't there for them), so no app does either. */
json_t *api_relationship(struct api_call *call, int64_t account_id, const struct relationship *r);

/* The visibility names of the API: public, unlisted, private, direct, and "local" for
 * this node's members-only posts. */
const char *api_visibility_name(enum visibility v);
int api_visibility_parse(const char *s, enum visibility *out);

/* /api/v1/instance (v1 shape) and /api/v2/instance, and the rules list: NULL with
 * call->req->err when what they show can't be read (the database is down: a 503, never
 * an answer made of defaults). */
json_t *api_instance_v1(struct api_call *call);
json_t *api_instance_v2(struct api_call *call);
json_t *api_rules(struct api_call *call);

#endif
