/* main.c - the parasol command: serve | worker | migrate | checkconf | version | admin ...
 *
 * Start reading here. `serve` loads the configuration (config.c), applies migrations
 * (db/migrate.c), loads templates and routes (app.c) and hands requests to libmicrohttpd
 * (http/server.c), which routes them to handlers in web/. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admin.h"
#include "ap/ap.h"
#include "ap/fetch.h"
#include "app.h"
#include "autoconfig.h"
#include "config.h"
#include "core/alerts.h"
#include "core/cache.h"
#include "core/sweep.h"
#include "db/db.h"
#include "db/migrate.h"
#include "http/router.h"
#include "jobs/worker.h"
#include "util/err.h"
#include "util/log.h"
#include "util/tmpl.h"

static void
usage(void)
{
	fputs("usage: parasol [-c CONFIG] COMMAND\n"
	      "commands:\n"
	      "  serve       run the server (applies migrations first unless auto_migrate = false)\n"
	      "  worker      run only the job workers, no HTTP (`workers` threads, at least one)\n"
	      "  migrate     apply pending database migrations\n"
	      "  checkconf   validate the configuration and templates\n"
	      "  routes      list every route the server answers (METHOD PATTERN per line)\n"
	      "  version     print the version\n",
	      stderr);
	admin_usage();
}

/* The config file: -c, else $PARASOL_CONFIG, else the installed one if it exists. */
static const char *
config_path(const char *arg)
{
	if (arg != NULL)
		return arg;
	const char *env = getenv("PARASOL_CONFIG");
	if (env != NULL && *env)
		return env;
	const char *installed = PARASOL_SYSCONFDIR "/parasol.conf";
	return access(installed, R_OK) == 0 ? installed : NULL;
}

static int
run_migrations(const struct config *cfg)
{
	struct err err = {0};
	db_init(cfg->database_url);
	int n = migrate_run(cfg->migrations_dir, &err);
	if (n < 0) {
		fprintf(stderr, "parasol: migration failed: %s\n",
			err.code == ERR_UNAVAILABLE ? err.detail : err.safe);
		return 1;
	}
	log_msg(LOG_INFO, "database schema up to date (%d migration%s applied)", n,
		n == 1 ? "" : "s");
	return 0;
}

static int
checkconf(const char *path, const struct config *cfg)
{
	struct err err = {0};
	struct tmpl_set *t = tmpl_set_load(cfg->templates_dir, &err);
	if (t == NULL) {
		fprintf(stderr, "parasol: templates: %s\n", err.detail);
		return 1;
	}
	tmpl_set_free(t);
	printf("%s: configuration OK\n", path ? path : "(defaults and environment)");
	return 0;
}

static void
print_route(const char *method, const char *pattern, void *ctx)
{
	(void)ctx;
	printf("%s %s\n", method, pattern);
}

/* `parasol routes`: what the router answers, for tests that must cover every route (a route
 * added without its row in their tables fails them). */
static int
list_routes(void)
{
	struct err err = {0};
	struct router *r = app_routes(&err);
	if (r == NULL) {
		fprintf(stderr, "parasol: %s\n", err.detail);
		return 1;
	}
	router_each(r, print_route, NULL);
	router_free(r);
	return 0;
}

/* `parasol worker`: the job workers and nothing else, until SIGINT or SIGTERM. Any number of
 * these may run, on any machine that reaches the database. */
static int
work(const struct config *cfg)
{
	if (cfg->auto_migrate && run_migrations(cfg) != 0)
		return 1;
	db_init(cfg->database_url);
	ap_start(cfg); /* registers the 'inbox' and 'deliver' handlers */
	/* timed suspensions and purges, home feeds trimmed (core/sweep.h) */
	worker_set_periodic(sweep_run, cfg->sweep_interval);
	/* Blocked before the threads start, so they inherit the mask and sigwait gets them. */
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);
	struct err err = {0};
	struct worker_pool *pool = NULL;
	if (app_media_setup(cfg, &err) != 0 ||
	    alerts_init(cfg->data_dir, &err) != 0 || /* partners' alerts: core/alerts.h */
	    cache_start(cfg->database_url, &err) != 0 || /* peers, keys: core/cache.h */
	    (pool = worker_pool_start(cfg->workers > 0 ? cfg->workers : 1, &err)) == NULL) {
		fprintf(stderr, "parasol: %s\n", err.detail[0] ? err.detail : err.safe);
		cache_stop();
		return 1;
	}
	log_msg(LOG_INFO, "parasol %s worker running", PACKAGE_VERSION);
	int sig = 0;
	sigwait(&stop, &sig);
	log_msg(LOG_INFO, "stopping (%s)", sig == SIGINT ? "SIGINT" : "SIGTERM");
	fetch_cancel_after(cfg->shutdown_grace); /* a slow peer can't hold the stop up */
	worker_pool_stop(pool); /* jobs in progress finish first */
	cache_stop();
	ap_stop();
	log_msg(LOG_INFO, "stopped");
	return 0;
}

static int
serve(struct config *cfg)
{
	if (cfg->auto_migrate && run_migrations(cfg) != 0)
		return 1;
	struct app app = {.cfg = *cfg};
	memset(cfg, 0, sizeof *cfg); /* app owns the strings now */
	struct err err = {0};
	int rc = 0;
	if (app_init(&app, &err) != 0 || app_serve(&app, &err) != 0) {
		fprintf(stderr, "parasol: %s\n", err.detail[0] ? err.detail : err.safe);
		rc = 1;
	}
	app_free(&app);
	return rc;
}

int
main(int argc, char **argv)
{
	const char *cfg_arg = NULL;
	int opt;
	while ((opt = getopt(argc, argv, "+c:h")) != -1) {
		if (opt == 'c') {
			cfg_arg = optarg;
		} else {
			usage();
			return opt == 'h' ? 0 : 2;
		}
	}
	if (optind >= argc) {
		usage();
		return 2;
	}
	const char *cmd = argv[optind];
	if (strcmp(cmd, "version") == 0) {
		printf("parasol %s\n", PACKAGE_VERSION);
		return 0;
	}
	const char *path = config_path(cfg_arg);
	struct config cfg;
	struct err err = {0};
	if (config_load(&cfg, path, &err) != 0) {
		fprintf(stderr, "parasol: %s\n", err.safe);
		config_free(&cfg);
		return 1;
	}
	log_set_level(cfg.log_level);
	int rc;
	if (strcmp(cmd, "serve") == 0 && optind + 1 == argc)
		rc = serve(&cfg);
	else if (strcmp(cmd, "worker") == 0 && optind + 1 == argc)
		rc = work(&cfg);
	else if (strcmp(cmd, "migrate") == 0 && optind + 1 == argc)
		rc = run_migrations(&cfg);
	else if (strcmp(cmd, "routes") == 0 && optind + 1 == argc)
		rc = list_routes();
	else if (strcmp(cmd, "checkconf") == 0 && optind + 1 == argc)
		rc = checkconf(path, &cfg);
	else if (strcmp(cmd, "admin") == 0)
		rc = admin_main(&cfg, argc - optind - 1, argv + optind + 1);
	else {
		usage();
		rc = 2;
	}
	config_free(&cfg);
	db_thread_close();
	return rc;
}
