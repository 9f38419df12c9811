/* export.c - see export.h. */
#include "db/export.h"

#include <stdio.h>

#include "db/db.h"
#include "util/arena.h"
#include "util/id.h"

int
db_export_status_ids(struct arena *a, int64_t account_id, int64_t before_id, int limit,
		     int64_t **out, struct err *err)
{
	char acct[ID_STRLEN], before[ID_STRLEN], lim[16];
	snprintf(lim, sizeof lim, "%d", limit);
	const char *p[] = {id_format(account_id, acct),
			   before_id ? id_format(before_id, before) : NULL, lim};
	return db_int64_column(
	    a,
	    db_query(a, err,
		     "SELECT id FROM statuses WHERE account_id = $1"
		     " AND reblog_of_id IS NULL AND id < COALESCE($2::bigint, 9223372036854775807)"
		     " ORDER BY id DESC LIMIT $3",
		     3, p),
	    out);
}

/* The query of each list: its rows after $2, at most $3, of account $1. */
static const char *const LIST_SQL[] = {
    [DB_EXPORT_FOLLOWING] = "SELECT f.id, o.username, o.domain, o.uri FROM follows f"
			    " JOIN accounts o ON o.id = f.target_account_id"
			    " WHERE f.account_id = $1 AND f.id > $2 AND o.deleted_at IS NULL"
			    " ORDER BY f.id LIMIT $3",
    [DB_EXPORT_FOLLOWERS] = "SELECT f.id, o.username, o.domain, o.uri FROM follows f"
			    " JOIN accounts o ON o.id = f.account_id"
			    " WHERE f.target_account_id = $1 AND f.id > $2 AND o.deleted_at IS NULL"
			    " ORDER BY f.id LIMIT $3",
    [DB_EXPORT_BLOCKS] = "SELECT f.id, o.username, o.domain, o.uri FROM blocks f"
			 " JOIN accounts o ON o.id = f.target_account_id"
			 " WHERE f.account_id = $1 AND f.id > $2 AND o.deleted_at IS NULL"
			 " ORDER BY f.id LIMIT $3",
    [DB_EXPORT_MUTES] = "SELECT f.id, o.username, o.domain, o.uri FROM mutes f"
			" JOIN accounts o ON o.id = f.target_account_id"
			" WHERE f.account_id = $1 AND f.id > $2 AND o.deleted_at IS NULL"
			" ORDER BY f.id LIMIT $3",
};

int
db_export_accounts(struct arena *a, int64_t account_id, enum db_export_list which, int64_t after_id,
		   int limit, struct db_export_account **out, struct err *err)
{
	char acct[ID_STRLEN], after[ID_STRLEN], lim[16];
	snprintf(lim, sizeof lim, "%d", limit);
	const char *p[] = {id_format(account_id, acct), id_format(after_id, after), lim};
	PGresult *r = db_query(a, err, LIST_SQL[which], 3, p);
	if (r == NULL)
		return -1;
	int n = PQntuples(r);
	*out = arena_alloc(a, sizeof **out * (size_t)(n + 1));
	for (int i = 0; i < n; i++)
		(*out)[i] = (struct db_export_account){.row_id = db_int64(r, i, 0),
						       .username = db_value(r, i, 1),
						       .domain = db_value(r, i, 2),
						       .uri = db_value(r, i, 3)};
	return n;
}

int
db_export_bookmarks(struct arena *a, int64_t account_id, int64_t after_id, int limit,
		    struct db_export_bookmark **out, struct err *err)
{
	char acct[ID_STRLEN], after[ID_STRLEN], lim[16];
	snprintf(lim, sizeof lim, "%d", limit);
	const char *p[] = {id_format(account_id, acct), id_format(after_id, after), lim};
	PGresult *r = db_query(a, err,
			       "SELECT b.id, s.id, au.username, s.uri FROM bookmarks b"
			       " JOIN statuses s ON s.id = b.status_id"
			       " JOIN accounts au ON au.id = s.account_id"
			       " WHERE b.account_id = $1 AND b.id > $2"
			       " ORDER BY b.id LIMIT $3",
			       3, p);
	if (r == NULL)
		return -1;
	int n = PQntuples(r);
	*out = arena_alloc(a, sizeof **out * (size_t)(n + 1));
	for (int i = 0; i < n; i++)
		(*out)[i] = (struct db_export_bookmark){.row_id = db_int64(r, i, 0),
							.status_id = db_int64(r, i, 1),
							.username = db_value(r, i, 2),
							.uri = db_value(r, i, 3)};
	return n;
}

int
db_export_alerts(struct arena *a, int64_t account_id, int64_t after_id, int limit,
		 int64_t **ids, const char ***json, struct err *err)
{
	char ab[ID_STRLEN], fb[ID_STRLEN], lb[16];
	snprintf(lb, sizeof lb, "%d", limit);
	const char *p[] = {id_format(account_id, ab), id_format(after_id, fb), lb};
	PGresult *r = db_query(
		a, err,
		"SELECT al.id, json_build_object('id', al.id::text, 'state', al.state,"
		" 'happened_on', al.happened_on, 'part_of_day', al.part_of_day, 'area', al.area,"
		" 'categories', al.categories, 'severity', al.severity, 'summary', al.summary,"
		" 'phones', al.phones, 'handles', al.handles, 'emails', al.emails,"
		" 'names', al.names, 'vehicle', al.vehicle, 'plates', al.plates,"
		" 'description', al.description, 'first_contact', al.first_contact,"
		" 'consent_members', al.consent_members, 'consent_partners', al.consent_partners,"
		" 'for_member', al.for_member, 'decline_reason', al.decline_reason,"
		" 'created_at', al.created_at, 'published_at', al.published_at,"
		" 'expires_at', al.expires_at,"
		" 'messages', COALESCE((SELECT json_agg(json_build_object('from',"
		" CASE WHEN m.from_reporter THEN 'me' ELSE 'moderator' END, 'text', m.body,"
		" 'at', m.created_at) ORDER BY m.id) FROM alert_messages m"
		" WHERE m.alert_id = al.id), '[]'::json))::text"
		" FROM alerts al WHERE al.reporter_id = $1::bigint AND al.id > $2::bigint"
		" ORDER BY al.id LIMIT $3::int",
		3, p);
	if (r == NULL)
		return -1;
	int n = PQntuples(r);
	*ids = arena_alloc(a, sizeof **ids * (size_t)(n + 1));
	*json = arena_alloc(a, sizeof **json * (size_t)(n + 1));
	for (int i = 0; i < n; i++) {
		(*ids)[i] = db_int64(r, i, 0);
		(*json)[i] = db_value(r, i, 1);
	}
	return n;
}
