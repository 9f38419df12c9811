/* oauth.c - queries on oauth_apps, oauth_codes, oauth_tokens and api_idempotency. */
#include "db/oauth.h"

#include <stdio.h>
#include <string.h>

#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"

int
db_oauth_app_insert(struct arena *a, const char *name, const char *website,
		    const char *redirect_uris, const char *scopes, const char *client_id,
		    const char *secret_hash, int64_t *id_out, struct err *err)
{
	const char *p[] = {name, website, redirect_uris, scopes, client_id, secret_hash};
	PGresult *r = db_query(a, err,
			       "INSERT INTO oauth_apps (name, website, redirect_uris, scopes, "
			       "client_id, secret_hash) VALUES ($1, $2, $3, $4, $5, $6::bytea) "
			       "RETURNING id",
			       6, p);
	if (r == NULL)
		return -1;
	*id_out = db_int64(r, 0, 0);
	return 0;
}

static void
app_row(const PGresult *r, int row, int col, struct db_oauth_app *out)
{
	out->id = db_int64(r, row, col);
	out->name = db_value(r, row, col + 1);
	out->website = db_value(r, row, col + 2);
	out->redirect_uris = db_value(r, row, col + 3);
	out->scopes = db_value(r, row, col + 4);
	out->client_id = db_value(r, row, col + 5);
}

int
db_oauth_app_find(struct arena *a, const char *client_id, const char *secret_hash,
		  struct db_oauth_app *out, bool *secret_ok, struct err *err)
{
	const char *p[] = {client_id, secret_hash};
	PGresult *r = db_query(a, err,
			       "SELECT id, name, website, redirect_uris, scopes, client_id, "
			       "secret_hash = $2::bytea FROM oauth_apps WHERE client_id = $1",
			       2, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 0)
		return 0;
	app_row(r, 0, 0, out);
	if (secret_ok != NULL)
		*secret_ok = db_bool(r, 0, 6);
	return 1;
}

int
db_oauth_apps_prune(struct arena *a, int days, struct err *err)
{
	char d[16];
	snprintf(d, sizeof d, "%d", days);
	const char *p[] = {d};
	return db_rows_changed(
	    db_query(a, err,
		     "DELETE FROM oauth_apps o WHERE created_on < current_date - $1::integer "
		     "AND NOT EXISTS (SELECT 1 FROM oauth_tokens t WHERE t.app_id = o.id) "
		     "AND NOT EXISTS (SELECT 1 FROM oauth_codes c WHERE c.app_id = o.id)",
		     1, p));
}

int
db_oauth_codes_prune(struct arena *a, struct err *err)
{
	return db_rows_changed(
	    db_query(a, err, "DELETE FROM oauth_codes WHERE expires_at <= now()", 0, NULL));
}

int
db_oauth_code_insert(struct arena *a, const char *code_hash, int64_t app_id, int64_t account_id,
		     const char *scopes, const char *redirect_uri, const char *code_challenge,
		     int seconds, struct err *err)
{
	char app[ID_STRLEN], acct[ID_STRLEN], s[16];
	snprintf(s, sizeof s, "%d", seconds);
	const char *p[] = {code_hash, id_format(app_id, app), id_format(account_id, acct),
			   scopes,    redirect_uri,	      code_challenge,
			   s};
	return db_query(a, err,
			"INSERT INTO oauth_codes (code_hash, app_id, account_id, scopes, "
			"redirect_uri, code_challenge, expires_at) VALUES ($1::bytea, $2, $3, $4, "
			"$5, $6, now() + make_interval(secs => $7::integer))",
			7, p)
		   ? 0
		   : -1;
}

int
db_oauth_code_take(struct arena *a, const char *code_hash, int64_t app_id,
		   struct db_oauth_code *out, struct err *err)
{
	char app[ID_STRLEN];
	const char *p[] = {code_hash, id_format(app_id, app)};
	/* deleted whoever's it is and whether it expired: a code is tried once */
	PGresult *r = db_query(a, err,
			       "DELETE FROM oauth_codes WHERE code_hash = $1::bytea RETURNING "
			       "account_id, scopes, redirect_uri, code_challenge, "
			       "app_id = $2 AND expires_at > now()",
			       2, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 0 || !db_bool(r, 0, 4))
		return 0;
	out->account_id = db_int64(r, 0, 0);
	out->scopes = db_value(r, 0, 1);
	out->redirect_uri = db_value(r, 0, 2);
	out->code_challenge = db_value(r, 0, 3);
	return 1;
}

int
db_oauth_token_insert(struct arena *a, const char *token_hash, const char *refresh_hash,
		      int64_t app_id, int64_t account_id, const char *scopes, struct err *err)
{
	char app[ID_STRLEN], acct[ID_STRLEN];
	const char *p[] = {token_hash, refresh_hash, id_format(app_id, app),
			   account_id ? id_format(account_id, acct) : NULL, scopes};
	return db_query(a, err,
			"INSERT INTO oauth_tokens (token_hash, refresh_hash, app_id, account_id, "
			"scopes) VALUES ($1::bytea, $2::bytea, $3, $4, $5)",
			5, p)
		   ? 0
		   : -1;
}

#define TOKEN_COLUMNS                                                                              \
	"t.id, t.app_id, t.account_id, t.scopes, o.name, o.website, "                              \
	"t.last_used_on >= current_date"

static void
token_row(const PGresult *r, int row, struct db_oauth_token *out)
{
	out->id = db_int64(r, row, 0);
	out->app_id = db_int64(r, row, 1);
	out->account_id = db_int64(r, row, 2);
	out->scopes = db_value(r, row, 3);
	out->app_name = db_value(r, row, 4);
	out->app_website = db_value(r, row, 5);
	out->used_today = db_bool(r, row, 6);
}

int
db_oauth_token_find(struct arena *a, const char *token_hash, struct db_oauth_token *out,
		    struct err *err)
{
	const char *p[] = {token_hash};
	PGresult *r = db_query(a, err,
			       "SELECT " TOKEN_COLUMNS " FROM oauth_tokens t JOIN oauth_apps o "
			       "ON o.id = t.app_id WHERE t.token_hash = $1::bytea",
			       1, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 0)
		return 0;
	token_row(r, 0, out);
	return 1;
}

int
db_oauth_token_touch(struct arena *a, int64_t id, struct err *err)
{
	char t[ID_STRLEN];
	const char *p[] = {id_format(id, t)};
	return db_query(a, err,
			"UPDATE oauth_tokens SET last_used_on = current_date WHERE id = $1 "
			"AND last_used_on < current_date",
			1, p)
		   ? 0
		   : -1;
}

int
db_oauth_token_refresh(struct arena *a, const char *refresh_hash, int64_t app_id,
		       const char *new_token_hash, const char *new_refresh_hash,
		       struct db_oauth_token *out, struct err *err)
{
	char app[ID_STRLEN];
	const char *p[] = {refresh_hash, id_format(app_id, app), new_token_hash, new_refresh_hash};
	PGresult *r =
	    db_query(a, err,
		     "WITH t AS (UPDATE oauth_tokens SET token_hash = $3::bytea, "
		     "refresh_hash = $4::bytea, last_used_on = current_date "
		     "WHERE refresh_hash = $1::bytea AND app_id = $2 RETURNING *) "
		     "SELECT " TOKEN_COLUMNS " FROM t JOIN oauth_apps o ON o.id = t.app_id",
		     4, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 0)
		return 0;
	token_row(r, 0, out);
	return 1;
}

int
db_oauth_token_revoke(struct arena *a, const char *hash, int64_t app_id, struct err *err)
{
	char app[ID_STRLEN];
	const char *p[] = {hash, id_format(app_id, app)};
	return db_rows_changed(db_query(a, err,
					"DELETE FROM oauth_tokens WHERE app_id = $2 AND "
					"(token_hash = $1::bytea OR refresh_hash = $1::bytea)",
					2, p));
}

int
db_oauth_token_delete_id(struct arena *a, int64_t account_id, int64_t id, struct err *err)
{
	char acct[ID_STRLEN], t[ID_STRLEN];
	const char *p[] = {id_format(account_id, acct), id_format(id, t)};
	return db_rows_changed(
	    db_query(a, err, "DELETE FROM oauth_tokens WHERE account_id = $1 AND id = $2", 2, p));
}

int
db_oauth_tokens_delete_account(struct arena *a, int64_t account_id, struct err *err)
{
	char acct[ID_STRLEN];
	const char *p[] = {id_format(account_id, acct)};
	return db_query(a, err,
			"WITH c AS (DELETE FROM oauth_codes WHERE account_id = $1) "
			"DELETE FROM oauth_tokens WHERE account_id = $1",
			1, p)
		   ? 0
		   : -1;
}

int
db_oauth_grants(struct arena *a, int64_t account_id, struct db_oauth_grant **out, struct err *err)
{
	char acct[ID_STRLEN];
	const char *p[] = {id_format(account_id, acct)};
	PGresult *r = db_query(a, err,
			       "SELECT t.id, o.name, o.website, t.scopes, t.created_on::text, "
			       "t.last_used_on::text FROM oauth_tokens t JOIN oauth_apps o ON "
			       "o.id = t.app_id WHERE t.account_id = $1 ORDER BY t.id DESC",
			       1, p);
	if (r == NULL)
		return -1;
	int n = PQntuples(r);
	*out = arena_alloc(a, sizeof **out * (size_t)(n > 0 ? n : 1));
	for (int i = 0; i < n; i++) {
		(*out)[i].id = db_int64(r, i, 0);
		(*out)[i].app_name = db_value(r, i, 1);
		(*out)[i].app_website = db_value(r, i, 2);
		(*out)[i].scopes = db_value(r, i, 3);
		(*out)[i].created_on = db_value(r, i, 4);
		(*out)[i].last_used_on = db_value(r, i, 5);
	}
	return n;
}

int64_t
db_idempotency_find(struct arena *a, int64_t account_id, const char *key, struct err *err)
{
	char acct[ID_STRLEN];
	const char *p[] = {id_format(account_id, acct), key};
	return db_query_int64(a, err,
			      "SELECT status_id FROM api_idempotency WHERE account_id = $1 AND "
			      "key = $2 AND created_at > now() - interval '1 hour'",
			      2, p);
}

int
db_idempotency_put(struct arena *a, int64_t account_id, const char *key, int64_t status_id,
		   struct err *err)
{
	char acct[ID_STRLEN], st[ID_STRLEN];
	const char *p[] = {id_format(account_id, acct), key, id_format(status_id, st)};
	if (db_query(a, err,
		     "DELETE FROM api_idempotency WHERE account_id = $1 AND "
		     "created_at <= now() - interval '1 hour'",
		     1, p) == NULL)
		return -1;
	return db_query(a, err,
			"INSERT INTO api_idempotency (account_id, key, status_id) "
			"VALUES ($1, $2, $3)",
			3, p)
		   ? 0
		   : -1;
}

int
db_idempotency_prune(struct arena *a, struct err *err)
{
	return db_rows_changed(db_query(
	    a, err, "DELETE FROM api_idempotency WHERE created_at <= now() - interval '1 hour'", 0,
	    NULL));
}
