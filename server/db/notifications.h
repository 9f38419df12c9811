/* notifications.h - SQL for notifications. Database errors only; the rules (no
 * self-notifications, none across blocks and mutes) live in core/notification.c and in the
 * insert's conditions. */
#ifndef PARASOL_DB_NOTIFICATIONS_H
#define PARASOL_DB_NOTIFICATIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "db/model.h"

struct arena;
struct err;

/* Inserts a notification of type (its stored name) for account_id from from_id about
 * status_id (0: none), unless account_id blocks or mutes from_id or can't see the post.
 * Rows inserted (0 or 1) or -1 + err. */
int db_notification_insert(struct arena *a, int64_t account_id, int64_t from_id,
			   const char *type, int64_t status_id, struct err *err);

/* Unread count or -1. */
long db_notification_unread(struct arena *a, int64_t account_id, struct err *err);

/* Marks every notification of account_id read; 0 or -1. */
int db_notification_read_all(struct arena *a, int64_t account_id, struct err *err);

/* Deletes account_id's notification id (0: every one of account_id's). Rows deleted, or -1
 * + err. */
int db_notification_delete(struct arena *a, int64_t account_id, int64_t id, struct err *err);

/* One notification as the page shows it; strings owned by the arena. */
struct notification_row {
	int64_t id;
	const char *type;
	bool read;
	const char *created_at;
	struct account from; /* from.id 0: no account (moderation notifications) */
	int64_t status_id;		/* 0: none, or the post is not visible any more */
	const char *status_content;	/* trusted HTML (core/text.c), NULL without a post */
	const char *status_spoiler;
	const char *status_author;	/* its author's username, user@domain when remote */
	/* moderation and appeal notifications: the action, its kind and reason, the appeal's
	 * state ("granted", "denied") */
	int64_t mod_action_id;
	const char *mod_kind;
	const char *mod_reason;
	const char *appeal_state;
	/* alert notifications: the alert (published) and its area */
	int64_t alert_id;
	const char *alert_area;
};

/* Notifications of account_id with ids below max_id / above min_id (0: no bound), at most
 * limit, newest first (oldest first when ascending). Count or -1; *out arena-owned. */
int db_notification_list(struct arena *a, int64_t account_id, int64_t max_id, int64_t min_id,
			 int limit, bool ascending, struct notification_row **out,
			 struct err *err);

#endif
