/* notifications.c - queries on notifications. */
#include "notifications.h"

#include <stdlib.h>
#include <string.h>

#include "db/visibility.h"
#include "db/accounts.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"

static const char *
fmt_id(struct arena *a, int64_t id)
{
	char buf[ID_STRLEN];
	return id != 0 ? arena_strdup(a, id_format(id, buf)) : NULL;
}

int
db_notification_insert(struct arena *a, int64_t account_id, int64_t from_id, const char *type,
		       int64_t status_id, struct err *err)
{
	const char *p[] = {fmt_id(a, account_id), fmt_id(a, from_id), type, fmt_id(a, status_id)};
	PGresult *r = db_query(
		a, err,
		"INSERT INTO notifications (account_id, from_account_id, type, status_id)"
		" SELECT $1::bigint, $2::bigint, $3::text, $4::bigint WHERE $1::bigint <> $2::bigint"
		" AND NOT EXISTS (SELECT 1 FROM blocks WHERE account_id = $1::bigint"
		" AND target_account_id = $2::bigint)"
		" AND NOT EXISTS (SELECT 1 FROM mutes WHERE account_id = $1::bigint"
		" AND target_account_id = $2::bigint)"
		" AND ($4::bigint IS NULL OR EXISTS (SELECT 1 FROM statuses s WHERE s.id = $4::bigint"
		" AND " VISIBLE_TO("s", "$1::bigint") "))",
		4, p);
	return db_rows_changed(r);
}

long
db_notification_unread(struct arena *a, int64_t account_id, struct err *err)
{
	const char *p[] = {fmt_id(a, account_id)};
	PGresult *r = db_query(a, err,
			       "SELECT count(*) FROM notifications WHERE account_id = $1 AND NOT read",
			       1, p);
	return r ? atol(db_value(r, 0, 0)) : -1;
}

int
db_notification_read_all(struct arena *a, int64_t account_id, struct err *err)
{
	const char *p[] = {fmt_id(a, account_id)};
	return db_query(a, err,
			"UPDATE notifications SET read = true WHERE account_id = $1 AND NOT read", 1,
			p)
		       ? 0
		       : -1;
}

int
db_notification_delete(struct arena *a, int64_t account_id, int64_t id, struct err *err)
{
	const char *p[] = {fmt_id(a, account_id), fmt_id(a, id)};
	PGresult *r = db_query(a, err,
			       "DELETE FROM notifications WHERE account_id = $1::bigint"
			       " AND id = COALESCE($2::bigint, id)",
			       2, p);
	return db_rows_changed(r);
}

/* A member's notifications, $1 the member, $2/$3 the bounds (NULL: none), $4 the limit. A
 * post the member can no longer see (visibility narrowed by a block since) is left out of
 * the row, not the notification; an alert's notification is listed only while the alert is
 * published and unexpired (by the database's clock: lists take no injected one). */
#define LIST_SQL(dir)                                                                          \
	"SELECT n.id, n.type, n.read,"                                                         \
	" to_char(n.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"         \
	" s.id, s.content, s.spoiler_text, sa.username || COALESCE('@' || sa.domain, ''),"     \
	" m.id, m.kind, m.reason, ap.state, al.id, al.area, "                                  \
	DB_ACCOUNT_COLUMNS("f")                                                                \
	" FROM notifications n LEFT JOIN accounts f ON f.id = n.from_account_id"              \
	" LEFT JOIN mod_actions m ON m.id = n.mod_action_id"                                   \
	" LEFT JOIN appeals ap ON ap.action_id = m.id"                                         \
	" LEFT JOIN statuses s ON s.id = n.status_id AND " VISIBLE_TO("s", "$1::bigint")       \
	" LEFT JOIN accounts sa ON sa.id = s.account_id"                                       \
	" LEFT JOIN alerts al ON al.id = n.alert_id AND al.state = 'published'"                \
	" AND al.expires_at > now()"                                                           \
	" WHERE n.account_id = $1::bigint"                                                     \
	" AND (n.alert_id IS NULL OR al.id IS NOT NULL)"                                       \
	" AND n.id < COALESCE($2::bigint, 9223372036854775807)"                                \
	" AND n.id > COALESCE($3::bigint, 0)"                                                  \
	" ORDER BY n.id " dir " LIMIT $4::int"
static const char *const list_sql[2] = {LIST_SQL("DESC"), LIST_SQL("ASC")};

int
db_notification_list(struct arena *a, int64_t account_id, int64_t max_id, int64_t min_id,
		     int limit, bool ascending, struct notification_row **out, struct err *err)
{
	char lim[16];
	snprintf(lim, sizeof lim, "%d", limit);
	const char *p[] = {fmt_id(a, account_id), fmt_id(a, max_id), fmt_id(a, min_id), lim};
	PGresult *r = db_query(a, err, list_sql[ascending ? 1 : 0], 4, p);
	if (r == NULL)
		return -1;
	int n = PQntuples(r);
	*out = arena_alloc(a, sizeof **out * (size_t)(n > 0 ? n : 1));
	for (int i = 0; i < n; i++) {
		struct notification_row *row = &(*out)[i];
		memset(row, 0, sizeof *row);
		row->id = db_int64(r, i, 0);
		row->type = db_value(r, i, 1);
		row->read = db_bool(r, i, 2);
		row->created_at = db_value(r, i, 3);
		row->status_id = db_int64(r, i, 4);
		row->status_content = db_value(r, i, 5);
		row->status_spoiler = db_value(r, i, 6);
		row->status_author = db_value(r, i, 7);
		row->mod_action_id = db_value(r, i, 8) ? db_int64(r, i, 8) : 0;
		row->mod_kind = db_value(r, i, 9);
		row->mod_reason = db_value(r, i, 10);
		row->appeal_state = db_value(r, i, 11);
		row->alert_id = db_int64(r, i, 12);
		row->alert_area = db_value(r, i, 13);
		if (db_value(r, i, 14) != NULL)
			db_account_row(a, r, i, 14, &row->from);
		else
			memset(&row->from, 0, sizeof row->from);
	}
	return n;
}
