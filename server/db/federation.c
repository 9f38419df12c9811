/* federation.c - keys, the instance actor, node statistics. */
#include "federation.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "db/media.h"
#include "db/moderation.h"
#include "db/visibility.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"

int
db_account_keys(struct arena *a, int64_t account_id, const char **private_pem,
		const char **public_pem, struct err *err)
{
	char buf[ID_STRLEN];
	const char *p[] = {id_format(account_id, buf)};
	PGresult *r = db_query(a, err,
			       "SELECT private_key_pem, public_key_pem FROM accounts WHERE id = $1",
			       1, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 0)
		return err_set(err, ERR_NOT_FOUND, NULL, "no such account");
	*private_pem = db_value(r, 0, 0);
	*public_pem = db_value(r, 0, 1);
	return 0;
}

int
db_account_keys_set(struct arena *a, int64_t account_id, const char *private_pem,
		    const char *public_pem, const char **private_out, const char **public_out,
		    struct err *err)
{
	char buf[ID_STRLEN];
	const char *p[] = {id_format(account_id, buf), private_pem, public_pem};
	if (db_query(a, err,
		     "UPDATE accounts SET private_key_pem = $2, public_key_pem = $3"
		     " WHERE id = $1 AND domain IS NULL AND private_key_pem IS NULL",
		     3, p) == NULL)
		return -1;
	return db_account_keys(a, account_id, private_out, public_out, err);
}

int
db_instance_keys(struct arena *a, const char **private_pem, const char **public_pem,
		 struct err *err)
{
	PGresult *r = db_query(
		a, err, "SELECT private_key_pem, public_key_pem FROM instance_actor WHERE id = 1", 0,
		NULL);
	if (r == NULL)
		return -1;
	*private_pem = PQntuples(r) ? db_value(r, 0, 0) : NULL;
	*public_pem = PQntuples(r) ? db_value(r, 0, 1) : NULL;
	return 0;
}

int
db_instance_keys_set(struct arena *a, const char *private_pem, const char *public_pem,
		     const char **private_out, const char **public_out, struct err *err)
{
	const char *p[] = {private_pem, public_pem};
	if (db_query(a, err,
		     "INSERT INTO instance_actor (id, private_key_pem, public_key_pem)"
		     " VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING",
		     2, p) == NULL)
		return -1;
	return db_instance_keys(a, private_out, public_out, err);
}

int
db_node_stats(struct arena *a, struct db_node_stats *out, struct err *err)
{
	PGresult *r = db_query(
		a, err,
		"SELECT (SELECT count(*) FROM accounts WHERE domain IS NULL AND approved),"
		" (SELECT count(DISTINCT s.account_id) FROM statuses s JOIN accounts a"
		"   ON a.id = s.account_id WHERE a.domain IS NULL"
		"   AND s.created_at > now() - interval '180 days'),"
		" (SELECT count(DISTINCT s.account_id) FROM statuses s JOIN accounts a"
		"   ON a.id = s.account_id WHERE a.domain IS NULL"
		"   AND s.created_at > now() - interval '30 days'),"
		" (SELECT count(*) FROM statuses s JOIN accounts a ON a.id = s.account_id"
		"   WHERE a.domain IS NULL AND s.reblog_of_id IS NULL)",
		0, NULL);
	if (r == NULL)
		return -1;
	out->users = atol(db_value(r, 0, 0));
	out->active_halfyear = atol(db_value(r, 0, 1));
	out->active_month = atol(db_value(r, 0, 2));
	out->local_posts = atol(db_value(r, 0, 3));
	return 0;
}

/* A post as federation sends it, with its mentions and hashtags aggregated as JSON arrays
 * (one query, however many posts); $1 the ids. Each tag's name is one probe of tags' key: as
 * a join, the planner hashed the whole tags table once per post (half the query's time). */
#define AP_STATUS_SQL                                                                          \
	"SELECT s.id, s.account_id, au.username, au.domain, s.uri,"                            \
	" CASE WHEN s.visibility IN ('public', 'unlisted')"                                    \
	"  AND " ACCOUNT_LIMITED("s.account_id") " THEN 'private' ELSE s.visibility END,"      \
	" s.content, s.spoiler_text, s.sensitive,"                                              \
	" to_char(s.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"          \
	" to_char(s.edited_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"           \
	" s.in_reply_to_id, p.uri, CASE WHEN pa.domain IS NULL THEN pa.username END,"          \
	" (SELECT json_agg(json_build_array(ac.username, ac.domain, ac.uri, ac.inbox_url)"      \
	"  ORDER BY ac.id) FROM mentions m JOIN accounts ac ON ac.id = m.account_id"           \
	"  WHERE m.status_id = s.id)::text,"                                                    \
	" (SELECT json_agg(tn ORDER BY tn) FROM (SELECT (SELECT t.name FROM tags t"            \
	"  WHERE t.id = st.tag_id) AS tn FROM status_tags st WHERE st.status_id = s.id) q)::text " \
	"FROM statuses s JOIN accounts au ON au.id = s.account_id"                              \
	" LEFT JOIN statuses p ON p.id = s.in_reply_to_id"                                      \
	" LEFT JOIN accounts pa ON pa.id = p.account_id "                                       \
	"WHERE s.id = ANY ($1::bigint[]) AND s.reblog_of_id IS NULL"

/* A JSON value's string as an arena copy, NULL for null or not a string. */
static const char *
json_str(struct arena *a, const json_t *v)
{
	return json_is_string(v) ? arena_strdup(a, json_string_value(v)) : NULL;
}

/* Reads the mentions and tags columns of row into out; -1 + err on malformed JSON. */
static int
ap_refs_row(struct arena *a, const PGresult *r, int row, struct db_ap_status *out,
	    struct err *err)
{
	const char *mtext = db_value(r, row, 14), *ttext = db_value(r, row, 15);
	json_t *m = mtext ? json_loads(mtext, 0, NULL) : json_array();
	json_t *t = ttext ? json_loads(ttext, 0, NULL) : json_array();
	int rc = 0;
	if (!json_is_array(m) || !json_is_array(t)) {
		rc = err_set(err, ERR_INTERNAL, NULL, "a post's mentions or tags are not JSON");
		goto done;
	}
	out->nmentions = (int)json_array_size(m);
	out->mentions = arena_alloc(a, sizeof *out->mentions * (json_array_size(m) + 1));
	for (size_t i = 0; i < json_array_size(m); i++) {
		const json_t *e = json_array_get(m, i);
		out->mentions[i].username = json_str(a, json_array_get(e, 0));
		out->mentions[i].domain = json_str(a, json_array_get(e, 1));
		out->mentions[i].uri = json_str(a, json_array_get(e, 2));
		out->mentions[i].inbox = json_str(a, json_array_get(e, 3));
	}
	out->ntags = (int)json_array_size(t);
	out->tags = arena_alloc(a, sizeof *out->tags * (json_array_size(t) + 1));
	for (size_t i = 0; i < json_array_size(t); i++)
		out->tags[i] = json_str(a, json_array_get(t, i));
done:
	json_decref(m);
	json_decref(t);
	return rc;
}

static int
ap_status_row(struct arena *a, const PGresult *r, int row, struct db_ap_status *out,
	      struct err *err)
{
	memset(out, 0, sizeof *out);
	out->id = db_int64(r, row, 0);
	out->account_id = db_int64(r, row, 1);
	out->username = db_value(r, row, 2);
	out->domain = db_value(r, row, 3);
	out->uri = db_value(r, row, 4);
	if (visibility_parse(db_value(r, row, 5), &out->visibility) != 0)
		out->visibility = VIS_DIRECT;
	out->content = db_value(r, row, 6);
	out->spoiler_text = db_value(r, row, 7);
	out->sensitive = db_bool(r, row, 8);
	out->published = db_value(r, row, 9);
	out->updated = db_value(r, row, 10);
	out->in_reply_to_id = db_int64(r, row, 11);
	out->in_reply_to_uri = db_value(r, row, 12);
	out->in_reply_to_username = db_value(r, row, 13);
	return ap_refs_row(a, r, row, out, err);
}

int
db_ap_statuses(struct arena *a, const int64_t *ids, int n, struct db_ap_status *out,
	       struct err *err)
{
	const char *p[] = {db_id_array(a, ids, n)};
	PGresult *r = db_query(a, err, AP_STATUS_SQL, 1, p);
	if (r == NULL)
		return -1;
	int rows = PQntuples(r), found = 0;
	for (int i = 0; i < n; i++) /* in the order of ids */
		for (int k = 0; k < rows; k++)
			if (db_int64(r, k, 0) == ids[i]) {
				if (ap_status_row(a, r, k, &out[found++], err) != 0)
					return -1;
				break;
			}
	/* their images, in one more query */
	struct media_row *media;
	int nmedia = db_media_of_statuses(a, ids, n, &media, err);
	if (nmedia < 0)
		return -1;
	for (int i = 0; i < found; i++)
		for (int k = 0; k < nmedia; k++)
			if (media[k].status_id == out[i].id) {
				if (out[i].nmedia == 0)
					out[i].media = &media[k];
				out[i].nmedia++;
			}
	return found;
}

int
db_ap_status(struct arena *a, int64_t status_id, struct db_ap_status *out, struct err *err)
{
	int n = db_ap_statuses(a, &status_id, 1, out, err);
	if (n < 0)
		return -1;
	if (n == 0)
		return err_set(err, ERR_NOT_FOUND, NULL, "no such post");
	return 0;
}

int
db_ap_status_exists(struct arena *a, int64_t status_id, struct err *err)
{
	char buf[ID_STRLEN];
	const char *p[] = {id_format(status_id, buf)};
	PGresult *r = db_query(a, err,
			       "SELECT 1 FROM statuses WHERE id = $1::bigint AND reblog_of_id IS NULL",
			       1, p);
	return r == NULL ? -1 : PQntuples(r) > 0;
}

int
db_remote_follower_inboxes(struct arena *a, int64_t account_id, const char ***out,
			   struct err *err)
{
	char buf[ID_STRLEN];
	const char *p[] = {id_format(account_id, buf)};
	return db_query_strings(a, err,
			       "SELECT DISTINCT coalesce(f.shared_inbox_url, f.inbox_url)"
			       " FROM follows fo JOIN accounts f ON f.id = fo.account_id"
			       " WHERE fo.target_account_id = $1 AND f.domain IS NOT NULL"
			       " AND f.suspended_at IS NULL"
			       " AND coalesce(f.shared_inbox_url, f.inbox_url) IS NOT NULL",
				1, p, out);
}

int
db_remote_follower_inbox_is(struct arena *a, int64_t account_id, const char *inbox,
			    struct err *err)
{
	char buf[ID_STRLEN];
	const char *p[] = {id_format(account_id, buf), inbox};
	/* from the accounts on that inbox (accounts_delivery_inbox) to their follow, by key:
	 * as cheap for a member with 10,000 followers as for one with ten */
	PGresult *r = db_query(a, err,
			       "SELECT 1 FROM accounts f JOIN follows fo ON fo.account_id = f.id"
			       " AND fo.target_account_id = $1"
			       " WHERE coalesce(f.shared_inbox_url, f.inbox_url) = $2"
			       " AND f.domain IS NOT NULL AND f.suspended_at IS NULL LIMIT 1",
			       2, p);
	return r == NULL ? -1 : PQntuples(r) > 0;
}

int64_t
db_follow_request_id(struct arena *a, int64_t follower, int64_t target, struct err *err)
{
	char f[ID_STRLEN], t[ID_STRLEN];
	const char *p[] = {id_format(follower, f), id_format(target, t)};
	return db_query_int64(a, err,
			       "SELECT id FROM follow_requests WHERE account_id = $1"
			       " AND target_account_id = $2", 2, p);
}

int
db_follow_remote(struct arena *a, int64_t follower, int64_t target, const char *uri, bool request,
		 int64_t *request_id, struct err *err)
{
	char f[ID_STRLEN], t[ID_STRLEN];
	const char *p[] = {id_format(follower, f), id_format(target, t), uri};
	PGresult *r = db_query(a, err,
			       "SELECT 1 FROM blocks WHERE (account_id = $1 AND target_account_id = $2)"
			       " OR (account_id = $2 AND target_account_id = $1)",
			       2, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) > 0)
		return 2;
	r = db_query(a, err,
		     request ? "INSERT INTO follow_requests (account_id, target_account_id, uri)"
			       " VALUES ($1, $2, $3) ON CONFLICT (account_id, target_account_id)"
			       " DO UPDATE SET uri = EXCLUDED.uri RETURNING id, (xmax = 0)"
			     : "INSERT INTO follows (account_id, target_account_id, uri)"
			       " VALUES ($1, $2, $3) ON CONFLICT (account_id, target_account_id)"
			       " DO UPDATE SET uri = EXCLUDED.uri RETURNING id, (xmax = 0)",
		     3, p);
	if (r == NULL)
		return -1;
	if (request_id != NULL)
		*request_id = db_int64(r, 0, 0);
	return db_bool(r, 0, 1) ? 1 : 0;
}

int
db_follow_request_resolve(struct arena *a, int64_t follower, int64_t target, bool accepted,
			  struct err *err)
{
	char f[ID_STRLEN], t[ID_STRLEN];
	const char *p[] = {id_format(follower, f), id_format(target, t)};
	PGresult *r = db_query(
		a, err,
		accepted ? "WITH d AS (DELETE FROM follow_requests WHERE account_id = $1"
			   " AND target_account_id = $2"
			   " RETURNING account_id, target_account_id, uri),"
			   " i AS (INSERT INTO follows (account_id, target_account_id, uri)"
			   " SELECT account_id, target_account_id, uri FROM d ON CONFLICT DO NOTHING)"
			   " SELECT count(*) FROM d"
			 : "WITH d AS (DELETE FROM follow_requests WHERE account_id = $1"
			   " AND target_account_id = $2 RETURNING 1),"
			   " e AS (DELETE FROM follows WHERE account_id = $1"
			   " AND target_account_id = $2 RETURNING 1)"
			   " SELECT (SELECT count(*) FROM d) + (SELECT count(*) FROM e)",
		2, p);
	if (r == NULL)
		return -1;
	return atol(db_value(r, 0, 0)) > 0;
}

int64_t
db_status_id_by_uri(struct arena *a, const char *uri, int64_t *account_id, struct err *err)
{
	const char *p[] = {uri};
	PGresult *r = db_query(a, err, "SELECT id, account_id FROM statuses WHERE uri = $1", 1, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 0)
		return 0;
	if (account_id != NULL)
		*account_id = db_int64(r, 0, 1);
	return db_int64(r, 0, 0);
}

int
db_status_set_uri(struct arena *a, int64_t status_id, const char *uri, const char *url,
		  struct err *err)
{
	char buf[ID_STRLEN];
	const char *p[] = {id_format(status_id, buf), uri, url};
	return db_query(a, err, "UPDATE statuses SET uri = $2, url = $3 WHERE id = $1", 3, p)
		       ? 0
		       : -1;
}

int
db_activity_seen(struct arena *a, const char *uri, int64_t job_id, struct err *err)
{
	char buf[ID_STRLEN];
	const char *p[] = {uri, job_id > 0 ? id_format(job_id, buf) : NULL};
	PGresult *r = db_query(a, err,
			       "INSERT INTO activities_seen (uri, job_id) VALUES ($1, $2::bigint)"
			       " ON CONFLICT (uri) DO UPDATE SET seen_at = activities_seen.seen_at"
			       " WHERE activities_seen.job_id = $2::bigint RETURNING 1",
			       2, p);
	if (r == NULL)
		return -1;
	return PQntuples(r) > 0;
}

int
db_status_seen_by_domain(struct arena *a, int64_t status_id, const char *domain,
			 struct err *err)
{
	char buf[ID_STRLEN];
	const char *p[] = {id_format(status_id, buf), domain};
	PGresult *r = db_query(
	    a, err,
	    "SELECT 1 FROM statuses s WHERE s.id = $1::bigint AND s.reblog_of_id IS NULL AND ("
	    " s.visibility IN ('public', 'unlisted')"
	    " OR (s.visibility IN ('private', 'direct') AND EXISTS (SELECT 1 FROM mentions m"
	    "  JOIN accounts ma ON ma.id = m.account_id"
	    "  WHERE m.status_id = s.id AND ma.domain = $2))"
	    " OR (s.visibility = 'private' AND EXISTS (SELECT 1 FROM follows f"
	    "  JOIN accounts fa ON fa.id = f.account_id"
	    "  WHERE f.target_account_id = s.account_id AND fa.domain = $2)))",
	    2, p);
	if (r == NULL)
		return -1;
	return PQntuples(r) > 0;
}

int
db_has_local_follower(struct arena *a, int64_t account_id, struct err *err)
{
	char buf[ID_STRLEN];
	const char *p[] = {id_format(account_id, buf)};
	PGresult *r = db_query(a, err,
			       "SELECT 1 FROM follows fo JOIN accounts f ON f.id = fo.account_id"
			       " WHERE fo.target_account_id = $1 AND f.domain IS NULL LIMIT 1",
			       1, p);
	if (r == NULL)
		return -1;
	return PQntuples(r) > 0;
}

int
db_status_mention_actors(struct arena *a, int64_t status_id, struct db_mention **out,
			 struct err *err)
{
	char buf[ID_STRLEN];
	const char *p[] = {id_format(status_id, buf)};
	PGresult *r = db_query(a, err,
			       "SELECT ac.username, ac.domain, ac.uri,"
			       " coalesce(ac.shared_inbox_url, ac.inbox_url) FROM mentions m"
			       " JOIN accounts ac ON ac.id = m.account_id WHERE m.status_id = $1"
			       " ORDER BY ac.id",
			       1, p);
	if (r == NULL)
		return -1;
	int n = PQntuples(r);
	*out = arena_alloc(a, sizeof **out * (size_t)(n + 1));
	for (int i = 0; i < n; i++) {
		(*out)[i].username = db_value(r, i, 0);
		(*out)[i].domain = db_value(r, i, 1);
		(*out)[i].uri = db_value(r, i, 2);
		(*out)[i].inbox = db_value(r, i, 3);
	}
	return n;
}

int
db_status_remote_author_inbox(struct arena *a, int64_t status_id, bool shared, const char **inbox,
			      struct err *err)
{
	char buf[ID_STRLEN];
	const char *p[] = {id_format(status_id, buf), shared ? "t" : "f"};
	PGresult *r = db_query(a, err,
			       "SELECT CASE WHEN $2::boolean THEN coalesce(au.shared_inbox_url,"
			       " au.inbox_url) ELSE au.inbox_url END FROM statuses s JOIN accounts au"
			       " ON au.id = s.account_id WHERE s.id = $1 AND au.domain IS NOT NULL",
			       2, p);
	if (r == NULL)
		return -1;
	*inbox = PQntuples(r) ? db_value(r, 0, 0) : NULL;
	return 0;
}

int
db_peer_unreachable(struct arena *a, const char *domain, struct err *err)
{
	const char *p[] = {domain};
	return db_query(a, err,
			"UPDATE peers SET unreachable_since = coalesce(unreachable_since, now())"
			" WHERE domain = $1",
			1, p)
		       ? 0
		       : -1;
}

int
db_account_inbox(struct arena *a, int64_t account_id, const char **inbox, struct err *err)
{
	char buf[ID_STRLEN];
	const char *p[] = {id_format(account_id, buf)};
	PGresult *r = db_query(a, err, "SELECT inbox_url FROM accounts WHERE id = $1", 1, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 0 || db_value(r, 0, 0) == NULL)
		return err_set(err, ERR_NOT_FOUND, NULL, "account without an inbox");
	*inbox = db_value(r, 0, 0);
	return 0;
}

int64_t
db_follow_request_follower(struct arena *a, int64_t request_id, int64_t target, struct err *err)
{
	char q[ID_STRLEN], t[ID_STRLEN];
	const char *p[] = {id_format(request_id, q), id_format(target, t)};
	return db_query_int64(a, err,
			       "SELECT account_id FROM follow_requests WHERE id = $1"
			       " AND target_account_id = $2", 2, p);
}

int
db_remote_account_delete(struct arena *a, int64_t account_id, struct err *err)
{
	char buf[ID_STRLEN];
	const char *p[] = {id_format(account_id, buf)};
	if (db_begin(err) != 0)
		return -1;
	PGresult *r = db_query(a, err,
			       "DELETE FROM accounts WHERE id = $1 AND domain IS NOT NULL"
			       " AND suspended_at IS NULL AND NOT limited"
			       " AND NOT EXISTS (SELECT 1 FROM reports WHERE target_account_id = $1)"
			       " AND NOT EXISTS (SELECT 1 FROM blocks WHERE target_account_id = $1)"
			       " AND NOT EXISTS (SELECT 1 FROM mutes WHERE target_account_id = $1)"
			       " AND NOT EXISTS (SELECT 1 FROM mod_actions"
			       "  WHERE target_account_id = $1)"
			       " RETURNING id",
			       1, p);
	if (r == NULL)
		goto fail;
	/* Kept as a tombstone (suspended, no key, its data purged) when anything of ours is
	 * about it: a report, a member's block or mute, a moderator's action or a suspension or
	 * limit. Deleting the row would take those with it, and an actor that deletes itself
	 * and signs again would come back as a stranger, unblocked and unsuspended; with the
	 * row kept, it comes back as itself (the same uri), still suspended and blocked. */
	if (PQntuples(r) == 0) {
		r = db_query(a, err,
			     "UPDATE accounts SET deleted_at = coalesce(deleted_at, now()),"
			     " suspended_at = coalesce(suspended_at, now()),"
			     " key_id = NULL, public_key_pem = NULL"
			     " WHERE id = $1 AND domain IS NOT NULL RETURNING id",
			     1, p);
		if (r == NULL || (PQntuples(r) > 0 && db_account_purge(a, account_id, err) != 0))
			goto fail;
	}
	return db_commit(err);
fail:
	db_rollback();
	return -1;
}

void
db_activity_unsee(struct arena *a, const char *uri)
{
	struct err ignored;
	const char *p[] = {uri};
	db_query(a, &ignored, "DELETE FROM activities_seen WHERE uri = $1", 1, p);
}

int64_t
db_fresh_id(struct arena *a, struct err *err)
{
	PGresult *r = db_query(a, err, "SELECT parasol_id()", 0, NULL);
	return r == NULL ? -1 : db_int64(r, 0, 0);
}

int
db_follow_request_set_uri(struct arena *a, int64_t request_id, const char *uri, struct err *err)
{
	char buf[ID_STRLEN];
	const char *p[] = {id_format(request_id, buf), uri};
	PGresult *r = db_query(a, err, "UPDATE follow_requests SET uri = $2 WHERE id = $1", 2, p);
	return r ? 0 : -1;
}

long
db_drop_object_deliveries(struct arena *a, const char *object_uri, struct err *err)
{
	const char *p[] = {object_uri};
	/* The expression is the one of the index jobs_deliver_object (0015_delivery_ids.sql). */
	PGresult *r = db_query(a, err,
			       "DELETE FROM jobs WHERE kind = 'deliver'"
			       " AND (payload #>> '{activity,object,id}') = $1"
			       " AND (payload #>> '{activity,type}') IN ('Create', 'Update')",
			       1, p);
	return r == NULL ? -1 : atol(PQcmdTuples(r));
}

int
db_peer_follows(struct arena *a, const char *domain, bool subdomains, int max,
		struct db_peer_follow **out, struct err *err)
{
	char lim[16];
	snprintf(lim, sizeof lim, "%d", max);
	const char *p[] = {domain, lim,
			   subdomains && strchr(domain, ':') == NULL ? "true" : "false"};
	PGresult *r = db_query(
		a, err,
		"SELECT f.account_id, f.target_account_id, x.domain IS NULL, f.request, f.id, f.uri"
		" FROM (SELECT account_id, target_account_id, id, uri, false AS request FROM follows"
		"  UNION ALL SELECT account_id, target_account_id, id, uri, true FROM follow_requests)"
		" f JOIN accounts x ON x.id = f.account_id JOIN accounts y ON y.id = f.target_account_id"
		" CROSS JOIN LATERAL (SELECT coalesce(x.domain, y.domain) AS d) r"
		" WHERE (x.domain IS NULL) <> (y.domain IS NULL)"
		" AND (r.d = $1 OR ($3::boolean AND (split_part(r.d, ':', 1) = $1"
		"  OR split_part(r.d, ':', 1) LIKE '%.' || $1)))"
		" ORDER BY f.id LIMIT $2::int",
		3, p);
	if (r == NULL)
		return -1;
	int n = PQntuples(r);
	*out = arena_alloc(a, sizeof **out * (size_t)(n + 1));
	for (int i = 0; i < n; i++) {
		struct db_peer_follow *f = &(*out)[i];
		f->follower_id = db_int64(r, i, 0);
		f->target_id = db_int64(r, i, 1);
		f->outgoing = db_bool(r, i, 2);
		f->request = db_bool(r, i, 3);
		f->request_id = db_int64(r, i, 4);
		f->uri = db_value(r, i, 5);
	}
	return n;
}

int
db_activities_seen_prune(struct arena *a, int days, int limit, struct err *err)
{
	char d[16], l[16];
	snprintf(d, sizeof d, "%d", days);
	snprintf(l, sizeof l, "%d", limit);
	const char *p[] = {d, l};
	PGresult *r = db_query(a, err,
			       "DELETE FROM activities_seen WHERE uri IN (SELECT uri FROM"
			       " activities_seen WHERE seen_at < now() - make_interval(days =>"
			       " $1::int) ORDER BY seen_at LIMIT $2::int)",
			       2, p);
	if (r == NULL)
		return -1;
	return atoi(PQcmdTuples(r));
}

int
db_follow_sent_by_uri(struct arena *a, const char *uri, const char **username,
		      const char **target_uri, const char **target_domain, struct err *err)
{
	const char *p[] = {uri};
	PGresult *r = db_query(a, err,
			       "SELECT x.username, y.uri, y.domain FROM (SELECT account_id,"
			       " target_account_id FROM follows WHERE uri = $1 UNION ALL"
			       " SELECT account_id, target_account_id FROM follow_requests"
			       " WHERE uri = $1) f JOIN accounts x ON x.id = f.account_id"
			       " JOIN accounts y ON y.id = f.target_account_id"
			       " WHERE x.domain IS NULL AND y.domain IS NOT NULL LIMIT 1",
			       1, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 0)
		return 0;
	*username = db_value(r, 0, 0);
	*target_uri = db_value(r, 0, 1);
	*target_domain = db_value(r, 0, 2);
	return 1;
}
