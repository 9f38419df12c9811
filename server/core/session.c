/* session.c - session tokens and their lookup. */
#include "session.h"

#include <string.h>

#include "db/db.h"
#include "core/oauth.h"
#include "db/sessions.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/token.h"

char *
session_create(struct arena *a, int64_t account_id, const char *user_agent, bool persistent,
	       const char *replaces, struct err *err)
{
	char *token = token_random(a, 32, err);
	if (token == NULL || db_begin(err) != 0)
		return NULL;
	if ((replaces != NULL && db_session_delete(a, token_hash(a, replaces), err) != 0) ||
	    db_session_insert(a, account_id, token_hash(a, token), SESSION_DAYS,
			      session_label(a, user_agent), persistent, err) != 0) {
		db_rollback();
		return NULL;
	}
	return db_commit(err) == 0 ? token : NULL;
}

struct account *
session_account(struct arena *a, const char *token, struct session_row *session,
		struct err *err)
{
	if (token == NULL || strlen(token) != 43) {
		err_set(err, ERR_NOT_FOUND, NULL, "no session");
		return NULL;
	}
	struct session_row ignored;
	return db_session_account(a, token_hash(a, token), SESSION_IDLE_HOURS,
				  session ? session : &ignored, err);
}

/* The first name whose marker the User-Agent holds (order matters: Edge and Opera say
 * "Chrome", Chrome says "Safari", Android says "Linux"). */
struct ua_mark {
	const char *marker;
	const char *name;
};

static const struct ua_mark browsers[] = {
	{"Edg/", "Edge"},	    {"EdgA/", "Edge"},	       {"OPR/", "Opera"},
	{"Opera", "Opera"},	    {"SamsungBrowser/", "Samsung Internet"},
	{"Firefox/", "Firefox"}, {"FxiOS/", "Firefox"},    {"CriOS/", "Chrome"},
	{"Chromium/", "Chromium"}, {"Chrome/", "Chrome"},   {"Safari/", "Safari"},
	{"w3m/", "w3m"},	    {"Lynx/", "Lynx"},
};

static const struct ua_mark systems[] = {
	{"Android", "Android"}, {"iPhone", "iOS"},   {"iPad", "iPadOS"},
	{"CrOS", "ChromeOS"},	{"Windows", "Windows"}, {"Macintosh", "macOS"},
	{"Linux", "Linux"},
};

static const char *
first_mark(const char *ua, const struct ua_mark *marks, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strstr(ua, marks[i].marker) != NULL)
			return marks[i].name;
	return NULL;
}

const char *
session_label(struct arena *a, const char *user_agent)
{
	if (user_agent == NULL)
		return "";
	const char *b = first_mark(user_agent, browsers, sizeof browsers / sizeof browsers[0]);
	const char *s = first_mark(user_agent, systems, sizeof systems / sizeof systems[0]);
	if (b != NULL && s != NULL)
		return arena_printf(a, "%s, %s", b, s);
	return b ? b : s ? s : "";
}

int
session_list(struct arena *a, int64_t account_id, struct session_row **out, struct err *err)
{
	return db_session_list(a, account_id, out, err);
}

int
session_end_id(struct arena *a, int64_t account_id, int64_t id, struct err *err)
{
	int n = db_session_delete_id(a, account_id, id, err);
	if (n < 0)
		return -1;
	if (n == 0)
		return err_set(err, ERR_NOT_FOUND, "That session has ended already.",
			       "no such session of the account");
	return 0;
}

int
session_end(struct arena *a, const char *token, struct err *err)
{
	if (token == NULL)
		return 0;
	return db_session_delete(a, token_hash(a, token), err);
}

/* Apps' tokens end with the browsers' sessions (core/oauth.h): whoever took the password or
 * the phone may have authorised an app too. */
int
session_end_all(struct arena *a, int64_t account_id, struct err *err)
{
	if (db_begin(err) != 0)
		return -1;
	if (db_session_delete_all(a, account_id, err) != 0 ||
	    oauth_end_all(a, account_id, err) != 0) {
		db_rollback();
		return -1;
	}
	return db_commit(err);
}

int
session_end_others(struct arena *a, int64_t account_id, const char *token, struct err *err)
{
	if (db_begin(err) != 0)
		return -1;
	if (db_session_delete_others(a, account_id, token_hash(a, token ? token : ""), err) != 0 ||
	    oauth_end_all(a, account_id, err) != 0) {
		db_rollback();
		return -1;
	}
	return db_commit(err);
}
