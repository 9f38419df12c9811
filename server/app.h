/* app.h - everything `parasol serve` holds for its lifetime: configuration, templates, static
 * files, routes. One struct app per process, owned by main(). */
#ifndef PARASOL_APP_H
#define PARASOL_APP_H

#include "config.h"
#include "http/client_addr.h"

struct err;
struct ratelimit;
struct router;
struct static_files;
struct tmpl_set;

struct app {
	struct config cfg;
	struct tmpl_set *tmpl;
	struct static_files *statics;
	struct router *router;
	struct proxy_trust proxy;	    /* trusted_proxy (http/client_addr.h) */
	struct ratelimit *flags_by_peer;    /* Flags received per peer domain (ap/flag.h) */
	struct ratelimit *apps_by_client;   /* apps registered per client (api/oauth.c) */
	struct ratelimit *inbox_by_peer;    /* activities accepted per peer domain and minute */
	struct ratelimit *api_by_token;	    /* client API requests per token (api/ratelimit.h) */
};

/* Loads templates (a syntax error fails with "file:line: message"), static files, the
 * language catalogues and the routes, using an already loaded cfg (moved into app).
 * On failure everything loaded so far is freed by app_free. */
int app_init(struct app *app, struct err *err);

/* Starts the image pipeline (core/media.h) with cfg's media_dir and limits; serve and
 * worker both need it (workers delete files). 0 or -1 + err. */
int app_media_setup(const struct config *cfg, struct err *err);

/* Every route the server answers (web/ and ap/), in a new router (router_free it). NULL +
 * err when a pattern is malformed or memory runs out. Needs no database. */
struct router *app_routes(struct err *err);

/* Serves until SIGINT or SIGTERM, then stops cleanly (requests in flight finish). */
int app_serve(struct app *app, struct err *err);

/* Frees what app_init loaded and the configuration. */
void app_free(struct app *app);

#endif
