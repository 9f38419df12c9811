/* app.c - start-up and shutdown of the serving process. */
#include "app.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "autoconfig.h"
#include "ap/ap.h"
#include "ap/fetch.h"
#include "ap/flag.h"
#include "ap/inbox.h"
#include "ap/verify.h"
#include "api/api.h"
#include "api/streaming.h"
#include "core/alerts.h"
#include "core/twofactor.h"
#include "core/cache.h"
#include "core/media.h"
#include "core/oauth.h"
#include "core/remote_media.h"
#include "core/sweep.h"
#include "core/session.h"
#include "db/db.h"
#include "http/ratelimit.h"
#include "http/router.h"
#include "http/server.h"
#include "http/signin_limit.h"
#include "http/static.h"
#include "jobs/group.h"
#include "jobs/worker.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/log.h"
#include "util/tmpl.h"
#include "web/web.h"

struct router *
app_routes(struct err *err)
{
	struct router *r = router_new();
	if (r == NULL) {
		err_set(err, ERR_INTERNAL, NULL, "out of memory");
		return NULL;
	}
	if (web_routes(r) != 0 || ap_routes(r) != 0 || api_routes(r) != 0) {
		router_free(r);
		err_set(err, ERR_INTERNAL, NULL, "a route pattern is malformed");
		return NULL;
	}
	return r;
}

int
app_media_setup(const struct config *cfg, struct err *err)
{
	char *dir = config_media_dir(cfg);
	if (dir == NULL)
		return err_set(err, ERR_INTERNAL, NULL, "out of memory");
	struct media_config mc = {.dir = dir,
				  .max_bytes = (size_t)cfg->media_max_bytes,
				  .max_pixels = cfg->media_max_pixels,
				  .program = cfg->image_program};
	int rc = media_setup(&mc, err);
	free(dir);
	struct remote_media_config rc_cfg = {.cache_bytes = (int64_t)cfg->remote_media_cache_kb * 1024,
					     .days = cfg->remote_media_days};
	remote_media_setup(&rc_cfg);
	return rc;
}

int
app_init(struct app *app, struct err *err)
{
	if ((app->tmpl = tmpl_set_load(app->cfg.templates_dir, err)) == NULL)
		return -1;
	if ((app->statics = static_load(app->cfg.static_dir, err)) == NULL)
		return -1;
	if (i18n_init(app->cfg.locale_dir, err) != 0)
		return -1;
	if (proxy_trust_parse(&app->proxy, app->cfg.trusted_proxy,
			      app->cfg.trusted_proxy_header) != 0)
		return err_set(err, ERR_INVALID, "trusted_proxy or trusted_proxy_header is invalid",
			       "bad trusted_proxy");
	if (signin_limit_init(app->cfg.signin_delay_first, app->cfg.signin_delay_max) != 0)
		return err_set(err, ERR_INTERNAL, NULL, "out of memory");
	app->flags_by_peer = ratelimit_new(1024, AP_FLAGS_PER_HOUR, 3600, NULL);
	app->inbox_by_peer = ratelimit_new(1024, app->cfg.inbox_rate_limit, INBOX_RATE_WINDOW_S, NULL);
	app->apps_by_client = ratelimit_new(4096, API_APPS_PER_CLIENT, API_APPS_WINDOW_S, NULL);
	app->api_by_token = ratelimit_new(8192, app->cfg.api_rate_limit, app->cfg.api_rate_window,
					  NULL);
	if (app->flags_by_peer == NULL || app->inbox_by_peer == NULL || app->apps_by_client == NULL ||
	    app->api_by_token == NULL)
		return err_set(err, ERR_INTERNAL, NULL, "out of memory");
	if ((app->router = app_routes(err)) == NULL)
		return -1;
	if (app_media_setup(&app->cfg, err) != 0)
		return -1;
	/* the node key that seals TOTP secrets (core/twofactor.h) */
	if (twofactor_init(app->cfg.data_dir, err) != 0)
		return -1;
	/* the alerts' identifier key, derived from it (core/alerts.h) */
	if (alerts_init(app->cfg.data_dir, err) != 0)
		return -1;
	db_init(app->cfg.database_url);
	ap_start(&app->cfg);
	if (cache_start(app->cfg.database_url, err) != 0) /* settings, peers, keys: core/cache.h */
		return -1;
	/* timed suspensions and purges, home feeds trimmed (core/sweep.h) */
	worker_set_periodic(sweep_run, app->cfg.sweep_interval);
	/* apps that never got a token, old Idempotency-Keys (core/oauth.h) */
	if (worker_add_periodic(oauth_sweep) != 0)
		log_msg(LOG_ERROR, "api: no room for the pruning of apps");
	return 0;
}

/* The client API (bearer tokens, JSON) and the web (cookies, pages) each have their own
 * before hook and error answers: the API never reads the session cookie. */
static int
app_before(struct req *req)
{
	return api_path(req->path) ? api_before(req) : web_before(req);
}

static void
app_render_error(struct req *req, int status, const char *message)
{
	if (api_path(req->path))
		api_render_error(req, status, message);
	else
		web_render_error(req, status, message);
}

/* What the anonymous page cache compares: it grows with every write of this process
 * (db_write_generation) and every change to the settings, peers or keys, this process's or,
 * through LISTEN/NOTIFY, another's (core/cache.h). A change made by a commit and then
 * announced to the in-memory copies moves it twice, so a page rendered in between, from the
 * old copy, is stale as soon as the copy is. */
static uint64_t
data_generation(void)
{
	uint64_t g = db_write_generation();
	for (int p = 0; p < CACHE__MAX; p++)
		if (p != CACHE_REMOTE) /* every actor refetched would empty the cache; pages
					* show remote accounts' changes within page_cache_seconds */
			g += cache_generation((enum cache_part)p);
	return g;
}

int
app_serve(struct app *app, struct err *err)
{
	/* Block the stop signals in every thread (libmicrohttpd's inherit the mask), and wait
	 * for them here. */
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);

	struct http_options opts = {
		.address = app->cfg.listen_address,
		.port = app->cfg.port,
		.threads = app->cfg.threads,
		.body_limit = app->cfg.body_limit,
		/* a post's four images and its text, or one avatar */
		.upload_limit = app->cfg.body_limit +
				(long)MEDIA_MAX_ATTACHMENTS * app->cfg.media_max_bytes,
		.timeout = app->cfg.connection_timeout,
		.header_timeout = app->cfg.header_timeout,
		.body_min_rate = app->cfg.body_min_rate,
		.connection_limit = app->cfg.connection_limit,
		.connections_per_address = app->cfg.connections_per_address,
		/* each handler thread and job worker: a database connection and up to five
		 * outgoing ones (ap/fetch.c keeps four alive); and logs, files, epoll */
		.fd_reserve = 64 + 6L * ((long)http_thread_count(app->cfg.threads,
								 sysconf(_SC_NPROCESSORS_ONLN)) +
					  app->cfg.workers),
		.default_lang = app->cfg.default_language,
		.router = app->router,
		.app = app,
		.proxy = &app->proxy,
		.render_error = app_render_error,
		.before = app_before,
		.before_handler = web_check_csrf,
		/* anonymous pages, stale after this process's writes or the TTL */
		.page_cache_seconds = app->cfg.page_cache_seconds,
		.page_cache_entries = (size_t)app->cfg.page_cache_entries,
		.page_cache_bytes = (size_t)app->cfg.page_cache_bytes,
		.write_generation = data_generation,
		.session_cookie = strncmp(app->cfg.base_url, "https://", 8) == 0
					  ? SESSION_COOKIE_HTTPS
					  : SESSION_COOKIE,
	};
	/* Keys of signed requests are fetched by threads of their own (ap/keyfetch.h). */
	if (ap_verify_start() != 0)
		return err_set(err, ERR_INTERNAL, NULL, "the key-fetching threads did not start");
	/* Inbox POSTs are stored in batches by a thread of their own (jobs/group.h); it runs
	 * until the HTTP server has answered every request handed to it. */
	if (group_start() != 0) {
		ap_verify_stop();
		return err_set(err, ERR_INTERNAL, NULL, "the inbox's group commit did not start");
	}
	/* The client API's streams hear of posts through LISTEN (api/streaming.h). */
	if (api_streaming_start(app, err) != 0) {
		group_stop();
		ap_verify_stop();
		return -1;
	}
	struct http_server *srv = http_server_start(&opts, err);
	if (srv == NULL) {
		api_streaming_stop();
		group_stop();
		ap_verify_stop();
		return -1;
	}
	log_msg(LOG_INFO, "parasol %s serving", PACKAGE_VERSION);
	/* Job workers (config `workers`; 0 leaves the jobs to `parasol worker` processes). */
	struct worker_pool *workers = worker_pool_start(app->cfg.workers, err);
	if (workers == NULL) {
		http_server_stop(srv);
		api_streaming_stop();
		group_stop();
		ap_verify_stop();
		db_thread_close();
		return -1;
	}
	int sig = 0;
	sigwait(&stop, &sig);
	log_msg(LOG_INFO, "stopping (%s)", sig == SIGINT ? "SIGINT" : "SIGTERM");
	fetch_cancel_after(app->cfg.shutdown_grace); /* a slow peer can't hold the stop up */
	worker_pool_stop(workers); /* jobs in progress finish first */
	http_server_stop(srv); /* closes the streams too */
	api_streaming_stop();
	group_stop(); /* after the server: it waits for the answers the group gives */
	ap_verify_stop();
	db_thread_close();
	log_msg(LOG_INFO, "stopped");
	return 0;
}

void
app_free(struct app *app)
{
	router_free(app->router);
	signin_limit_free();
	ratelimit_free(app->flags_by_peer);
	ratelimit_free(app->inbox_by_peer);
	ratelimit_free(app->api_by_token);
	ratelimit_free(app->apps_by_client);
	static_free(app->statics);
	tmpl_set_free(app->tmpl);
	i18n_shutdown();
	cache_stop();
	ap_stop();
	config_free(&app->cfg);
	memset(app, 0, sizeof *app);
}
