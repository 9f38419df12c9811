/* oauth.h - OAuth 2 for the Mastodon client API: apps, scopes, authorisation codes (with
 * PKCE), access and refresh tokens, and the member's list of authorised apps.
 *
 * Every secret (client secret, code, access token, refresh token) is 256 random bits shown
 * once and stored as its SHA-256 (util/token.h), so a copy of the database holds no working
 * credential; no slow hash is needed since nobody can guess 256 random bits. A token names
 * its member and its scopes; the member comes from core/account.c at every request, so a
 * suspension, an unapproval or a deletion holds at once. Signing out everywhere, a new
 * password, turning two-factor on (core/session.c), a suspension (a trigger, migration
 * 0040) and deleting the account end every token. */
#ifndef PARASOL_CORE_OAUTH_H
#define PARASOL_CORE_OAUTH_H

#include <stdbool.h>
#include <stdint.h>

#include "db/model.h"

struct arena;
struct err;
struct oauth_access;

/* Scopes as bits: one per sub-scope ("read:statuses"); "read", "write" and "follow" stand
 * for several (Mastodon's meaning: "follow" is read and write of follows, blocks, mutes). */
enum oauth_scope_bit {
	SCOPE_READ_ACCOUNTS,
	SCOPE_READ_BLOCKS,
	SCOPE_READ_BOOKMARKS,
	SCOPE_READ_FAVOURITES,
	SCOPE_READ_FILTERS,
	SCOPE_READ_FOLLOWS,
	SCOPE_READ_LISTS,
	SCOPE_READ_MUTES,
	SCOPE_READ_NOTIFICATIONS,
	SCOPE_READ_SEARCH,
	SCOPE_READ_STATUSES,
	SCOPE_WRITE_ACCOUNTS,
	SCOPE_WRITE_BLOCKS,
	SCOPE_WRITE_BOOKMARKS,
	SCOPE_WRITE_CONVERSATIONS,
	SCOPE_WRITE_FAVOURITES,
	SCOPE_WRITE_FILTERS,
	SCOPE_WRITE_FOLLOWS,
	SCOPE_WRITE_LISTS,
	SCOPE_WRITE_MEDIA,
	SCOPE_WRITE_MUTES,
	SCOPE_WRITE_NOTIFICATIONS,
	SCOPE_WRITE_REPORTS,
	SCOPE_WRITE_STATUSES,
	SCOPE_PUSH,
	SCOPE__MAX
};
#define SCOPE(bit) ((uint64_t)1 << (bit))

/* The bits name stands for ("read", "read:statuses", ...): 0 and the mask, or -1 for a name
 * this node doesn't grant (admin scopes included). */
int oauth_scope_lookup(const char *name, uint64_t *mask);

/* Parses a scope list ("read write", "read+write": space, '+' or ',' separated; NULL or
 * empty: "read", the OAuth default): *mask the union, *normal (arena) the names deduplicated
 * in the order given, as the token response echoes them. ERR_INVALID naming the first
 * unknown scope. 0 or -1 + err. */
int oauth_scopes_parse(struct arena *a, const char *s, uint64_t *mask, const char **normal,
		       struct err *err);

/* Whether the scopes granted cover every bit of need. */
bool oauth_scopes_cover(uint64_t granted, uint64_t need);

/* A registered app. Strings are the arena's. */
struct oauth_app {
	int64_t id;
	const char *name;
	const char *website;	   /* NULL when none */
	const char *redirect_uris; /* one per line */
	const char *scopes;	   /* as registered, normalised */
	uint64_t scope_mask;
	const char *client_id;
	const char *client_secret; /* only right after oauth_app_register; NULL otherwise */
};

#define OAUTH_APP_NAME_MAX 200
#define OAUTH_REDIRECT_URIS_MAX 2000
#define OAUTH_WEBSITE_MAX 2000
#define OAUTH_OOB "urn:ietf:wg:oauth:2.0:oob"

/* Registers an app (POST /api/v1/apps): name required, redirect_uris one or more absolute
 * URIs (or OAUTH_OOB) separated by newlines or spaces, website NULL or an http(s) URL,
 * scopes parsed as oauth_scopes_parse. ERR_UNPROCESSABLE naming what is wrong. Fills out,
 * with the client secret. 0 or -1 + err. */
int oauth_app_register(struct arena *a, const char *name, const char *website,
		       const char *redirect_uris, const char *scopes, struct oauth_app *out,
		       struct err *err);

/* The app with client_id; when client_secret is not NULL it must be the app's secret.
 * ERR_UNAUTHORIZED for an unknown client or a wrong secret (one message). 0 or -1 + err. */
int oauth_app_check(struct arena *a, const char *client_id, const char *client_secret,
		    struct oauth_app *out, struct err *err);

/* Whether uri is one of app's redirect URIs (exactly). */
bool oauth_redirect_allowed(const struct oauth_app *app, const char *uri);

/* A token just made, to hand to the app once (arena strings). */
struct oauth_issued {
	const char *access_token;
	const char *refresh_token; /* NULL for the app's own tokens */
	const char *scopes;	   /* normalised, space separated */
	long long created_at;	   /* Unix time of the issue (the response's created_at) */
};

/* A token for member (the password grant, after the caller checked the password and the
 * limits): scopes must be within the app's (ERR_INVALID). member must be local and approved
 * (ERR_FORBIDDEN); a suspended member may hold one, which reaches only what the web still
 * shows them (api/api.c). 0 or -1 + err. */
int oauth_token_for_member(struct arena *a, const struct oauth_app *app,
			   const struct account *member, const char *scopes,
			   struct oauth_issued *out, struct err *err);

/* The app's own token (client_credentials): no member behind it, so it reaches what a
 * visitor may see (and apps registration). 0 or -1 + err. */
int oauth_token_for_app(struct arena *a, const struct oauth_app *app, const char *scopes,
			struct oauth_issued *out, struct err *err);

/* A token for member_id, an account just registered through the app that holds app_token
 * (an app's own token: ERR_FORBIDDEN for a member's), with app_token's scopes (POST
 * /api/v1/accounts). An applicant waiting for approval gets one too, as on Mastodon: it
 * works from the approval on (oauth_authenticate refuses it until then). 0 or -1 + err. */
int oauth_token_for_registrant(struct arena *a, const struct oauth_access *app_token,
			       int64_t member_id, struct oauth_issued *out, struct err *err);

#define OAUTH_CODE_SECONDS 600

/* An authorisation code for member, who consented on the authorize page: scopes within the
 * app's (ERR_INVALID), redirect_uri one of the app's (ERR_INVALID), code_challenge NULL or
 * a PKCE S256 challenge (43 base64url characters; ERR_INVALID otherwise). *code (arena)
 * good once, for OAUTH_CODE_SECONDS. 0 or -1 + err. */
int oauth_code_issue(struct arena *a, const struct oauth_app *app, const struct account *member,
		     const char *scopes, const char *redirect_uri, const char *code_challenge,
		     const char **code, struct err *err);

/* Exchanges a code for a token (authorization_code): the code must be app's, live, issued
 * for redirect_uri, and when it carried a PKCE challenge, code_verifier must hash to it.
 * client_authenticated: the caller gave app's secret; when false (a public client) the code
 * must carry a challenge. ERR_UNAUTHORIZED for any mismatch (the code is used up either
 * way). 0 or -1 + err. */
int oauth_code_exchange(struct arena *a, const struct oauth_app *app, bool client_authenticated,
			const char *code, const char *redirect_uri, const char *code_verifier,
			struct oauth_issued *out, struct err *err);

/* A new access and refresh token for the refresh token of app's (refresh_token): the old
 * pair stops working. ERR_UNAUTHORIZED when unknown. 0 or -1 + err. */
int oauth_token_refresh(struct arena *a, const struct oauth_app *app, const char *refresh,
			struct oauth_issued *out, struct err *err);

/* Revokes app's token (access or refresh token). Unknown tokens are not an error (RFC
 * 7009). 0 or -1 + err. */
int oauth_token_revoke(struct arena *a, const struct oauth_app *app, const char *token,
		       struct err *err);

/* Who a bearer token speaks for. */
struct oauth_access {
	int64_t token_id;
	int64_t app_id;
	uint64_t scopes;
	const char *scope_names; /* the same scopes, normalised, space separated */
	const struct account *member; /* NULL for an app's own token */
	const char *app_name;
	const char *app_website; /* NULL when none */
};

/* The access a bearer token gives: ERR_UNAUTHORIZED for an unknown (or revoked) token,
 * ERR_FORBIDDEN for a member who is not approved (a suspended member's token is answered:
 * the caller decides what it reaches). Notes the day of use (once
 * a day). 0 or -1 + err. */
int oauth_authenticate(struct arena *a, const char *token, struct oauth_access *out,
		       struct err *err);

/* A member's authorised app, for Settings (arena strings). */
struct oauth_grant {
	int64_t id;
	const char *app_name;
	const char *app_website;
	const char *scopes;
	const char *created_on;	  /* YYYY-MM-DD */
	const char *last_used_on; /* YYYY-MM-DD: the day, never the time */
};

/* member_id's authorised apps, newest first: count or -1 + err. */
int oauth_grants(struct arena *a, int64_t member_id, struct oauth_grant **out, struct err *err);

/* Revokes member_id's token id (the app stops working at once). ERR_NOT_FOUND when the
 * member has no such token. 0 or -1 + err. */
int oauth_grant_revoke(struct arena *a, int64_t member_id, int64_t id, struct err *err);

/* Ends every token and code of member_id (inside the caller's transaction, if any). */
int oauth_end_all(struct arena *a, int64_t member_id, struct err *err);

/* Periodic work: forgets expired codes, apps that never got a token after a week, and
 * Idempotency-Keys older than an hour. 0 or -1 + err. */
int oauth_sweep(struct arena *a, struct err *err);

#endif
