/* ratelimit.c - see ratelimit.h. */
#include "api/ratelimit.h"

#include <microhttpd.h>
#include <stdio.h>
#include <time.h>

#include "api/api.h"
#include "app.h"
#include "http/ratelimit.h"
#include "http/respond.h"
#include "util/arena.h"
#include "util/i18n.h"

/* The wall-clock time reset_ms from now, as Mastodon writes it: 2026-12-06T09:05:00.000Z. */
static const char *
reset_time(struct arena *a, int64_t reset_ms)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	int64_t ms = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000 + reset_ms;
	time_t s = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&s, &tm);
	char buf[32];
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
	return arena_printf(a, "%s.%03dZ", buf, (int)(ms % 1000));
}

bool
api_rate_take(struct api_call *call)
{
	struct req *req = call->req;
	const struct app *app = req->app;
	if (app->api_by_token == NULL)
		return true;
	char key[40];
	if (call->access != NULL)
		snprintf(key, sizeof key, "t%lld", (long long)call->access->token_id);
	else {
		key[0] = 'c';
		req_client_key(req, key + 1);
	}
	int left = 0;
	int64_t reset = 0;
	bool ok = ratelimit_take(app->api_by_token, key, &left, &reset);
	resp_replace_header(req, "X-RateLimit-Limit",
			    arena_printf(req->arena, "%d", ratelimit_max(app->api_by_token)));
	resp_replace_header(req, "X-RateLimit-Remaining", arena_printf(req->arena, "%d", left));
	resp_replace_header(req, "X-RateLimit-Reset", reset_time(req->arena, reset));
	if (ok)
		return true;
	long wait = (long)((reset + 999) / 1000);
	resp_replace_header(req, MHD_HTTP_HEADER_RETRY_AFTER,
			    arena_printf(req->arena, "%ld", wait > 0 ? wait : 1));
	api_render_error(req, MHD_HTTP_TOO_MANY_REQUESTS,
			 N_("Too many requests. Please wait a moment."));
	return false;
}
