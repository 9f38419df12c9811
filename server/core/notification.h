/* notification.h - notifications: a member is told about mentions, replies, follows, follow
 * requests, boosts, likes, and moderators' actions and appeal decisions. Other modules (statuses, follows) create them here; the web
 * pages list them and mark them read. */
#ifndef PARASOL_CORE_NOTIFICATION_H
#define PARASOL_CORE_NOTIFICATION_H

#include <stdbool.h>
#include <stdint.h>

#include "db/notifications.h" /* struct notification_row */

struct arena;
struct err;

enum notification_type {
	NOTIF_MENTION,
	NOTIF_REPLY,
	NOTIF_FOLLOW,
	NOTIF_FOLLOW_REQUEST,
	NOTIF_REBLOG,
	NOTIF_FAVOURITE,
	NOTIF_MODERATION, /* a moderator acted on the member's account or post (core/moderation.c) */
	NOTIF_APPEAL,	  /* the member's appeal was decided (core/moderation.c) */
	NOTIF_REPORT,	  /* a report the member filed was answered (core/moderation.c) */
	NOTIF_MOVE,	  /* an account the member followed moved; the member follows its new
			     account now (core/move.c) */
	NOTIF_ALERT,	  /* a bad-date alert was published in an area the member follows
			     (core/alerts.c; never through the client API) */
	NOTIF__MAX
};

/* The database name of each type ("mention", "reply", ...), indexed by the enum. */
extern const char *const notification_type_names[NOTIF__MAX];

/* Tells account_id that from_account_id did something (status_id 0 when there is no post).
 * Does nothing (returns 0) for self-notifications, or when the recipient blocks or mutes the
 * sender. 0, or -1 + err on a database error. */
int notification_add(struct arena *a, int64_t account_id, int64_t from_account_id,
		     enum notification_type type, int64_t status_id, struct err *err);

/* Number of unread notifications of account_id, or -1 + err. */
long notification_unread_count(struct arena *a, int64_t account_id, struct err *err);

/* Marks all notifications of account_id read. 0 or -1 + err. */
int notification_mark_all_read(struct arena *a, int64_t account_id, struct err *err);

/* A page of notifications, newest first. */
struct notification_page {
	struct notification_row *items; /* arena-owned */
	int n;
	bool has_newer, has_older;
};

/* Lists account_id's notifications older than max_id or (min_id != 0) newer than min_id,
 * at most limit. 0, or -1 + err. */
int notification_list(struct arena *a, int64_t account_id, int64_t max_id, int64_t min_id,
		      int limit, struct notification_page *out, struct err *err);

/* account_id's notification id, as notification_list shows it: 0, or -1 + err
 * (ERR_NOT_FOUND for an unknown id or another member's). */
int notification_get(struct arena *a, int64_t account_id, int64_t id,
		     struct notification_row *out, struct err *err);

/* Deletes account_id's notification id (ERR_NOT_FOUND for an unknown id or another
 * member's): 0 or -1 + err. */
int notification_dismiss(struct arena *a, int64_t account_id, int64_t id, struct err *err);

/* Deletes every notification of account_id: 0 or -1 + err. */
int notification_clear(struct arena *a, int64_t account_id, struct err *err);

#endif
