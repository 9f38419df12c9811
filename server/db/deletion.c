/* deletion.c - queries for a member deleting their own account. */
#include "deletion.h"

#include <stdio.h>
#include <stdlib.h>

#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"

int
db_account_lock_live(struct arena *a, int64_t id, struct err *err)
{
	char b[ID_STRLEN];
	const char *p[] = {id_format(id, b)};
	PGresult *r = db_query(a, err,
			       "SELECT 1 FROM accounts WHERE id = $1::bigint AND domain IS NULL"
			       " AND deleted_at IS NULL FOR UPDATE",
			       1, p);
	if (r == NULL)
		return -1;
	return PQntuples(r) > 0;
}

int
db_account_hold_live(struct arena *a, int64_t id, struct err *err)
{
	char b[ID_STRLEN];
	const char *p[] = {id_format(id, b)};
	PGresult *r = db_query(a, err,
			       "SELECT 1 FROM accounts WHERE id = $1::bigint AND deleted_at IS NULL"
			       " FOR KEY SHARE",
			       1, p);
	if (r == NULL)
		return -1;
	return PQntuples(r) > 0;
}

int
db_account_contact_inboxes(struct arena *a, int64_t id, const char ***out, struct err *err)
{
	char b[ID_STRLEN];
	const char *p[] = {id_format(id, b)};
	return db_query_strings(
	    a, err,
	    "WITH c AS ("
	    " SELECT target_account_id AS other FROM follows WHERE account_id = $1::bigint"
	    " UNION SELECT account_id FROM follows WHERE target_account_id = $1::bigint"
	    " UNION SELECT target_account_id FROM follow_requests WHERE account_id = $1::bigint"
	    " UNION SELECT account_id FROM follow_requests WHERE target_account_id = $1::bigint)"
	    " SELECT DISTINCT coalesce(o.shared_inbox_url, o.inbox_url)"
	    " FROM c JOIN accounts o ON o.id = c.other"
	    " WHERE o.domain IS NOT NULL AND coalesce(o.shared_inbox_url, o.inbox_url) IS NOT NULL"
	    " ORDER BY 1",
	    1, p, out);
}

int
db_account_self_delete(struct arena *a, int64_t id, struct err *err)
{
	char b[ID_STRLEN];
	const char *p[] = {id_format(id, b)};
	PGresult *r = db_query(
	    a, err,
	    "WITH s AS (DELETE FROM sessions WHERE account_id = $1::bigint),"
	    " c AS (DELETE FROM signin_challenges WHERE account_id = $1::bigint),"
	    " ot AS (DELETE FROM oauth_tokens WHERE account_id = $1::bigint),"
	    " oc AS (DELETE FROM oauth_codes WHERE account_id = $1::bigint),"
	    " t AS (DELETE FROM totp_credentials WHERE account_id = $1::bigint),"
	    " rc AS (DELETE FROM recovery_codes WHERE account_id = $1::bigint),"
	    " n AS (DELETE FROM notifications WHERE account_id = $1::bigint"
	    "  OR from_account_id = $1::bigint),"
	    " h AS (DELETE FROM home_feeds WHERE account_id = $1::bigint),"
	    " mk AS (DELETE FROM markers WHERE account_id = $1::bigint),"
	    " sw AS (DELETE FROM support_workers WHERE account_id = $1::bigint),"
	    " ac AS (UPDATE alerts SET claimed_by = NULL, claimed_at = NULL"
	    "  WHERE claimed_by = $1::bigint),"
	    " pe AS (DELETE FROM post_expiry_settings WHERE account_id = $1::bigint),"
	    /* its imports, their entries (by cascade) and the job working through one */
	    " im AS (DELETE FROM imports WHERE account_id = $1::bigint),"
	    " ji AS (DELETE FROM jobs WHERE kind = 'import' AND payload ->> 'account' = $1::text),"
	    /* what it queued for peers: only its Deletes still go */
	    " j AS (DELETE FROM jobs WHERE kind = 'deliver' AND payload ->> 'signer' = $1::text"
	    "  AND coalesce(payload -> 'activity' ->> 'type', '') <> 'Delete'),"
	    " i AS (UPDATE invites SET created_by = NULL, revoked_at = coalesce(revoked_at, now())"
	    "  WHERE created_by = $1::bigint),"
	    /* moderation records keep only "a deleted account": no handle, no words of it */
	    " rb AS (UPDATE reports SET comment = '', forwarded_text = CASE"
	    "  WHEN forwarded_text IS NULL THEN NULL ELSE '' END WHERE reporter_id = $1::bigint),"
	    " ra AS (UPDATE reports SET snap_acct = NULL WHERE target_account_id = $1::bigint"
	    "  AND state = 'closed'),"
	    " ma AS (UPDATE mod_actions SET target_acct = NULL, status_excerpt = NULL"
	    "  WHERE target_account_id = $1::bigint),"
	    " ap AS (UPDATE appeals SET text = '-' WHERE account_id = $1::bigint)"
	    " UPDATE accounts SET password_hash = '!', display_name = '', bio = '', fields = '[]',"
	    " application_note = NULL, language = NULL, time_zone = NULL, role = 'member',"
	    " locked = false, discoverable = false, indexable = false, recovery_codes_due = false,"
	    " suspended_at = coalesce(suspended_at, now()), suspended_until = NULL,"
	    " purge_at = NULL, purged_at = coalesce(purged_at, now()), deleted_at = now()"
	    " WHERE id = $1::bigint AND domain IS NULL AND deleted_at IS NULL",
	    1, p);
	if (r == NULL)
		return -1;
	if (db_rows_changed(r) != 1)
		return err_set(err, ERR_CONFLICT, NULL, "account %s is deleted already", b);
	return 0;
}

/* No delivery signed by the account (column expression of the outer query) waits. */
#define NO_DELIVERY_LEFT                                                                     \
	" NOT EXISTS (SELECT 1 FROM jobs j WHERE j.kind = 'deliver'"                         \
	" AND j.payload ->> 'signer' = accounts.id::text)"

int
db_deleted_accounts_done(struct arena *a, int limit, int64_t **out, struct err *err)
{
	char lb[16];
	snprintf(lb, sizeof lb, "%d", limit);
	const char *p[] = {lb};
	const char **rows;
	int n = db_query_strings(a, err,
				 "SELECT id FROM accounts WHERE domain IS NULL"
				 " AND deleted_at IS NOT NULL AND forgotten_at IS NULL"
				 " AND" NO_DELIVERY_LEFT " ORDER BY deleted_at LIMIT $1::int",
				 1, p, &rows);
	if (n < 0)
		return -1;
	*out = arena_alloc(a, sizeof **out * (size_t)(n > 0 ? n : 1));
	for (int i = 0; i < n; i++)
		if (id_parse(rows[i], &(*out)[i]) != 0)
			(*out)[i] = 0;
	return n;
}

int
db_account_forget(struct arena *a, int64_t id, struct err *err)
{
	char b[ID_STRLEN];
	const char *p[] = {id_format(id, b), DB_DELETED_NAME_PREFIX};
	PGresult *r = db_query(
	    a, err,
	    "WITH gone AS (SELECT id, username FROM accounts WHERE id = $1::bigint"
	    "  AND domain IS NULL AND deleted_at IS NOT NULL AND forgotten_at IS NULL"
	    "  AND" NO_DELIVERY_LEFT " FOR UPDATE),"
	    " kept AS (INSERT INTO retired_handles (handle_digest)"
	    "  SELECT sha256(convert_to(lower(username), 'UTF8')) FROM gone"
	    "  ON CONFLICT DO NOTHING)"
	    " UPDATE accounts SET username = $2 || accounts.id::text, private_key_pem = NULL,"
	    " public_key_pem = NULL, key_id = NULL, forgotten_at = now()"
	    " FROM gone WHERE accounts.id = gone.id",
	    2, p);
	return db_rows_changed(r);
}

int
db_account_deletion_state(struct arena *a, int64_t id, struct err *err)
{
	char b[ID_STRLEN];
	const char *p[] = {id_format(id, b)};
	PGresult *r = db_query(a, err,
			       "SELECT CASE WHEN forgotten_at IS NOT NULL THEN 2"
			       " WHEN deleted_at IS NOT NULL THEN 1 ELSE 0 END"
			       " FROM accounts WHERE id = $1::bigint AND domain IS NULL",
			       1, p);
	if (r == NULL)
		return -1;
	return PQntuples(r) > 0 ? atoi(db_value(r, 0, 0)) : DB_DELETION_NONE;
}

int
db_handle_deletion_state(struct arena *a, const char *username, struct err *err)
{
	const char *p[] = {username};
	PGresult *r = db_query(
	    a, err,
	    "SELECT CASE WHEN EXISTS (SELECT 1 FROM retired_handles"
	    "  WHERE handle_digest = sha256(convert_to(lower($1), 'UTF8'))) THEN 2"
	    " WHEN EXISTS (SELECT 1 FROM accounts WHERE domain IS NULL"
	    "  AND lower(username) = lower($1) AND deleted_at IS NOT NULL) THEN 1 ELSE 0 END",
	    1, p);
	if (r == NULL)
		return -1;
	return atoi(db_value(r, 0, 0));
}
