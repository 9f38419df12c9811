/* notification.c - notification rules; SQL lives in db/notifications.c. */
#include "notification.h"

#include <stddef.h>
#include <stdint.h>

#include "db/notifications.h"
#include "util/err.h"

const char *const notification_type_names[NOTIF__MAX] = {
	[NOTIF_MENTION] = "mention",	 [NOTIF_REPLY] = "reply",
	[NOTIF_FOLLOW] = "follow",	 [NOTIF_FOLLOW_REQUEST] = "follow_request",
	[NOTIF_REBLOG] = "reblog",	 [NOTIF_FAVOURITE] = "favourite",
	[NOTIF_MODERATION] = "moderation", [NOTIF_APPEAL] = "appeal",
	[NOTIF_REPORT] = "report",	 [NOTIF_MOVE] = "move",
	[NOTIF_ALERT] = "alert",
};

int
notification_add(struct arena *a, int64_t account_id, int64_t from_account_id,
		 enum notification_type type, int64_t status_id, struct err *err)
{
	if ((unsigned)type >= NOTIF__MAX)
		return err_set(err, ERR_INTERNAL, NULL, "bad notification type %d", (int)type);
	if (account_id == from_account_id || account_id == 0 || from_account_id == 0)
		return 0;
	return db_notification_insert(a, account_id, from_account_id,
				      notification_type_names[type], status_id, err) < 0
		       ? -1
		       : 0;
}

long
notification_unread_count(struct arena *a, int64_t account_id, struct err *err)
{
	return db_notification_unread(a, account_id, err);
}

int
notification_mark_all_read(struct arena *a, int64_t account_id, struct err *err)
{
	return db_notification_read_all(a, account_id, err);
}

int
notification_list(struct arena *a, int64_t account_id, int64_t max_id, int64_t min_id,
		  int limit, struct notification_page *out, struct err *err)
{
	bool asc = min_id != 0;
	int n = db_notification_list(a, account_id, asc ? 0 : max_id, asc ? min_id : 0, limit + 1,
				     asc, &out->items, err);
	if (n < 0)
		return -1;
	bool more = n > limit;
	if (more)
		n = limit;
	if (asc) /* fetched oldest first: show newest first */
		for (int i = 0, j = n - 1; i < j; i++, j--) {
			struct notification_row tmp = out->items[i];
			out->items[i] = out->items[j];
			out->items[j] = tmp;
		}
	out->n = n;
	out->has_newer = asc ? more : max_id != 0;
	out->has_older = asc ? true : more;
	return 0;
}

static int
no_such(int64_t id, struct err *err)
{
	return err_set(err, ERR_NOT_FOUND, "This notification does not exist.",
		       "no notification %lld", (long long)id);
}

int
notification_get(struct arena *a, int64_t account_id, int64_t id, struct notification_row *out,
		 struct err *err)
{
	struct notification_row *rows;
	/* the one row between id - 1 and id + 1: the list's query, so it reads the same */
	int n = id > 0 && id < INT64_MAX
		    ? db_notification_list(a, account_id, id + 1, id - 1, 1, false, &rows, err)
		    : 0;
	if (n < 0)
		return -1;
	if (n == 0)
		return no_such(id, err);
	*out = rows[0];
	return 0;
}

int
notification_dismiss(struct arena *a, int64_t account_id, int64_t id, struct err *err)
{
	int n = id > 0 ? db_notification_delete(a, account_id, id, err) : 0;
	if (n < 0)
		return -1;
	if (n == 0)
		return no_such(id, err);
	return 0;
}

int
notification_clear(struct arena *a, int64_t account_id, struct err *err)
{
	return db_notification_delete(a, account_id, 0, err) < 0 ? -1 : 0;
}
