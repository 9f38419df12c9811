/* config.h - one config file ("key = value" lines) with PARASOL_<KEY> environment overrides.
 *
 * The keys, their types and limits are declared in one table in config.c; the documented
 * example is etc/parasol.conf.example. `parasol checkconf` runs config_load and reports. */
#ifndef PARASOL_CONFIG_H
#define PARASOL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "util/i18n.h"
#include "util/log.h"

struct err;

struct config {
	char *listen_address;
	int port;
	char *base_url; /* scheme://host[:port], no trailing slash */
	char *database_url;
	char *instance_name;
	char *instance_description;
	enum lang default_language;
	char *data_dir;
	char *media_dir;      /* images (media/store.h); "" means data_dir/media */
	int media_max_bytes;  /* an uploaded image's size limit */
	int media_max_pixels; /* an image's declared width x height limit (bombs) */
	char *image_program;  /* parasol-image (media/image.h); "" means found by itself */
	int remote_media_cache_kb; /* remote images cached at most (KiB, core/remote_media.h) */
	int remote_media_days;	   /* a remote image not shown this long is evicted */
	enum log_level log_level;
	bool auto_migrate;
	long body_limit;
	int connection_timeout;
	int header_timeout; /* seconds a request's head may take (0: only connection_timeout) */
	int body_min_rate;  /* bytes a second a request body must keep up (0: no minimum) */
	int connection_limit;	     /* connections open at once (libmicrohttpd's limit) */
	int connections_per_address; /* of them from one client address; 0: no cap */
	int threads;
	int page_cache_seconds; /* 0: no page cache */
	int page_cache_entries;
	int page_cache_bytes;
	int workers; /* in-process job worker threads; 0: run `parasol worker` instead */
	int post_max_chars;
	int import_max_bytes; /* a Mastodon CSV import's size limit (core/import.h) */
	int import_max_rows;  /* and its limit of accounts (rows) */
	bool federation_insecure_loopback; /* TEST ONLY: peers over http on loopback */
	int retry_first_delay;		   /* seconds before a failed job's first retry */
	int sweep_interval;		   /* seconds between moderation sweeps (ends, purges) */
	int fetch_timeout;  /* seconds an outbound request (delivery, fetch) may take */
	int shutdown_grace; /* seconds a stopping process lets outbound requests finish */
	int inbox_rate_limit; /* activities accepted per minute from one peer domain */
	char *trusted_proxy;	    /* addresses of the reverse proxies whose header we believe */
	char *trusted_proxy_header; /* x-forwarded-for or forwarded */
	int signin_delay_first;	    /* seconds: a targeted account's first wait (then doubled) */
	int signin_delay_max;	    /* seconds: the longest wait a targeted account gets */
	int streaming_limit;	    /* client API streams open at once (api/streaming.c) */
	int streaming_per_member;   /* of them for one member */
	int streaming_heartbeat;    /* seconds between a stream's heartbeat comments */
	int api_rate_limit;	    /* client API requests per token (or client) and window */
	int api_rate_window;	    /* seconds: that window */
	char *templates_dir;
	char *static_dir;
	char *migrations_dir;
	char *locale_dir;
};

/* Sets every key to its default (strings malloc'd). Call config_free afterwards. */
void config_defaults(struct config *cfg);

/* Applies "key = value" lines from text; source names the file in errors. On the first bad
 * line fails with ERR_INVALID and err->safe "SOURCE:LINE: message" naming the key. */
int config_parse(struct config *cfg, const char *text, const char *source, struct err *err);

/* Applies PARASOL_<KEY> environment variables; errors name the variable. */
int config_apply_env(struct config *cfg, struct err *err);

/* Defaults, then the file at path (skipped when path is NULL), then the environment.
 * On failure cfg still holds valid (partly applied) values and must be freed. */
int config_load(struct config *cfg, const char *path, struct err *err);

/* media_dir as set, else data_dir + "/media"; malloc'd (caller frees), NULL when out of
 * memory. */
char *config_media_dir(const struct config *cfg);

/* Frees the strings; cfg may be reused after config_defaults. */
void config_free(struct config *cfg);

#endif
