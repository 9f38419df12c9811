/* registration.c - POST /api/v1/accounts: signing up from an app (toot register, Mastodon.py
 * create_account), with an app's own token (client_credentials, write:accounts), in the
 * node's registration mode exactly as the web's sign-up (core/registration.h): by invite
 * (invite_code), by application (reason, then a moderator decides: the token answered
 * works from the approval on), or open; closed (403) during a lockdown, as /register is.
 * Only username and password are kept: an email sent by the app is never read. Guessed
 * invite codes and taken usernames count against the client like the web's sign-up
 * (http/signin_limit.h: failures only, the address as a keyed hash). The app's locale
 * becomes the member's language when the node has it. The answer is a Token, as on
 * Mastodon. */
#include <microhttpd.h>
#include <strings.h>

#include "api/api.h"
#include "api/params.h"
#include "core/account.h"
#include "core/oauth.h"
#include "core/registration.h"
#include "core/settings.h"
#include "util/err.h"
#include "http/signin_limit.h"

#define USERNAME_BYTES 200
#define PASSWORD_BYTES 1024

/* The mode's failures as Mastodon answers them: a taken username is a 422 there too. */
static int
refused(struct api_call *call, struct err *err)
{
	if (err->code == ERR_CONFLICT)
		err->code = ERR_UNPROCESSABLE;
	call->req->err = *err;
	return -1;
}

/* The app's locale as the member's language, when it is one of the node's ("zh", "zh-CN",
 * "zh-Hans" are Simplified Chinese; "en", "en-GB" English); otherwise the language stays
 * unset (each app's Accept-Language, as for the web's sign-up). 0, or -1 + err. */
static bool
locale_is(const char *locale, const char *lang)
{
	return locale != NULL && strncasecmp(locale, lang, 2) == 0 &&
	       (locale[2] == '\0' || locale[2] == '-' || locale[2] == '_');
}

static int
set_language(struct api_call *call, int64_t id, const char *locale)
{
	const char *lang = locale_is(locale, "zh")   ? "zh-CN"
			   : locale_is(locale, "en") ? "en"
						     : NULL;
	if (lang == NULL)
		return 0;
	struct account *acct = account_by_id(call->req->arena, id, &call->req->err);
	if (acct == NULL)
		return -1;
	return account_update_preferences(call->req->arena, id, lang, acct->default_visibility,
					  acct->time_zone, &call->req->err);
}

static int
create(struct api_call *call)
{
	struct req *req = call->req;
	if (call->access == NULL)
		return err_set(&req->err, ERR_UNAUTHORIZED, "The access token is invalid",
			       "registration without a token");
	if (call->me != NULL)
		return err_set(&req->err, ERR_FORBIDDEN,
			       "This method requires an app's own token, not a member's.",
			       "registration with a member's token");
	if (req->settings->lockdown) /* the web's sign-up is closed too (web/lockdown.c) */
		return err_set(&req->err, ERR_FORBIDDEN,
			       "Registrations are closed while this server is locked down.",
			       "registration during the lockdown");
	const char *username, *password, *locale, *reason, *invite, *email;
	bool agreement;
	if (api_str(call, "username", USERNAME_BYTES, &username) != 0 ||
	    api_str(call, "password", PASSWORD_BYTES, &password) != 0 ||
	    api_str(call, "locale", 20, &locale) != 0 ||
	    api_str(call, "reason", APPLICATION_NOTE_MAX * 4, &reason) != 0 ||
	    api_str(call, "invite_code", 200, &invite) != 0 ||
	    api_str(call, "email", 1000, &email) != 0 || /* checked, never kept */
	    api_bool(call, "agreement", false, &agreement) != 0)
		return -1;
	if (username == NULL || password == NULL)
		return err_set(&req->err, ERR_UNPROCESSABLE, "username and password are required.",
			       "registration without username or password");
	if (!agreement)
		return err_set(&req->err, ERR_UNPROCESSABLE,
			       "agreement: the server's rules must be accepted.", "no agreement");
	struct registration reg = {
	    .username = username, .password = password, .invite_code = invite, .note = reason};
	struct registration_result res = {0};
	struct err err;
	if (signin_limit_check(req, NULL, &err) != 0) /* with its Retry-After */
		return api_error_now(call, &err);
	if (registration_submit(req->arena, req->settings->registration_mode, &reg, &res, &err) !=
	    0) {
		if (res.bad_invite || res.taken)
			signin_limit_failed(req, NULL);
		return refused(call, &err);
	}
	if (set_language(call, res.account_id, locale) != 0)
		return -1;
	struct oauth_issued t;
	if (oauth_token_for_registrant(req->arena, call->access, res.account_id, &t, &req->err) !=
	    0)
		return -1;
	return api_token_answer(call, &t);
}

static const struct api_route routes[] = {
    {"POST", "/api/v1/accounts", create, API_ANYONE, SCOPE(SCOPE_WRITE_ACCOUNTS)},
};

int
api_registration_routes(struct router *r)
{
	return api_register(r, routes, sizeof routes / sizeof routes[0]);
}
