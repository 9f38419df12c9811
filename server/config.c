/* config.c - a declarative table of keys; the file parser and the environment share it. */
#include "config.h"
#include "http/client_addr.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/fileio.h"

enum key_type {
	KEY_STRING,
	KEY_INT,
	KEY_BOOL,
	KEY_BASE_URL,
	KEY_LOG_LEVEL,
	KEY_LANG,
	KEY_PROXIES,     /* numeric addresses (http/client_addr.h) */
	KEY_PROXY_HEADER /* x-forwarded-for or forwarded */
};

struct key {
	const char *name;
	enum key_type type;
	size_t offset;
	long min, max; /* KEY_INT limits; KEY_STRING: min 1 means "must not be empty" */
	const char *def;
};

#define OFF(f) offsetof(struct config, f)
static const struct key keys[] = {
	{"listen_address", KEY_STRING, OFF(listen_address), 1, 0, "127.0.0.1"},
	{"port", KEY_INT, OFF(port), 1, 65535, "8080"},
	{"base_url", KEY_BASE_URL, OFF(base_url), 0, 0, "http://127.0.0.1:8080"},
	{"database_url", KEY_STRING, OFF(database_url), 1, 0, "dbname=parasol"},
	{"instance_name", KEY_STRING, OFF(instance_name), 1, 0, "parasol"},
	{"instance_description", KEY_STRING, OFF(instance_description), 0, 0,
	 "A community-run microblog."},
	{"default_language", KEY_LANG, OFF(default_language), 0, 0, "en"},
	{"data_dir", KEY_STRING, OFF(data_dir), 1, 0, "/var/lib/parasol"},
	{"media_dir", KEY_STRING, OFF(media_dir), 0, 0, ""},
	{"media_max_bytes", KEY_INT, OFF(media_max_bytes), 1024, 100L << 20, "10485760"},
	{"media_max_pixels", KEY_INT, OFF(media_max_pixels), 1, 100000000, "40000000"},
	{"image_program", KEY_STRING, OFF(image_program), 0, 0, ""},
	{"remote_media_cache_kb", KEY_INT, OFF(remote_media_cache_kb), 1, 1L << 30, "1048576"},
	{"remote_media_days", KEY_INT, OFF(remote_media_days), 1, 3650, "30"},
	{"log_level", KEY_LOG_LEVEL, OFF(log_level), 0, 0, "info"},
	{"auto_migrate", KEY_BOOL, OFF(auto_migrate), 0, 0, "true"},
	{"body_limit", KEY_INT, OFF(body_limit), 1024, 1L << 30, "1048576"},
	{"connection_timeout", KEY_INT, OFF(connection_timeout), 1, 3600, "30"},
	{"header_timeout", KEY_INT, OFF(header_timeout), 0, 3600, "20"},
	{"body_min_rate", KEY_INT, OFF(body_min_rate), 0, 1L << 30, "500"},
	{"connection_limit", KEY_INT, OFF(connection_limit), 16, 65536, "900"},
	{"connections_per_address", KEY_INT, OFF(connections_per_address), 0, 65536, "32"},
	{"threads", KEY_INT, OFF(threads), 0, 256, "0"},
	{"page_cache_seconds", KEY_INT, OFF(page_cache_seconds), 0, 3600, "2"},
	{"page_cache_entries", KEY_INT, OFF(page_cache_entries), 1, 1000000, "2048"},
	{"page_cache_bytes", KEY_INT, OFF(page_cache_bytes), 65536, 1L << 30, "8388608"},
	{"workers", KEY_INT, OFF(workers), 0, 32, "4"},
	{"post_max_chars", KEY_INT, OFF(post_max_chars), 100, 100000, "5000"},
	{"import_max_bytes", KEY_INT, OFF(import_max_bytes), 1024, 64L << 20, "1048576"},
	{"import_max_rows", KEY_INT, OFF(import_max_rows), 1, 1000000, "10000"},
	{"federation_insecure_loopback", KEY_BOOL, OFF(federation_insecure_loopback), 0, 0,
	 "false"},
	{"retry_first_delay", KEY_INT, OFF(retry_first_delay), 1, 3600, "30"},
	{"sweep_interval", KEY_INT, OFF(sweep_interval), 1, 86400, "300"},
	{"fetch_timeout", KEY_INT, OFF(fetch_timeout), 1, 3600, "10"},
	{"shutdown_grace", KEY_INT, OFF(shutdown_grace), 0, 3600, "5"},
	{"inbox_rate_limit", KEY_INT, OFF(inbox_rate_limit), 1, 1000000, "600"},
	{"trusted_proxy", KEY_PROXIES, OFF(trusted_proxy), 0, 0, ""},
	{"trusted_proxy_header", KEY_PROXY_HEADER, OFF(trusted_proxy_header), 0, 0,
	 "x-forwarded-for"},
	{"signin_delay_first", KEY_INT, OFF(signin_delay_first), 1, 3600, "1"},
	{"signin_delay_max", KEY_INT, OFF(signin_delay_max), 1, 3600, "60"},
	{"streaming_limit", KEY_INT, OFF(streaming_limit), 0, 65536, "200"},
	{"streaming_per_member", KEY_INT, OFF(streaming_per_member), 1, 1000, "8"},
	{"streaming_heartbeat", KEY_INT, OFF(streaming_heartbeat), 1, 3600, "15"},
	{"api_rate_limit", KEY_INT, OFF(api_rate_limit), 1, 1000000, "300"},
	{"api_rate_window", KEY_INT, OFF(api_rate_window), 1, 86400, "300"},
	{"templates_dir", KEY_STRING, OFF(templates_dir), 1, 0, PARASOL_DATADIR "/templates"},
	{"static_dir", KEY_STRING, OFF(static_dir), 1, 0, PARASOL_DATADIR "/static"},
	{"migrations_dir", KEY_STRING, OFF(migrations_dir), 1, 0, PARASOL_DATADIR "/migrations"},
	{"locale_dir", KEY_STRING, OFF(locale_dir), 1, 0, PARASOL_LOCALEDIR},
};
#define NKEYS (sizeof keys / sizeof keys[0])

/* scheme://host[:port] with a DNS name, an IPv4 address or a bracketed IPv6 address; no
 * user info, path, query or trailing slash. */
static int
valid_base_url(const char *v)
{
	const char *host;
	if (strncmp(v, "https://", 8) == 0)
		host = v + 8;
	else if (strncmp(v, "http://", 7) == 0)
		host = v + 7;
	else
		return 0;
	const char *p = host;
	if (*p == '[') {
		p++;
		while (isxdigit((unsigned char)*p) || *p == ':' || *p == '.')
			p++;
		if (*p != ']' || p == host + 1)
			return 0;
		p++;
	} else {
		while (isalnum((unsigned char)*p) || *p == '.' || *p == '-')
			p++;
		if (p == host)
			return 0;
	}
	if (*p == '\0')
		return 1;
	if (*p != ':' || p[1] == '\0')
		return 0;
	char *end;
	long port = strtol(p + 1, &end, 10);
	return *end == '\0' && isdigit((unsigned char)p[1]) && port >= 1 && port <= 65535;
}

/* Sets one key from text; on failure returns a message (static) and changes nothing. */
static const char *
set_key(struct config *cfg, const struct key *k, const char *v)
{
	void *field = (char *)cfg + k->offset;
	switch (k->type) {
	case KEY_STRING:
	case KEY_BASE_URL:
	case KEY_PROXIES:
	case KEY_PROXY_HEADER: {
		struct proxy_trust t;
		if (k->min > 0 && *v == '\0')
			return "must not be empty";
		if (k->type == KEY_BASE_URL && !valid_base_url(v))
			return "must be http:// or https:// followed by a host and optional port, "
			       "with no path or trailing slash";
		if (k->type == KEY_PROXIES && proxy_trust_parse(&t, v, NULL) != 0)
			return "must be numeric IP addresses separated by commas (at most 16)";
		if (k->type == KEY_PROXY_HEADER && proxy_trust_parse(&t, "", v) != 0)
			return "must be x-forwarded-for or forwarded";
		char *copy = strdup(v);
		if (copy == NULL)
			return "out of memory";
		free(*(char **)field);
		*(char **)field = copy;
		return NULL;
	}
	case KEY_INT: {
		char *end;
		errno = 0;
		long n = strtol(v, &end, 10);
		if (*v == '\0' || *end != '\0' || errno != 0 || n < k->min || n > k->max)
			return "must be a whole number in range";
		if (k->offset == OFF(body_limit))
			*(long *)field = n;
		else
			*(int *)field = (int)n;
		return NULL;
	}
	case KEY_BOOL:
		if (!strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "1"))
			*(bool *)field = true;
		else if (!strcmp(v, "false") || !strcmp(v, "no") || !strcmp(v, "0"))
			*(bool *)field = false;
		else
			return "must be true or false";
		return NULL;
	case KEY_LOG_LEVEL:
		if (log_level_parse(v, (enum log_level *)field) != 0)
			return "must be debug, info, warn, error or crit";
		return NULL;
	case KEY_LANG:
		if (i18n_lang_parse(v, (enum lang *)field) != 0)
			return "must be en or zh-CN";
		return NULL;
	}
	return "unknown type";
}

static void
describe_range(const struct key *k, char *buf, size_t n)
{
	if (k->type == KEY_INT)
		snprintf(buf, n, " (%ld to %ld)", k->min, k->max);
	else
		buf[0] = '\0';
}

void
config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	for (size_t i = 0; i < NKEYS; i++)
		if (set_key(cfg, &keys[i], keys[i].def) != NULL)
			abort(); /* a default that fails its own check is a bug */
}

static const struct key *
find_key(const char *name, size_t len)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (strlen(keys[i].name) == len && strncmp(keys[i].name, name, len) == 0)
			return &keys[i];
	return NULL;
}

static char *
trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

int
config_parse(struct config *cfg, const char *text, const char *source, struct err *err)
{
	int lineno = 0, rc = 0;
	char *copy = strdup(text), *save = NULL;
	if (copy == NULL)
		return err_set(err, ERR_INTERNAL, NULL, "out of memory");
	/* strtok_r would skip empty lines and break the line count: walk by hand. */
	for (char *line = copy; line != NULL; line = save) {
		lineno++;
		char *nl = strchr(line, '\n');
		save = nl ? nl + 1 : NULL;
		if (nl)
			*nl = '\0';
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		char *l = trim(line);
		if (*l == '\0')
			continue;
		char *eq = strchr(l, '=');
		if (eq == NULL) {
			rc = err_set(err, ERR_INVALID, NULL, "%s:%d: expected \"key = value\"", source,
				     lineno);
			break;
		}
		*eq = '\0';
		char *name = trim(l), *value = trim(eq + 1);
		const struct key *k = find_key(name, strlen(name));
		if (k == NULL) {
			rc = err_set(err, ERR_INVALID, NULL, "%s:%d: unknown key '%.64s'", source,
				     lineno, name);
			break;
		}
		const char *why = set_key(cfg, k, value);
		if (why != NULL) {
			char range[64];
			describe_range(k, range, sizeof range);
			rc = err_set(err, ERR_INVALID, NULL, "%s:%d: %s %s%s", source, lineno,
				     k->name, why, range);
			break;
		}
	}
	free(copy);
	if (rc != 0)
		err_show_detail(err);
	return rc;
}

int
config_apply_env(struct config *cfg, struct err *err)
{
	for (size_t i = 0; i < NKEYS; i++) {
		char var[64] = "PARASOL_";
		size_t j = strlen(var);
		for (const char *p = keys[i].name; *p && j < sizeof var - 1; p++)
			var[j++] = (char)toupper((unsigned char)*p);
		var[j] = '\0';
		const char *v = getenv(var);
		if (v == NULL)
			continue;
		const char *why = set_key(cfg, &keys[i], v);
		if (why != NULL) {
			char range[64];
			describe_range(&keys[i], range, sizeof range);
			err_set(err, ERR_INVALID, NULL, "%s: %s %s%s", var, keys[i].name, why,
				range);
			err_show_detail(err);
			return -1;
		}
	}
	return 0;
}

int
config_load(struct config *cfg, const char *path, struct err *err)
{
	config_defaults(cfg);
	if (path != NULL) {
		size_t len;
		char *text = fileio_read(path, 1 << 20, &len, err);
		if (text == NULL) {
			snprintf(err->safe, sizeof err->safe, "cannot read %s", path);
			return -1;
		}
		int rc = config_parse(cfg, text, path, err);
		free(text);
		if (rc != 0)
			return -1;
	}
	return config_apply_env(cfg, err);
}

void
config_free(struct config *cfg)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (keys[i].type == KEY_STRING || keys[i].type == KEY_BASE_URL ||
		    keys[i].type == KEY_PROXIES || keys[i].type == KEY_PROXY_HEADER) {
			char **field = (char **)((char *)cfg + keys[i].offset);
			free(*field);
			*field = NULL;
		}
}

char *
config_media_dir(const struct config *cfg)
{
	if (cfg->media_dir != NULL && *cfg->media_dir != '\0')
		return strdup(cfg->media_dir);
	size_t n = strlen(cfg->data_dir) + sizeof "/media";
	char *d = malloc(n);
	if (d != NULL)
		snprintf(d, n, "%s/media", cfg->data_dir);
	return d;
}
