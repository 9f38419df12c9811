/* peers.c - queries on peers, federation_attempts, and follows by domain. */
#include "peers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"

#define PEER_TIME(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')"

int
db_peer_domains(struct arena *a, const char ***out, struct err *err)
{
	return db_query_strings(a, err, "SELECT domain FROM peers", 0, NULL, out);
}

int
db_peer_insert(struct arena *a, const char *domain, const char *note, struct err *err)
{
	const char *p[] = {domain, note};
	PGresult *r = db_query(a, err,
			       "INSERT INTO peers (domain, note) VALUES ($1, $2)"
			       " ON CONFLICT (domain) DO NOTHING RETURNING 1",
			       2, p);
	if (r == NULL)
		return -1;
	return PQntuples(r) > 0;
}

int
db_peer_delete(struct arena *a, const char *domain, struct err *err)
{
	const char *p[] = {domain};
	PGresult *r = db_query(a, err, "DELETE FROM peers WHERE domain = $1", 1, p);
	return db_rows_changed(r);
}

int
db_peer_list(struct arena *a, const char *after, int limit, struct peer **out, struct err *err)
{
	char lim[16];
	snprintf(lim, sizeof lim, "%d", limit);
	const char *p[] = {after, lim};
	PGresult *r = db_query(a, err,
			       "SELECT domain, note, " PEER_TIME("added_at") ", "
			       PEER_TIME("unreachable_since")
			       " FROM peers WHERE $1::text IS NULL OR domain > $1::text"
			       " ORDER BY domain LIMIT $2::integer",
			       2, p);
	if (r == NULL)
		return -1;
	int n = PQntuples(r);
	*out = arena_alloc(a, sizeof **out * (size_t)(n > 0 ? n : 1));
	for (int i = 0; i < n; i++) {
		(*out)[i].domain = db_value(r, i, 0);
		(*out)[i].note = db_value(r, i, 1);
		(*out)[i].added_at = db_value(r, i, 2);
		(*out)[i].unreachable_since = db_value(r, i, 3);
	}
	return n;
}

/* Whether accounts.domain col is $1, or with $2 a port of it or a subdomain of it. */
#define OF_DOMAIN(col)                                                                             \
	"(" col " = $1 OR ($2::boolean AND (split_part(" col ", ':', 1) = $1"                     \
	" OR split_part(" col ", ':', 1) LIKE '%.' || $1)))"

long
db_peer_sever_follows(struct arena *a, const char *domain, bool subdomains, struct err *err)
{
	/* Local accounts have no domain; remote ones always have one (0004_federation.sql).
	 * Domains hold only a-z, 0-9, '.', '-' and ':', so $1 has no LIKE wildcard. */
	static const char *const sql[] = {
	    "DELETE FROM follows f USING accounts x, accounts y"
	    " WHERE x.id = f.account_id AND y.id = f.target_account_id"
	    " AND ((" OF_DOMAIN("x.domain") " AND y.domain IS NULL)"
	    " OR (x.domain IS NULL AND " OF_DOMAIN("y.domain") "))",
	    "DELETE FROM follow_requests f USING accounts x, accounts y"
	    " WHERE x.id = f.account_id AND y.id = f.target_account_id"
	    " AND ((" OF_DOMAIN("x.domain") " AND y.domain IS NULL)"
	    " OR (x.domain IS NULL AND " OF_DOMAIN("y.domain") "))",
	};
	const char *p[] = {domain, subdomains && strchr(domain, ':') == NULL ? "true" : "false"};
	long total = 0;
	for (size_t i = 0; i < sizeof sql / sizeof sql[0]; i++) {
		PGresult *r = db_query(a, err, sql[i], 2, p);
		if (r == NULL)
			return -1;
		total += atol(PQcmdTuples(r));
	}
	return total;
}

int
db_attempt_record(struct arena *a, const char *domain, int max_rows, struct err *err)
{
	const char *p[] = {domain};
	/* xmax is 0 on a row the statement inserted, and set on one it updated. */
	PGresult *r = db_query(a, err,
			       "INSERT INTO federation_attempts (domain) SELECT $1::text"
			       " WHERE NOT EXISTS (SELECT 1 FROM peers WHERE domain = $1::text)"
			       " ON CONFLICT (domain) DO UPDATE"
			       " SET attempts = federation_attempts.attempts + 1, last_seen = now()"
			       " RETURNING xmax = 0",
			       1, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 0 || !db_bool(r, 0, 0))
		return 0; /* a peer, or a domain seen before: the table did not grow */
	char max[16];
	snprintf(max, sizeof max, "%d", max_rows);
	const char *q[] = {max};
	return db_query(a, err,
			"DELETE FROM federation_attempts WHERE domain IN (SELECT domain"
			" FROM federation_attempts ORDER BY last_seen DESC, domain"
			" OFFSET $1::integer)",
			1, q) == NULL
		       ? -1
		       : 0;
}

int
db_attempt_delete(struct arena *a, const char *domain, struct err *err)
{
	const char *p[] = {domain};
	return db_query(a, err, "DELETE FROM federation_attempts WHERE domain = $1", 1, p) == NULL
		       ? -1
		       : 0;
}

int
db_attempt_list(struct arena *a, int limit, struct fed_attempt **out, struct err *err)
{
	char lim[16];
	snprintf(lim, sizeof lim, "%d", limit);
	const char *p[] = {lim};
	PGresult *r = db_query(a, err,
			       "SELECT domain, attempts, " PEER_TIME("last_seen")
			       " FROM federation_attempts ORDER BY last_seen DESC, domain"
			       " LIMIT $1::integer",
			       1, p);
	if (r == NULL)
		return -1;
	int n = PQntuples(r);
	*out = arena_alloc(a, sizeof **out * (size_t)(n > 0 ? n : 1));
	for (int i = 0; i < n; i++) {
		(*out)[i].domain = db_value(r, i, 0);
		(*out)[i].attempts = (long long)db_int64(r, i, 1);
		(*out)[i].last_seen = db_value(r, i, 2);
	}
	return n;
}
