/* memberpage.c - a member's /home and /notifications through the page cache (http/server.c,
 * "Member pages"): served again only when core/pagecheck.h proves that nothing the page
 * shows changed since it was rendered. */
#include "web/web.h"

#include <microhttpd.h>
#include <string.h>

#include "app.h"
#include "core/account.h"
#include "core/cache.h"
#include "core/pagecheck.h"
#include "core/settings.h"
#include "http/request.h"
#include "util/arena.h"
#include "util/i18n.h"
#include "util/log.h"
#include "util/clock.h"
#include "util/timefmt.h"

/* The part of the token this process holds: the instance settings are read from a copy in
 * memory (core/cache.h), which follows a change when this process hears of it, perhaps
 * after the page's snapshot already holds the change (the node's epoch). Its generation in
 * the token makes a page rendered with the old copy stale when the new one comes. NULL when
 * no copy is kept (the settings are read from the database before the snapshot began). */
static const char *
local_part(struct arena *a)
{
	if (!cache_live())
		return NULL;
	return arena_printf(a, "|g%llu", (unsigned long long)cache_generation(CACHE_SETTINGS));
}

/* The settings as of now's generation (gen) and, inside the snapshot, the signed-in member
 * (the session was checked before the snapshot: it stays valid or the next request finds it
 * gone), so that the page is of one moment. false when that can't be done, or when the
 * language the key names is no longer the member's. */
static bool
reload(struct req *req, const char *gen)
{
	const struct app *app = req->app;
	struct instance_settings *s = arena_alloc(req->arena, sizeof *s);
	struct err err;
	if (settings_load(req->arena, &app->cfg, s, &err) != 0)
		return false;
	const char *after = local_part(req->arena);
	if (after == NULL || strcmp(after, gen) != 0)
		return false; /* changed while being read: this copy's moment is unknown */
	if (pagecheck_begin(&err) != 0) {
		log_msg(LOG_WARN, "member page snapshot: %s", err.detail);
		return false;
	}
	struct account *viewer = account_by_id(req->arena, req->viewer->id, &err);
	enum lang lang = i18n_negotiate(req_header(req, MHD_HTTP_HEADER_ACCEPT_LANGUAGE),
					s->default_language);
	enum lang l;
	if (viewer != NULL && viewer->language && i18n_lang_parse(viewer->language, &l) == 0)
		lang = l;
	if (viewer == NULL || lang != req->lang) {
		pagecheck_end();
		return false;
	}
	req->settings = s;
	req->viewer = viewer;
	return true;
}

/* The check's token for deps now: the database's part and this process's. */
static const char *
token_now(struct req *req, const char *deps, const char *gen)
{
	struct err err;
	const char *db = pagecheck_token(req->arena, deps, &err);
	if (db == NULL) {
		log_msg(LOG_WARN, "member page check: %s", err.detail);
		return NULL;
	}
	return arena_printf(req->arena, "%s%s", db, gen);
}

/* Answers req with the page kept under key when its check proves it current: true. Else
 * drops what was kept (false). */
static bool
kept_and_current(struct req *req, const char *key, const char *gen)
{
	const char *deps, *token;
	int64_t until;
	if (!req_member_page_lookup(req, key, &deps, &token, &until))
		return false;
	const char *now = NULL;
	if ((until == 0 || clock_now() < until) && (now = token_now(req, deps, gen)) != NULL &&
	    strcmp(now, token) == 0) {
		req_member_page_answer(req);
		pagecheck_shown(req->arena, deps, now);
		log_msg(LOG_DEBUG, "member page: kept page served after its check");
		return true;
	}
	req_member_page_drop(req, key);
	return false;
}

int
web_member_page(struct req *req, int (*render)(struct req *req))
{
	const char *key = req_member_page_key(req, req->viewer->id);
	const char *gen = local_part(req->arena);
	if (key == NULL || gen == NULL)
		return render(req);
	if (kept_and_current(req, key, gen))
		return 0;
	/* another request of this session may be rendering it: wait for that, check what it
	 * kept, and render only when that is no good either (without waiting twice) */
	if (!req_member_page_render(req, key, true)) {
		if (kept_and_current(req, key, gen))
			return 0;
		req_member_page_render(req, key, false);
	}
	int64_t until;
	if (!reload(req, gen))
		return render(req);
	web_page_collect(req);
	web_page_shows_account(req, req->viewer->id);
	int rc = render(req);
	const char *now = NULL, *now_deps = NULL;
	if (rc == 0 && pagecheck_open()) {
		const int64_t *statuses, *accounts;
		int nstatuses, naccounts;
		web_page_shown(req, &statuses, &nstatuses, &accounts, &naccounts, &until);
		now_deps = pagecheck_deps(req->arena, req->viewer->id, statuses, nstatuses,
					  accounts, naccounts);
		now = token_now(req, now_deps, gen);
	}
	pagecheck_end();
	if (now != NULL) {
		req_member_page_keep(req, key, now_deps, now, until);
		pagecheck_shown(req->arena, now_deps, now);
	}
	log_msg(LOG_DEBUG, "member page: rendered");
	return rc;
}
