/* moderation.c - queries on mod_actions, appeals and the state moderation changes. */
#include "moderation.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"

#define ISO(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

/* An id as a parameter: NULL for 0. buf holds ID_STRLEN. */
static const char *
opt_id(int64_t id, char *buf)
{
	return id != 0 ? id_format(id, buf) : NULL;
}

int
db_mod_action_insert(struct arena *a, const struct mod_action_new *in, int64_t *id, struct err *err)
{
	char mb[ID_STRLEN], tb[ID_STRLEN], sb[ID_STRLEN], rb[ID_STRLEN], days[16];
	snprintf(days, sizeof days, "%d", in->suspend_days);
	const char *p[] = {in->kind,
			   opt_id(in->moderator_id, mb),
			   opt_id(in->target_id, tb),
			   opt_id(in->status_id, sb),
			   in->domain,
			   opt_id(in->report_id, rb),
			   in->reason,
			   db_id_array(a, in->rule_ids, in->nrules),
			   in->suspend_days > 0 ? days : NULL,
			   in->pending ? "pending" : "done"};
	PGresult *r = db_query(
	    a, err,
	    "INSERT INTO mod_actions (kind, moderator_id, target_account_id, target_acct,"
	    " status_id, status_excerpt, domain, report_id, reason, rule_ids, suspend_until,"
	    " state, effective_at)"
	    " SELECT $1, $2::bigint, $3::bigint,"
	    " (SELECT CASE WHEN x.domain IS NULL THEN x.username"
	    "  ELSE x.username || '@' || x.domain END FROM accounts x WHERE x.id = $3::bigint),"
	    " $4::bigint,"
	    " (SELECT left(CASE WHEN s.text <> '' THEN s.text"
	    "  ELSE regexp_replace(s.content, '<[^>]*>', ' ', 'g') END, 500)"
	    "  FROM statuses s WHERE s.id = $4::bigint),"
	    " $5, $6::bigint, $7, $8::bigint[],"
	    " now() + $9::int * interval '1 day', $10,"
	    " CASE WHEN $10 = 'done' THEN now() END"
	    " RETURNING id",
	    10, p);
	if (r == NULL)
		return -1;
	if (id != NULL)
		*id = db_int64(r, 0, 0);
	return 0;
}

#define ACTION_COLUMNS                                                                                       \
	"m.id, m.kind, m.state, m.moderator_id, mo.username, m.target_account_id,"                           \
	" m.target_acct, (t.id IS NOT NULL AND t.domain IS NULL), m.status_id,"                              \
	" m.status_excerpt, m.domain, m.report_id, m.reason, m.rule_ids::text, " ISO(                        \
	    "m.suspend_"                                                                                     \
	    "until") ", "                                                                                    \
		     "m."                                                                                    \
		     "ap"                                                                                    \
		     "pr"                                                                                    \
		     "ov"                                                                                    \
		     "ed"                                                                                    \
		     "_b"                                                                                    \
		     "y,"                                                                                    \
		     " " ISO("m.created_at") ", " ISO("m.effective_at") ", ap.id, ap.state, "                \
									"ap.text, ap.decision, "             \
									"ap.decided_by, " ISO("ap"           \
											      ".c"           \
											      "re"           \
											      "at"           \
											      "ed"           \
											      "_a"           \
											      "t") ", " ISO( \
									    "ap.decided_at") " FR"           \
											     "OM "           \
											     "mod"           \
											     "_ac"           \
											     "tio"           \
											     "ns "           \
											     "m "            \
											     "LEF"           \
											     "T "            \
											     "JOI"           \
											     "N "            \
											     "acc"           \
											     "oun"           \
											     "ts "           \
											     "mo "           \
											     "ON "           \
											     "mo."           \
											     "id "           \
											     "= "            \
											     "m."            \
											     "mod"           \
											     "era"           \
											     "tor"           \
											     "_id"           \
											     " LE"           \
											     "FT "           \
											     "JOI"           \
											     "N "            \
											     "acc"           \
											     "oun"           \
											     "ts "           \
											     "t "            \
											     "ON "           \
											     "t."            \
											     "id "           \
											     "= "            \
											     "m."            \
											     "tar"           \
											     "get"           \
											     "_ac"           \
											     "cou"           \
											     "nt_"           \
											     "id"            \
											     " LE"           \
											     "FT "           \
											     "JOI"           \
											     "N "            \
											     "app"           \
											     "eal"           \
											     "s "            \
											     "ap "           \
											     "ON "           \
											     "ap."           \
											     "act"           \
											     "ion"           \
											     "_id"           \
											     " = "           \
											     "m."            \
											     "id"

static void
action_row(struct arena *a, const PGresult *r, int i, struct mod_action_row *m)
{
	memset(m, 0, sizeof *m);
	m->id = db_int64(r, i, 0);
	m->kind = db_value(r, i, 1);
	m->state = db_value(r, i, 2);
	m->moderator_id = db_int64(r, i, 3);
	m->moderator_username = db_value(r, i, 4);
	m->target_id = db_int64(r, i, 5);
	m->target_acct = db_value(r, i, 6);
	m->target_local = db_bool(r, i, 7);
	m->status_id = db_int64(r, i, 8);
	m->status_excerpt = db_value(r, i, 9);
	m->domain = db_value(r, i, 10);
	m->report_id = db_int64(r, i, 11);
	m->reason = db_value(r, i, 12);
	m->nrules = db_parse_id_array(a, db_value(r, i, 13), &m->rule_ids);
	m->suspend_until = db_value(r, i, 14);
	m->approved_by = db_int64(r, i, 15);
	m->created_at = db_value(r, i, 16);
	m->effective_at = db_value(r, i, 17);
	m->appeal_id = db_int64(r, i, 18);
	m->appeal_state = db_value(r, i, 19);
	m->appeal_text = db_value(r, i, 20);
	m->appeal_decision = db_value(r, i, 21);
	m->appeal_decided_by = db_int64(r, i, 22);
	m->appeal_created_at = db_value(r, i, 23);
	m->appeal_decided_at = db_value(r, i, 24);
}

struct mod_action_row *
db_mod_action_get(struct arena *a, int64_t id, struct err *err)
{
	char b[ID_STRLEN];
	const char *p[] = {id_format(id, b)};
	PGresult *r = db_query(a, err, "SELECT " ACTION_COLUMNS " WHERE m.id = $1::bigint", 1, p);
	if (r == NULL)
		return NULL;
	if (PQntuples(r) == 0) {
		err_set(err, ERR_NOT_FOUND, "No moderation action has that number.",
			"mod action not found");
		return NULL;
	}
	struct mod_action_row *m = arena_alloc(a, sizeof *m);
	action_row(a, r, 0, m);
	return m;
}

int
db_mod_action_transition(struct arena *a, int64_t id, const char *from, const char *to,
			 int64_t approved_by, struct err *err)
{
	char b[ID_STRLEN], ab[ID_STRLEN];
	const char *p[] = {id_format(id, b), from, to, opt_id(approved_by, ab)};
	return db_rows_changed(db_query(
	    a, err,
	    "UPDATE mod_actions SET state = $3, approved_by = COALESCE($4::bigint, approved_by),"
	    " effective_at = CASE WHEN $3 = 'done' THEN now() ELSE effective_at END,"
	    " suspend_until = CASE WHEN $2 = 'pending' AND $3 = 'done'"
	    "  THEN suspend_until + (now() - created_at) ELSE suspend_until END"
	    " WHERE id = $1::bigint AND state = $2",
	    4, p));
}

int
db_mod_action_pending_for_report(struct arena *a, int64_t report_id, struct err *err)
{
	char b[ID_STRLEN];
	const char *p[] = {id_format(report_id, b)};
	PGresult *r = db_query(a, err,
			       "SELECT 1 FROM mod_actions WHERE report_id = $1::bigint"
			       " AND state = 'pending' LIMIT 1",
			       1, p);
	if (r == NULL)
		return -1;
	return PQntuples(r) > 0;
}

/* The members' log: what happened, without the dismissals, private notes and who is a support
 * worker (that could single them out). */
#define IN_LOG                                                                                     \
	" m.kind NOT IN ('dismiss', 'note', 'grant_support_worker', 'revoke_support_worker')"     \
	" AND m.state IN ('done', 'reversed')"
#define NEWEST(where)                                                                              \
	"SELECT " ACTION_COLUMNS " WHERE " where " AND ($2::bigint IS NULL OR m.id < $2::bigint)"  \
	" ORDER BY m.id DESC LIMIT $3::int"

static const char *const list_sql[DB_MOD_LIST__MAX] = {
    [DB_MOD_LOG] = NEWEST(IN_LOG " AND ($1::bigint IS NULL OR true)"),
    [DB_MOD_TARGET] = NEWEST(" m.target_account_id = $1::bigint"),
    [DB_MOD_MINE] = NEWEST(IN_LOG " AND m.target_account_id = $1::bigint"),
    [DB_MOD_PENDING] = "SELECT " ACTION_COLUMNS " WHERE m.state = 'pending'"
		       " AND ($1::bigint IS NULL OR true)"
		       " AND ($2::bigint IS NULL OR m.id > $2::bigint)"
		       " ORDER BY m.id LIMIT $3::int",
    [DB_MOD_APPEALS] = "SELECT " ACTION_COLUMNS " WHERE ap.state = 'open'"
		       " AND ($1::bigint IS NULL OR true)"
		       " AND ($2::bigint IS NULL OR ap.id > $2::bigint)"
		       " ORDER BY ap.id LIMIT $3::int",
};

int
db_mod_actions_list(struct arena *a, enum db_mod_list which, int64_t target_id, int64_t max_id,
		    int limit, struct mod_action_row **out, struct err *err)
{
	char tb[ID_STRLEN], mb[ID_STRLEN], lb[16];
	snprintf(lb, sizeof lb, "%d", limit);
	const char *p[] = {opt_id(target_id, tb), opt_id(max_id, mb), lb};
	PGresult *r = db_query(a, err, list_sql[which], 3, p);
	if (r == NULL)
		return -1;
	int n = PQntuples(r);
	*out = arena_alloc(a, sizeof **out * (size_t)(n > 0 ? n : 1));
	for (int i = 0; i < n; i++)
		action_row(a, r, i, &(*out)[i]);
	return n;
}

/* ---- what actions change ---- */

int
db_status_set_sensitive(struct arena *a, int64_t status_id, bool sensitive, const char *cw,
			struct err *err)
{
	char b[ID_STRLEN];
	const char *p[] = {id_format(status_id, b), sensitive ? "true" : "false", cw ? cw : ""};
	return db_rows_changed(
	    db_query(a, err,
		     "UPDATE statuses SET sensitive = $2::boolean,"
		     " spoiler_text = CASE WHEN $2::boolean AND spoiler_text = '' THEN $3"
		     " ELSE spoiler_text END WHERE id = $1::bigint",
		     3, p));
}

int
db_status_set_hidden(struct arena *a, int64_t status_id, bool hidden, struct err *err)
{
	char b[ID_STRLEN];
	const char *p[] = {id_format(status_id, b), hidden ? "true" : "false"};
	return db_rows_changed(db_query(
	    a, err, "UPDATE statuses SET mod_hidden = $2::boolean WHERE id = $1::bigint", 2, p));
}

int
db_status_delete_any(struct arena *a, int64_t status_id, struct err *err)
{
	char b[ID_STRLEN];
	const char *p[] = {id_format(status_id, b)};
	return db_rows_changed(db_query(a, err, "DELETE FROM statuses WHERE id = $1::bigint", 1, p));
}

int
db_account_set_limited(struct arena *a, int64_t id, bool limited, struct err *err)
{
	char b[ID_STRLEN];
	const char *p[] = {id_format(id, b), limited ? "true" : "false"};
	return db_rows_changed(db_query(
	    a, err, "UPDATE accounts SET limited = $2::boolean WHERE id = $1::bigint", 2, p));
}

int
db_account_suspend(struct arena *a, int64_t id, int64_t action_id, int purge_days, struct err *err)
{
	char b[ID_STRLEN], ab[ID_STRLEN], pb[16];
	snprintf(pb, sizeof pb, "%d", purge_days);
	const char *p[] = {id_format(id, b), id_format(action_id, ab), purge_days >= 0 ? pb : NULL};
	return db_rows_changed(
	    db_query(a, err,
		     "WITH m AS (SELECT suspend_until FROM mod_actions WHERE id = $2::bigint)"
		     " UPDATE accounts SET suspended_at = now(),"
		     " suspended_until = (SELECT suspend_until FROM m),"
		     " purge_at = CASE WHEN (SELECT suspend_until FROM m) IS NULL"
		     "  THEN now() + $3::int * interval '1 day' END WHERE id = $1::bigint",
		     3, p));
}

int
db_account_unsuspend(struct arena *a, int64_t id, struct err *err)
{
	char b[ID_STRLEN];
	const char *p[] = {id_format(id, b)};
	return db_rows_changed(
	    db_query(a, err,
		     "UPDATE accounts SET suspended_at = NULL, suspended_until = NULL,"
		     " purge_at = NULL WHERE id = $1::bigint AND suspended_at IS NOT NULL"
		     /* a member who deleted their account stays gone (core/deletion.h) */
		     " AND NOT (domain IS NULL AND deleted_at IS NOT NULL)",
		     1, p));
}

int
db_domain_policy_set(struct arena *a, const char *domain, const char *policy, bool on,
		     struct err *err)
{
	const char *p[] = {domain, on ? "true" : "false"};
	const char *sql = strcmp(policy, "limited") == 0
			      ? "INSERT INTO domain_policies (domain, limited) VALUES ($1, $2)"
				" ON CONFLICT (domain) DO UPDATE SET limited = $2::boolean,"
				" updated_at = now()"
			      : "INSERT INTO domain_policies (domain, reject_media) VALUES ($1, $2)"
				" ON CONFLICT (domain) DO UPDATE SET reject_media = $2::boolean,"
				" updated_at = now()";
	return db_query(a, err, sql, 2, p) == NULL ? -1 : 0;
}

int
db_domain_policy_get(struct arena *a, const char *domain, bool *reject_media, bool *limited,
		     struct err *err)
{
	const char *p[] = {domain};
	PGresult *r = db_query(
	    a, err, "SELECT reject_media, limited FROM domain_policies WHERE domain = $1", 1, p);
	if (r == NULL)
		return -1;
	*reject_media = PQntuples(r) > 0 && db_bool(r, 0, 0);
	*limited = PQntuples(r) > 0 && db_bool(r, 0, 1);
	return 0;
}

/* The ids in the first column of sql's rows (arena). The count, or -1 + err. */
static int
ids_query(struct arena *a, const char *sql, int n, const char *const *params, int64_t **out,
	  struct err *err)
{
	const char **rows;
	int count = db_query_strings(a, err, sql, n, params, &rows);
	if (count < 0)
		return -1;
	*out = arena_alloc(a, sizeof **out * (size_t)(count > 0 ? count : 1));
	for (int i = 0; i < count; i++)
		if (id_parse(rows[i], &(*out)[i]) != 0)
			(*out)[i] = 0;
	return count;
}

/* ids_query with a limit as its one parameter. */
static int
ids_of(struct arena *a, const char *sql, int limit, int64_t **out, struct err *err)
{
	char lb[16];
	snprintf(lb, sizeof lb, "%d", limit);
	const char *p[] = {lb};
	return ids_query(a, sql, 1, p, out, err);
}

int
db_suspensions_over(struct arena *a, int limit, int64_t **out, struct err *err)
{
	return ids_of(a,
		      "SELECT id FROM accounts WHERE suspended_until IS NOT NULL"
		      " AND suspended_until <= now() ORDER BY suspended_until LIMIT $1::int",
		      limit, out, err);
}

int
db_purges_due(struct arena *a, int limit, int64_t **out, struct err *err)
{
	return ids_of(a,
		      "SELECT id FROM accounts WHERE purge_at IS NOT NULL AND purge_at <= now()"
		      " AND suspended_at IS NOT NULL ORDER BY purge_at LIMIT $1::int",
		      limit, out, err);
}

int
db_account_purge(struct arena *a, int64_t id, struct err *err)
{
	char b[ID_STRLEN];
	const char *p[] = {id_format(id, b)};
	PGresult *r = db_query(
	    a, err,
	    "WITH s AS (DELETE FROM statuses WHERE account_id = $1::bigint),"
	    " f AS (DELETE FROM follows WHERE $1::bigint IN (account_id, target_account_id)),"
	    " q AS (DELETE FROM follow_requests"
	    "  WHERE $1::bigint IN (account_id, target_account_id)),"
	    " l AS (DELETE FROM favourites WHERE account_id = $1::bigint),"
	    " k AS (DELETE FROM bookmarks WHERE account_id = $1::bigint),"
	    " p AS (DELETE FROM pins WHERE account_id = $1::bigint),"
	    " n AS (DELETE FROM notifications WHERE $1::bigint IN (account_id, from_account_id)"
	    "  AND type NOT IN ('moderation', 'appeal')),"
	    " m AS (DELETE FROM mutes WHERE account_id = $1::bigint),"
	    " x AS (DELETE FROM blocks WHERE account_id = $1::bigint),"
	    /* its picture and header (attachments go with their posts); files to media_trash */
	    " md AS (DELETE FROM media WHERE account_id = $1::bigint AND status_id IS NULL)"
	    " UPDATE accounts SET display_name = '', bio = '', fields = '[]', purge_at = NULL,"
	    " purged_at = now() WHERE id = $1::bigint",
	    1, p);
	return r == NULL ? -1 : 0;
}

/* ---- appeals ---- */

int
db_appeal_insert(struct arena *a, int64_t action_id, int64_t account_id, const char *text,
		 struct err *err)
{
	char ab[ID_STRLEN], cb[ID_STRLEN];
	const char *p[] = {id_format(action_id, ab), id_format(account_id, cb), text};
	return db_rows_changed(db_query(a, err,
				 "INSERT INTO appeals (action_id, account_id, text)"
				 " VALUES ($1::bigint, $2::bigint, $3)"
				 " ON CONFLICT (action_id) DO NOTHING",
				 3, p));
}

int
db_appeal_decide(struct arena *a, int64_t action_id, const char *state, int64_t moderator_id,
		 const char *decision, struct err *err)
{
	char ab[ID_STRLEN], mb[ID_STRLEN];
	const char *p[] = {id_format(action_id, ab), state, id_format(moderator_id, mb), decision};
	return db_rows_changed(db_query(a, err,
				 "UPDATE appeals SET state = $2, decided_by = $3::bigint,"
				 " decision = $4, decided_at = now()"
				 " WHERE action_id = $1::bigint AND state = 'open'",
				 4, p));
}

/* ---- notifications ---- */

int
db_notification_moderation(struct arena *a, int64_t account_id, const char *type, int64_t action_id,
			   struct err *err)
{
	char ab[ID_STRLEN], mb[ID_STRLEN];
	const char *p[] = {id_format(account_id, ab), type, id_format(action_id, mb)};
	return db_query(a, err,
			"INSERT INTO notifications (account_id, type, mod_action_id)"
			" SELECT $1::bigint, $2, $3::bigint"
			" WHERE EXISTS (SELECT 1 FROM accounts WHERE id = $1::bigint"
			" AND domain IS NULL)",
			3, p) == NULL
		   ? -1
		   : 0;
}

int64_t
db_status_author_of(struct arena *a, int64_t status_id, struct err *err)
{
	char b[ID_STRLEN];
	const char *p[] = {id_format(status_id, b)};
	return db_query_int64(a, err,
			      "SELECT account_id FROM statuses WHERE id = $1::bigint"
			      " AND reblog_of_id IS NULL",
			      1, p);
}

int
db_account_status_ids(struct arena *a, int64_t account_id, int64_t **out, struct err *err)
{
	char b[ID_STRLEN];
	const char *p[] = {id_format(account_id, b)};
	return ids_query(a,
			 "SELECT id FROM statuses WHERE account_id = $1::bigint"
			 " AND reblog_of_id IS NULL ORDER BY id",
			 1, p, out, err);
}
