/* oauth.c - OAuth 2 apps, codes and tokens (see oauth.h). */
#include "core/oauth.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/account.h"
#include "db/db.h"
#include "db/oauth.h"
#include "util/arena.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/token.h"
#include "util/utf8.h"

#define READ_ALL                                                                                   \
	(SCOPE(SCOPE_READ_ACCOUNTS) | SCOPE(SCOPE_READ_BLOCKS) | SCOPE(SCOPE_READ_BOOKMARKS) |     \
	 SCOPE(SCOPE_READ_FAVOURITES) | SCOPE(SCOPE_READ_FILTERS) | SCOPE(SCOPE_READ_FOLLOWS) |    \
	 SCOPE(SCOPE_READ_LISTS) | SCOPE(SCOPE_READ_MUTES) | SCOPE(SCOPE_READ_NOTIFICATIONS) |     \
	 SCOPE(SCOPE_READ_SEARCH) | SCOPE(SCOPE_READ_STATUSES))
#define WRITE_ALL                                                                                  \
	(SCOPE(SCOPE_WRITE_ACCOUNTS) | SCOPE(SCOPE_WRITE_BLOCKS) | SCOPE(SCOPE_WRITE_BOOKMARKS) |  \
	 SCOPE(SCOPE_WRITE_CONVERSATIONS) | SCOPE(SCOPE_WRITE_FAVOURITES) |                        \
	 SCOPE(SCOPE_WRITE_FILTERS) | SCOPE(SCOPE_WRITE_FOLLOWS) | SCOPE(SCOPE_WRITE_LISTS) |      \
	 SCOPE(SCOPE_WRITE_MEDIA) | SCOPE(SCOPE_WRITE_MUTES) | SCOPE(SCOPE_WRITE_NOTIFICATIONS) |  \
	 SCOPE(SCOPE_WRITE_REPORTS) | SCOPE(SCOPE_WRITE_STATUSES))
#define FOLLOW_ALL                                                                                 \
	(SCOPE(SCOPE_READ_FOLLOWS) | SCOPE(SCOPE_WRITE_FOLLOWS) | SCOPE(SCOPE_READ_BLOCKS) |       \
	 SCOPE(SCOPE_WRITE_BLOCKS) | SCOPE(SCOPE_READ_MUTES) | SCOPE(SCOPE_WRITE_MUTES))

static const struct {
	const char *name;
	uint64_t mask;
} scope_names[] = {
    {"read", READ_ALL},
    {"write", WRITE_ALL},
    {"follow", FOLLOW_ALL},
    {"push", SCOPE(SCOPE_PUSH)},
    {"read:accounts", SCOPE(SCOPE_READ_ACCOUNTS)},
    {"read:blocks", SCOPE(SCOPE_READ_BLOCKS)},
    {"read:bookmarks", SCOPE(SCOPE_READ_BOOKMARKS)},
    {"read:favourites", SCOPE(SCOPE_READ_FAVOURITES)},
    {"read:filters", SCOPE(SCOPE_READ_FILTERS)},
    {"read:follows", SCOPE(SCOPE_READ_FOLLOWS)},
    {"read:lists", SCOPE(SCOPE_READ_LISTS)},
    {"read:mutes", SCOPE(SCOPE_READ_MUTES)},
    {"read:notifications", SCOPE(SCOPE_READ_NOTIFICATIONS)},
    {"read:search", SCOPE(SCOPE_READ_SEARCH)},
    {"read:statuses", SCOPE(SCOPE_READ_STATUSES)},
    {"write:accounts", SCOPE(SCOPE_WRITE_ACCOUNTS)},
    {"write:blocks", SCOPE(SCOPE_WRITE_BLOCKS)},
    {"write:bookmarks", SCOPE(SCOPE_WRITE_BOOKMARKS)},
    {"write:conversations", SCOPE(SCOPE_WRITE_CONVERSATIONS)},
    {"write:favourites", SCOPE(SCOPE_WRITE_FAVOURITES)},
    {"write:filters", SCOPE(SCOPE_WRITE_FILTERS)},
    {"write:follows", SCOPE(SCOPE_WRITE_FOLLOWS)},
    {"write:lists", SCOPE(SCOPE_WRITE_LISTS)},
    {"write:media", SCOPE(SCOPE_WRITE_MEDIA)},
    {"write:mutes", SCOPE(SCOPE_WRITE_MUTES)},
    {"write:notifications", SCOPE(SCOPE_WRITE_NOTIFICATIONS)},
    {"write:reports", SCOPE(SCOPE_WRITE_REPORTS)},
    {"write:statuses", SCOPE(SCOPE_WRITE_STATUSES)},
};

int
oauth_scope_lookup(const char *name, uint64_t *mask)
{
	for (size_t i = 0; i < sizeof scope_names / sizeof scope_names[0]; i++)
		if (strcmp(scope_names[i].name, name) == 0) {
			*mask = scope_names[i].mask;
			return 0;
		}
	return -1;
}

static bool
scope_sep(char c)
{
	return c == ' ' || c == '+' || c == ',' || c == '\t' || c == '\n' || c == '\r';
}

int
oauth_scopes_parse(struct arena *a, const char *s, uint64_t *mask, const char **normal,
		   struct err *err)
{
	*mask = 0;
	if (s == NULL)
		s = "";
	if (strlen(s) > 1000)
		return err_set(err, ERR_INVALID, "The scope list is too long.", "scopes too long");
	char *out = arena_alloc(a, strlen(s) + 8);
	out[0] = '\0';
	const char *p = s;
	while (*p) {
		while (*p && scope_sep(*p))
			p++;
		size_t n = 0;
		while (p[n] && !scope_sep(p[n]))
			n++;
		if (n == 0)
			break;
		char *name = arena_strndup(a, p, n);
		p += n;
		uint64_t m;
		if (oauth_scope_lookup(name, &m) != 0)
			return err_set(err, ERR_INVALID,
				       "The requested scope is invalid, unknown, or malformed.",
				       "unknown scope");
		/* each name once, as given */
		bool seen = false;
		size_t len = strlen(name);
		for (const char *q = out; (q = strstr(q, name)) != NULL; q += len)
			if ((q == out || q[-1] == ' ') && (q[len] == '\0' || q[len] == ' '))
				seen = true;
		if (!seen) {
			if (out[0])
				strcat(out, " ");
			strcat(out, name);
		}
		*mask |= m;
	}
	if (out[0] == '\0') {
		strcpy(out, "read");
		*mask = READ_ALL;
	}
	*normal = out;
	return 0;
}

bool
oauth_scopes_cover(uint64_t granted, uint64_t need)
{
	return (granted & need) == need;
}

/* Schemes a browser would run or open locally instead of handing to an app: a redirect to
 * one, or the consent page's form-action naming one, is never what an app needs. */
static const char *const NO_REDIRECT_SCHEMES[] = {"javascript", "vbscript", "data", "file", "blob"};

static bool
scheme_refused(const char *u, size_t len)
{
	for (size_t i = 0; i < sizeof NO_REDIRECT_SCHEMES / sizeof NO_REDIRECT_SCHEMES[0]; i++)
		if (strlen(NO_REDIRECT_SCHEMES[i]) == len &&
		    strncasecmp(u, NO_REDIRECT_SCHEMES[i], len) == 0)
			return true;
	return false;
}

/* An absolute URI an app may be sent back to: OAUTH_OOB, or scheme ":" and printable ASCII
 * without spaces, quotes, ';' or ',' (it also goes into the consent page's CSP), the scheme
 * not one of NO_REDIRECT_SCHEMES. */
static bool
redirect_uri_ok(const char *u, size_t n)
{
	if (n == strlen(OAUTH_OOB) && strncmp(u, OAUTH_OOB, n) == 0)
		return true;
	size_t i = 0;
	if (n == 0 || !isalpha((unsigned char)u[0]))
		return false;
	while (i < n && (isalnum((unsigned char)u[i]) || u[i] == '+' || u[i] == '-' || u[i] == '.'))
		i++;
	if (i == 0 || i >= n || u[i] != ':' || i + 1 >= n || scheme_refused(u, i))
		return false;
	for (; i < n; i++)
		if (u[i] <= ' ' || u[i] >= 0x7f || strchr("\"'`;,<>\\{}|^", u[i]) != NULL)
			return false;
	return true;
}

/* Whether website is an http(s) URL of printable ASCII. */
static bool
website_ok(const char *w)
{
	if (strncmp(w, "https://", 8) != 0 && strncmp(w, "http://", 7) != 0)
		return false;
	for (const char *p = w; *p; p++)
		if (*p <= ' ' || *p >= 0x7f || *p == '"' || *p == '<' || *p == '>')
			return false;
	return true;
}

int
oauth_app_register(struct arena *a, const char *name, const char *website,
		   const char *redirect_uris, const char *scopes, struct oauth_app *out,
		   struct err *err)
{
	memset(out, 0, sizeof *out);
	char *n = name ? arena_strtrim(a, name) : NULL;
	if (n == NULL || *n == '\0')
		return err_set(err, ERR_UNPROCESSABLE, "client_name is required.",
			       "no client_name");
	if (!utf8_valid(n, strlen(n)) || utf8_chars(n) > OAUTH_APP_NAME_MAX)
		return err_set(err, ERR_UNPROCESSABLE, "client_name is too long.",
			       "bad client_name");
	for (const char *p = n; *p; p++)
		if ((unsigned char)*p < ' ')
			return err_set(err, ERR_UNPROCESSABLE,
				       "client_name may not hold control characters.",
				       "bad client_name");
	if (website != NULL && *website == '\0')
		website = NULL;
	if (website != NULL && (strlen(website) > OAUTH_WEBSITE_MAX || !website_ok(website)))
		return err_set(err, ERR_UNPROCESSABLE, "website must be an http or https URL.",
			       "bad website");
	if (redirect_uris == NULL || *redirect_uris == '\0')
		return err_set(err, ERR_UNPROCESSABLE, "redirect_uris is required.",
			       "no redirect_uris");
	if (strlen(redirect_uris) > OAUTH_REDIRECT_URIS_MAX)
		return err_set(err, ERR_UNPROCESSABLE, "redirect_uris is too long.",
			       "redirect_uris too long");
	/* one per line, normalised from newlines or spaces */
	char *uris = arena_alloc(a, strlen(redirect_uris) + 1);
	uris[0] = '\0';
	for (const char *p = redirect_uris; *p;) {
		while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')
			p++;
		size_t len = strcspn(p, " \n\r\t");
		if (len == 0)
			break;
		if (!redirect_uri_ok(p, len))
			return err_set(err, ERR_UNPROCESSABLE,
				       "redirect_uris must be absolute URIs (or "
				       "urn:ietf:wg:oauth:2.0:oob).",
				       "bad redirect uri");
		if (uris[0])
			strcat(uris, "\n");
		strncat(uris, p, len);
		p += len;
	}
	if (uris[0] == '\0')
		return err_set(err, ERR_UNPROCESSABLE, "redirect_uris is required.",
			       "no redirect_uris");
	if (oauth_scopes_parse(a, scopes, &out->scope_mask, &out->scopes, err) != 0) {
		err->code = ERR_UNPROCESSABLE;
		return -1;
	}
	char *client_id = token_random(a, 32, err), *secret = token_random(a, 32, err);
	if (client_id == NULL || secret == NULL)
		return -1;
	if (db_oauth_app_insert(a, n, website, uris, out->scopes, client_id, token_hash(a, secret),
				&out->id, err) != 0)
		return -1;
	out->name = n;
	out->website = website;
	out->redirect_uris = uris;
	out->client_id = client_id;
	out->client_secret = secret;
	return 0;
}

static int
bad_client(struct err *err)
{
	return err_set(err, ERR_UNAUTHORIZED,
		       "Client authentication failed: unknown client, or a wrong secret.",
		       "bad client");
}

int
oauth_app_check(struct arena *a, const char *client_id, const char *client_secret,
		struct oauth_app *out, struct err *err)
{
	memset(out, 0, sizeof *out);
	if (client_id == NULL || strlen(client_id) > 100)
		return bad_client(err);
	struct db_oauth_app row;
	bool secret_ok = false;
	int found =
	    db_oauth_app_find(a, client_id, client_secret ? token_hash(a, client_secret) : NULL,
			      &row, &secret_ok, err);
	if (found < 0)
		return -1;
	if (found == 0 || (client_secret != NULL && !secret_ok))
		return bad_client(err);
	out->id = row.id;
	out->name = row.name;
	out->website = row.website;
	out->redirect_uris = row.redirect_uris;
	out->client_id = row.client_id;
	struct err ignored;
	if (oauth_scopes_parse(a, row.scopes, &out->scope_mask, &out->scopes, &ignored) != 0)
		out->scope_mask = 0;
	return 0;
}

bool
oauth_redirect_allowed(const struct oauth_app *app, const char *uri)
{
	if (uri == NULL || *uri == '\0')
		return false;
	size_t n = strlen(uri);
	if (!redirect_uri_ok(uri, n)) /* an app registered before a scheme was refused */
		return false;
	for (const char *p = app->redirect_uris; *p;) {
		size_t len = strcspn(p, "\n");
		if (len == n && strncmp(p, uri, n) == 0)
			return true;
		p += len;
		if (*p == '\n')
			p++;
	}
	return false;
}

/* Scopes asked for, checked against the app's. */
static int
scopes_within(struct arena *a, const struct oauth_app *app, const char *asked, const char **normal,
	      struct err *err)
{
	uint64_t mask;
	if (oauth_scopes_parse(a, asked, &mask, normal, err) != 0)
		return -1;
	if (!oauth_scopes_cover(app->scope_mask, mask))
		return err_set(err, ERR_INVALID,
			       "The requested scope is more than the app registered for.",
			       "scope beyond the app's");
	return 0;
}

/* Makes a token (and refresh token when member_id != 0) for app and stores their hashes. */
static int
issue(struct arena *a, const struct oauth_app *app, int64_t member_id, const char *scopes,
      struct oauth_issued *out, struct err *err)
{
	memset(out, 0, sizeof *out);
	char *token = token_random(a, 32, err);
	char *refresh = member_id ? token_random(a, 32, err) : NULL;
	if (token == NULL || (member_id && refresh == NULL))
		return -1;
	if (db_oauth_token_insert(a, token_hash(a, token), refresh ? token_hash(a, refresh) : NULL,
				  app->id, member_id, scopes, err) != 0)
		return -1;
	out->access_token = token;
	out->refresh_token = refresh;
	out->scopes = scopes;
	out->created_at = (long long)clock_now();
	return 0;
}

/* Who may hold a token: a local approved member, suspended or not (a suspended member's
 * apps reach only what the web still shows them: api/api.c). */
static int
member_may_hold(const struct account *member, struct err *err)
{
	if (member->domain != NULL || !member->approved)
		return err_set(err, ERR_FORBIDDEN, "This account can't sign in to apps.",
			       "account not approved or remote");
	return 0;
}

int
oauth_token_for_member(struct arena *a, const struct oauth_app *app, const struct account *member,
		       const char *scopes, struct oauth_issued *out, struct err *err)
{
	const char *normal;
	if (member_may_hold(member, err) != 0 || scopes_within(a, app, scopes, &normal, err) != 0)
		return -1;
	return issue(a, app, member->id, normal, out, err);
}

int
oauth_token_for_app(struct arena *a, const struct oauth_app *app, const char *scopes,
		    struct oauth_issued *out, struct err *err)
{
	const char *normal;
	if (scopes_within(a, app, scopes, &normal, err) != 0)
		return -1;
	return issue(a, app, 0, normal, out, err);
}

int
oauth_token_for_registrant(struct arena *a, const struct oauth_access *app_token,
			   int64_t member_id, struct oauth_issued *out, struct err *err)
{
	if (app_token->member != NULL || app_token->app_id == 0)
		return err_set(err, ERR_FORBIDDEN, "Only an app's own token can create accounts.",
			       "registration with a member's token");
	struct oauth_app app = {.id = app_token->app_id};
	return issue(a, &app, member_id, app_token->scope_names, out, err);
}

static bool
challenge_ok(const char *c)
{
	if (strlen(c) != 43)
		return false;
	for (const char *p = c; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
			return false;
	return true;
}

int
oauth_code_issue(struct arena *a, const struct oauth_app *app, const struct account *member,
		 const char *scopes, const char *redirect_uri, const char *code_challenge,
		 const char **code, struct err *err)
{
	const char *normal;
	if (member_may_hold(member, err) != 0 || scopes_within(a, app, scopes, &normal, err) != 0)
		return -1;
	if (!oauth_redirect_allowed(app, redirect_uri))
		return err_set(err, ERR_INVALID, "The redirect_uri is not one the app registered.",
			       "redirect_uri not registered");
	if (code_challenge != NULL && *code_challenge == '\0')
		code_challenge = NULL;
	if (code_challenge != NULL && !challenge_ok(code_challenge))
		return err_set(err, ERR_INVALID, "The code_challenge is not a S256 challenge.",
			       "bad code_challenge");
	char *c = token_random(a, 32, err);
	if (c == NULL ||
	    db_oauth_code_insert(a, token_hash(a, c), app->id, member->id, normal, redirect_uri,
				 code_challenge, OAUTH_CODE_SECONDS, err) != 0)
		return -1;
	*code = c;
	return 0;
}

static int
bad_grant(struct err *err, const char *detail)
{
	return err_set(err, ERR_UNAUTHORIZED,
		       "The authorization code or refresh token is invalid, expired, used or "
		       "was issued to another client.",
		       "%s", detail);
}

int
oauth_code_exchange(struct arena *a, const struct oauth_app *app, bool client_authenticated,
		    const char *code, const char *redirect_uri, const char *code_verifier,
		    struct oauth_issued *out, struct err *err)
{
	if (code == NULL || *code == '\0' || strlen(code) > 100)
		return bad_grant(err, "no code");
	if (db_begin(err) != 0)
		return -1;
	struct db_oauth_code c;
	int found = db_oauth_code_take(a, token_hash(a, code), app->id, &c, err);
	if (found <= 0) {
		if (found == 0) {
			db_commit(err); /* the code is used up even so */
			return bad_grant(err, "unknown code");
		}
		db_rollback();
		return -1;
	}
	bool ok = redirect_uri != NULL && strcmp(redirect_uri, c.redirect_uri) == 0;
	/* without the secret only the PKCE verifier proves the caller is the app that asked:
	 * a code with no challenge, caught on its way back, would be anyone's */
	if (!client_authenticated && c.code_challenge == NULL)
		ok = false;
	if (c.code_challenge != NULL)
		ok = ok && code_verifier != NULL && strlen(code_verifier) >= 43 &&
		     strlen(code_verifier) <= 128 &&
		     token_equal(token_sha256_b64url(a, code_verifier), c.code_challenge);
	struct account *member = ok ? account_by_id(a, c.account_id, err) : NULL;
	if (!ok || member == NULL || member_may_hold(member, err) != 0 ||
	    issue(a, app, member->id, c.scopes, out, err) != 0) {
		if (!ok || err->code == ERR_NOT_FOUND || err->code == ERR_FORBIDDEN) {
			db_commit(err);
			return bad_grant(err, "code mismatch");
		}
		db_rollback();
		return -1;
	}
	return db_commit(err);
}

int
oauth_token_refresh(struct arena *a, const struct oauth_app *app, const char *refresh,
		    struct oauth_issued *out, struct err *err)
{
	if (refresh == NULL || *refresh == '\0' || strlen(refresh) > 100)
		return bad_grant(err, "no refresh token");
	char *token = token_random(a, 32, err), *next = token_random(a, 32, err);
	if (token == NULL || next == NULL)
		return -1;
	struct db_oauth_token row;
	int found = db_oauth_token_refresh(a, token_hash(a, refresh), app->id, token_hash(a, token),
					   token_hash(a, next), &row, err);
	if (found < 0)
		return -1;
	if (found == 0)
		return bad_grant(err, "unknown refresh token");
	out->access_token = token;
	out->refresh_token = next;
	out->scopes = row.scopes;
	out->created_at = (long long)clock_now();
	return 0;
}

int
oauth_token_revoke(struct arena *a, const struct oauth_app *app, const char *token, struct err *err)
{
	if (token == NULL || *token == '\0' || strlen(token) > 100)
		return 0;
	return db_oauth_token_revoke(a, token_hash(a, token), app->id, err) < 0 ? -1 : 0;
}

int
oauth_authenticate(struct arena *a, const char *token, struct oauth_access *out, struct err *err)
{
	memset(out, 0, sizeof *out);
	if (token == NULL || *token == '\0' || strlen(token) > 100)
		return err_set(err, ERR_UNAUTHORIZED, "The access token is invalid.", "no token");
	struct db_oauth_token row;
	int found = db_oauth_token_find(a, token_hash(a, token), &row, err);
	if (found < 0)
		return -1;
	if (found == 0)
		return err_set(err, ERR_UNAUTHORIZED, "The access token is invalid.",
			       "unknown token");
	if (row.account_id != 0) {
		struct account *member = account_by_id(a, row.account_id, err);
		if (member == NULL) {
			if (err->code == ERR_NOT_FOUND)
				return err_set(err, ERR_UNAUTHORIZED,
					       "The access token is invalid.",
					       "token of a gone account");
			return -1;
		}
		if (member_may_hold(member, err) != 0)
			return err_set(err, ERR_FORBIDDEN, "This account can't use apps.",
				       "token of an unapproved account");
		out->member = member;
	}
	uint64_t mask = 0;
	struct err ignored;
	if (oauth_scopes_parse(a, row.scopes, &mask, &(const char *){NULL}, &ignored) != 0)
		mask = 0;
	out->token_id = row.id;
	out->app_id = row.app_id;
	out->scopes = mask;
	out->scope_names = row.scopes;
	out->app_name = row.app_name;
	out->app_website = row.app_website;
	if (!row.used_today && db_oauth_token_touch(a, row.id, err) != 0)
		return -1;
	return 0;
}

int
oauth_grants(struct arena *a, int64_t member_id, struct oauth_grant **out, struct err *err)
{
	struct db_oauth_grant *rows;
	int n = db_oauth_grants(a, member_id, &rows, err);
	if (n < 0)
		return -1;
	*out = arena_alloc(a, sizeof **out * (size_t)(n > 0 ? n : 1));
	for (int i = 0; i < n; i++) {
		(*out)[i].id = rows[i].id;
		(*out)[i].app_name = rows[i].app_name;
		(*out)[i].app_website = rows[i].app_website;
		(*out)[i].scopes = rows[i].scopes;
		(*out)[i].created_on = rows[i].created_on;
		(*out)[i].last_used_on = rows[i].last_used_on;
	}
	return n;
}

int
oauth_grant_revoke(struct arena *a, int64_t member_id, int64_t id, struct err *err)
{
	int n = db_oauth_token_delete_id(a, member_id, id, err);
	if (n < 0)
		return -1;
	if (n == 0)
		return err_set(err, ERR_NOT_FOUND, "That app is not authorised any more.",
			       "no such token");
	return 0;
}

int
oauth_end_all(struct arena *a, int64_t member_id, struct err *err)
{
	return db_oauth_tokens_delete_account(a, member_id, err);
}

#define OAUTH_UNUSED_APP_DAYS 7

int
oauth_sweep(struct arena *a, struct err *err)
{
	if (db_oauth_codes_prune(a, err) < 0 ||
	    db_oauth_apps_prune(a, OAUTH_UNUSED_APP_DAYS, err) < 0 ||
	    db_idempotency_prune(a, err) < 0)
		return -1;
	return 0;
}
