/* expiry.c - see expiry.h. */
#include "db/expiry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"

int
db_expiry_settings_get(struct arena *a, int64_t account_id, struct db_expiry_settings *out,
		       struct err *err)
{
	char id[ID_STRLEN];
	const char *p[] = {id_format(account_id, id)};
	PGresult *r = db_query(a, err,
			       "SELECT default_expiry, auto_delete_amount, auto_delete_unit"
			       " FROM post_expiry_settings WHERE account_id = $1",
			       1, p);
	if (r == NULL)
		return -1;
	out->default_expiry = "never";
	out->auto_delete_amount = 0;
	out->auto_delete_unit = "weeks";
	if (PQntuples(r) == 0)
		return 0;
	out->default_expiry = db_value(r, 0, 0);
	out->auto_delete_amount = db_value(r, 0, 1) ? atoi(db_value(r, 0, 1)) : 0;
	out->auto_delete_unit = db_value(r, 0, 2);
	return 0;
}

int
db_expiry_settings_put(struct arena *a, int64_t account_id, const struct db_expiry_settings *s,
		       struct err *err)
{
	char id[ID_STRLEN], amount[16];
	snprintf(amount, sizeof amount, "%d", s->auto_delete_amount);
	const char *p[] = {id_format(account_id, id), s->default_expiry,
			   s->auto_delete_amount > 0 ? amount : NULL, s->auto_delete_unit};
	PGresult *r = db_query(
	    a, err,
	    "INSERT INTO post_expiry_settings"
	    " (account_id, default_expiry, auto_delete_amount, auto_delete_unit)"
	    " VALUES ($1, $2, $3::integer, $4) ON CONFLICT (account_id) DO UPDATE SET"
	    " default_expiry = EXCLUDED.default_expiry,"
	    " auto_delete_amount = EXCLUDED.auto_delete_amount,"
	    " auto_delete_unit = EXCLUDED.auto_delete_unit",
	    4, p);
	return r != NULL ? 0 : -1;
}

int
db_status_set_expiry(struct arena *a, int64_t status_id, int64_t now, const char *interval,
		     struct err *err)
{
	char id[ID_STRLEN], t[32];
	snprintf(t, sizeof t, "%lld", (long long)now);
	const char *p[] = {id_format(status_id, id), t, interval};
	PGresult *r = db_query(a, err,
			       "UPDATE statuses SET expires_at ="
			       " to_timestamp($2::bigint) + $3::interval"
			       " WHERE id = $1 AND reblog_of_id IS NULL",
			       3, p);
	return r != NULL ? 0 : -1;
}

int
db_expiry_due(struct arena *a, int64_t now, int limit, struct db_due_post **out,
	      struct err *err)
{
	char t[32], n[16];
	snprintf(t, sizeof t, "%lld", (long long)now);
	snprintf(n, sizeof n, "%d", limit);
	const char *p[] = {t, n};
	/* The expired ones by statuses_expires; the auto-deleted ones per member who turned it
	 * on, by statuses_account, oldest first. A post in both lists is deleted once. */
	PGresult *r = db_query(
	    a, err,
	    "SELECT id, account_id FROM ("
	    " (SELECT s.id, s.account_id, s.expires_at AS due FROM statuses s"
	    "  WHERE s.expires_at <= to_timestamp($1::bigint) AND s.reblog_of_id IS NULL"
	    "  ORDER BY s.expires_at LIMIT $2::int)"
	    " UNION"
	    " (SELECT s.id, s.account_id, s.created_at AS due FROM post_expiry_settings e"
	    "  JOIN accounts ac ON ac.id = e.account_id AND ac.domain IS NULL"
	    "  CROSS JOIN LATERAL (SELECT x.id, x.account_id, x.created_at FROM statuses x"
	    "   WHERE x.account_id = e.account_id AND x.reblog_of_id IS NULL"
	    "   AND x.created_at < to_timestamp($1::bigint) - CASE e.auto_delete_unit"
	    "    WHEN 'days' THEN make_interval(days => e.auto_delete_amount)"
	    "    WHEN 'weeks' THEN make_interval(weeks => e.auto_delete_amount)"
	    "    ELSE make_interval(months => e.auto_delete_amount) END"
	    "   AND NOT EXISTS (SELECT 1 FROM pins k"
	    "    WHERE k.status_id = x.id AND k.account_id = x.account_id)"
	    "   AND NOT EXISTS (SELECT 1 FROM bookmarks k"
	    "    WHERE k.status_id = x.id AND k.account_id = x.account_id)"
	    "   ORDER BY x.id LIMIT $2::int) s"
	    "  WHERE e.auto_delete_amount IS NOT NULL"
	    "  LIMIT $2::int)"
	    ") due GROUP BY id, account_id ORDER BY min(due), id LIMIT $2::int",
	    2, p);
	if (r == NULL)
		return -1;
	int rows = PQntuples(r);
	*out = arena_alloc(a, sizeof **out * (size_t)(rows > 0 ? rows : 1));
	for (int i = 0; i < rows; i++) {
		(*out)[i].id = db_int64(r, i, 0);
		(*out)[i].account_id = db_int64(r, i, 1);
	}
	return rows;
}
