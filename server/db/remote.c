/* remote.c - remote accounts. */
#include "remote.h"

#include <stdio.h>

#include "db/accounts.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"

int
db_remote_upsert(struct arena *a, const struct remote_actor *ra, int64_t *id_out,
		 struct err *err)
{
	const char *p[] = {ra->uri,	     ra->domain,	   ra->username,
			   ra->display_name, ra->bio,		   ra->url,
			   ra->actor_type,   ra->inbox_url,	   ra->shared_inbox_url,
			   ra->followers_url, ra->key_id,	   ra->public_key_pem,
			   ra->locked ? "true" : "false"};
	PGresult *r = db_query(
		a, err,
		"INSERT INTO accounts (uri, domain, username, display_name, bio, url, actor_type,"
		" inbox_url, shared_inbox_url, followers_url, key_id, public_key_pem, locked,"
		" fetched_at, handle_verified_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,"
		" $10, $11, $12, $13::boolean, now(), now()) "
		"ON CONFLICT (uri) WHERE uri IS NOT NULL DO UPDATE SET username = EXCLUDED.username,"
		" display_name = EXCLUDED.display_name, bio = EXCLUDED.bio, url = EXCLUDED.url,"
		" actor_type = EXCLUDED.actor_type, inbox_url = EXCLUDED.inbox_url,"
		" shared_inbox_url = EXCLUDED.shared_inbox_url,"
		" followers_url = EXCLUDED.followers_url, key_id = EXCLUDED.key_id,"
		" public_key_pem = EXCLUDED.public_key_pem, locked = EXCLUDED.locked,"
		" fetched_at = now(), handle_verified_at = now() RETURNING id",
		13, p);
	if (r == NULL)
		return -1;
	*id_out = db_int64(r, 0, 0);
	return 0;
}

static struct account *
one(struct arena *a, PGresult *r, struct err *err)
{
	if (r == NULL)
		return NULL;
	if (PQntuples(r) == 0) {
		err_set(err, ERR_NOT_FOUND, "No account has that name.", "unknown remote account");
		return NULL;
	}
	struct account *acct = arena_alloc(a, sizeof *acct);
	db_account_row(a, r, 0, 0, acct);
	return acct;
}

struct account *
db_remote_by_uri(struct arena *a, const char *uri, struct err *err)
{
	const char *p[] = {uri};
	return one(a,
		   db_query(a, err,
			    "SELECT " DB_ACCOUNT_COLUMNS("a") " FROM accounts a WHERE a.uri = $1", 1,
			    p),
		   err);
}

struct account *
db_remote_by_key_id(struct arena *a, const char *key_id, const char **public_pem,
		    struct err *err)
{
	const char *p[] = {key_id};
	PGresult *r = db_query(a, err,
			       "SELECT " DB_ACCOUNT_COLUMNS("a") ", a.public_key_pem FROM accounts a"
			       " WHERE a.key_id = $1 AND a.domain IS NOT NULL LIMIT 1",
			       1, p);
	struct account *acct = one(a, r, err);
	if (acct != NULL && public_pem != NULL)
		*public_pem = db_value(r, 0, DB_ACCOUNT_NCOLUMNS);
	return acct;
}

struct account *
db_remote_by_acct(struct arena *a, const char *username, const char *domain, struct err *err)
{
	const char *p[] = {username, domain};
	return one(a,
		   db_query(a, err,
			    "SELECT " DB_ACCOUNT_COLUMNS("a") " FROM accounts a"
			    " WHERE lower(a.username) = lower($1) AND a.domain = lower($2)",
			    2, p),
		   err);
}

struct account *
db_remote_by_verified_acct(struct arena *a, const char *username, const char *domain,
			   int max_age_s, struct err *err)
{
	char age[16];
	snprintf(age, sizeof age, "%d", max_age_s);
	const char *p[] = {username, domain, age};
	return one(a,
		   db_query(a, err,
			    "SELECT " DB_ACCOUNT_COLUMNS("a") " FROM accounts a"
			    " WHERE lower(a.username) = lower($1) AND a.domain = lower($2)"
			    " AND a.handle_verified_at > now() - make_interval(secs => $3::int)",
			    3, p),
		   err);
}

int
db_remote_release_handle(struct arena *a, const char *username, const char *domain,
			 const char *keep_uri, struct err *err)
{
	const char *p[] = {username, domain, keep_uri};
	return db_query(a, err,
			"UPDATE accounts SET username = 'unverified~' || id,"
			" handle_verified_at = NULL WHERE lower(username) = lower($1)"
			" AND domain = lower($2) AND uri <> $3",
			3, p)
		       ? 0
		       : -1;
}
