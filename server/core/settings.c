/* settings.c - instance settings: config defaults, database overrides, the stored rows kept
 * in memory (core/cache.h). */
#include "settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "core/cache.h"
#include "core/timezone.h"
#include "db/db.h"
#include "db/settings.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/utf8.h"

static const char *const mode_names[REG__MAX] = {"invite", "approval", "open"};

const char *
reg_mode_name(enum reg_mode m)
{
	return m >= 0 && m < REG__MAX ? mode_names[m] : "invite";
}

int
reg_mode_parse(const char *s, enum reg_mode *out)
{
	for (int i = 0; s != NULL && i < REG__MAX; i++)
		if (strcmp(s, mode_names[i]) == 0) {
			*out = (enum reg_mode)i;
			return 0;
		}
	return -1;
}

static const char *const fed_mode_names[FED__MAX] = {"allowlist", "blocklist"};

const char *
fed_mode_name(enum fed_mode m)
{
	return m >= 0 && m < FED__MAX ? fed_mode_names[m] : "allowlist";
}

int
fed_mode_parse(const char *s, enum fed_mode *out)
{
	for (int i = 0; s != NULL && i < FED__MAX; i++)
		if (strcmp(s, fed_mode_names[i]) == 0) {
			*out = (enum fed_mode)i;
			return 0;
		}
	return -1;
}

/* The stored rows, as the cache keeps them. */
struct rows {
	struct db_setting *rows;
	int n;
};

static void *
load_rows(struct arena *a, struct err *err)
{
	struct rows *r = arena_alloc(a, sizeof *r);
	r->n = db_settings_all(a, &r->rows, err);
	return r->n < 0 ? NULL : r;
}

static struct cache_slot rows_slot = CACHE_SLOT_INIT(CACHE_SETTINGS, load_rows);

/* Copies the snapshot's rows into the reader's arena. */
struct rows_copy {
	struct arena *a;
	struct db_setting *rows;
};

static int
copy_rows(const void *snapshot, void *ctx)
{
	const struct rows *r = snapshot;
	struct rows_copy *c = ctx;
	c->rows = arena_alloc(c->a, sizeof *c->rows * (size_t)(r->n + 1));
	for (int i = 0; i < r->n; i++) {
		c->rows[i].key = arena_strdup(c->a, r->rows[i].key);
		c->rows[i].value = arena_strdup(c->a, r->rows[i].value);
	}
	return r->n;
}

int
settings_rows(struct arena *a, struct db_setting **out, struct err *err)
{
	struct rows_copy c = {.a = a};
	int n = cache_slot_read(&rows_slot, copy_rows, &c, err);
	*out = c.rows;
	return n;
}

int
settings_put(struct arena *a, const struct db_setting *rows, size_t n, struct err *err)
{
	if (db_begin(err) != 0)
		return -1;
	if (db_settings_put(a, rows, n, err) != 0 || cache_notify(a, CACHE_SETTINGS, err) != 0) {
		db_rollback();
		cache_invalidate(CACHE_SETTINGS);
		return -1;
	}
	int rc = db_commit(err);
	cache_invalidate(CACHE_SETTINGS); /* committed or not, this process reloads them */
	return rc;
}

int
settings_load(struct arena *a, const struct config *cfg, struct instance_settings *s,
	      struct err *err)
{
	s->name = cfg->instance_name;
	s->description = cfg->instance_description;
	s->registration_mode = REG_INVITE;
	s->default_language = cfg->default_language;
	s->local_timeline_public = false;
	s->federation_mode = FED_ALLOWLIST;
	s->two_person_rule = false;
	s->name_moderators = false;
	s->suspension_purge_days = SETTINGS_PURGE_DAYS_DEFAULT;
	for (int l = 0; l < LANG__MAX; l++)
		s->descriptions[l] = NULL;
	s->default_visibility = VIS_PUBLIC;
	s->time_zone = "UTC";
	s->quick_exit_url = SETTINGS_QUICK_EXIT_DEFAULT;
	s->neutral_titles = false;
	s->lockdown = false;
	s->alerts_country = "GB";
	s->alerts_expiry_months = 12;
	s->alerts_show_reporter = false;
	struct db_setting *rows;
	int n = settings_rows(a, &rows, err);
	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		const char *k = rows[i].key, *v = rows[i].value;
		if (strcmp(k, "instance_name") == 0)
			s->name = v;
		else if (strcmp(k, "instance_description") == 0)
			s->description = v;
		else if (strcmp(k, "registration_mode") == 0)
			reg_mode_parse(v, &s->registration_mode);
		else if (strcmp(k, "default_language") == 0)
			i18n_lang_parse(v, &s->default_language);
		else if (strcmp(k, "local_timeline_public") == 0)
			s->local_timeline_public = strcmp(v, "true") == 0;
		else if (strcmp(k, SETTINGS_KEY_FEDERATION_MODE) == 0)
			fed_mode_parse(v, &s->federation_mode);
		else if (strcmp(k, "two_person_rule") == 0)
			s->two_person_rule = strcmp(v, "true") == 0;
		else if (strcmp(k, "name_moderators") == 0)
			s->name_moderators = strcmp(v, "true") == 0;
		else if (strcmp(k, "suspension_purge_days") == 0)
			s->suspension_purge_days = atoi(v);
		else if (strncmp(k, DB_DESCRIPTION_KEY_PREFIX,
				 strlen(DB_DESCRIPTION_KEY_PREFIX)) == 0) {
			enum lang l;
			if (i18n_lang_parse(k + strlen(DB_DESCRIPTION_KEY_PREFIX), &l) == 0)
				s->descriptions[l] = v;
		}
		else if (strcmp(k, "default_visibility") == 0)
			visibility_parse(v, &s->default_visibility);
		else if (strcmp(k, "time_zone") == 0)
			s->time_zone = v;
		else if (strcmp(k, "quick_exit_url") == 0)
			s->quick_exit_url = v;
		else if (strcmp(k, "neutral_titles") == 0)
			s->neutral_titles = strcmp(v, "true") == 0;
		else if (strcmp(k, SETTINGS_KEY_LOCKDOWN) == 0)
			s->lockdown = strcmp(v, "true") == 0;
		else if (strcmp(k, "alerts_country") == 0)
			s->alerts_country = v;
		else if (strcmp(k, "alerts_expiry_months") == 0)
			s->alerts_expiry_months = atoi(v);
		else if (strcmp(k, "alerts_show_reporter") == 0)
			s->alerts_show_reporter = strcmp(v, "true") == 0;
	}
	return 0;
}

const char *
settings_description(const struct instance_settings *s, enum lang l)
{
	if (l >= 0 && l < LANG__MAX && s->descriptions[l] != NULL && *s->descriptions[l] != '\0')
		return s->descriptions[l];
	return s->description;
}

int
settings_put_description(struct arena *a, enum lang l, const char *text, struct err *err)
{
	if (text == NULL)
		text = "";
	if (!utf8_valid(text, strlen(text)))
		return err_set(err, ERR_UNPROCESSABLE, "The text is not valid UTF-8.",
			       "description: bad utf-8");
	text = arena_strtrim(a, text);
	if (utf8_chars(text) > SETTINGS_DESCRIPTION_MAX)
		return err_set(err, ERR_UNPROCESSABLE,
			       "The description can have at most 2000 characters.",
			       "description translation too long");
	if (db_begin(err) != 0)
		return -1;
	if (db_description_translation_put(a, i18n_lang_tag(l), text, err) != 0 ||
	    cache_notify(a, CACHE_SETTINGS, err) != 0) {
		db_rollback();
		cache_invalidate(CACHE_SETTINGS);
		return -1;
	}
	int rc = db_commit(err);
	cache_invalidate(CACHE_SETTINGS); /* as in settings_put */
	return rc;
}

bool
settings_exit_url_ok(const char *url)
{
	if (url == NULL)
		return false;
	size_t n = strlen(url);
	const char *host = strncmp(url, "https://", 8) == 0   ? url + 8
			   : strncmp(url, "http://", 7) == 0 ? url + 7
							     : NULL;
	if (host == NULL || n > SETTINGS_QUICK_EXIT_MAX || strchr("/?#", *host) != NULL ||
	    *host == '\0')
		return false;
	for (const unsigned char *p = (const unsigned char *)url; *p; p++)
		if (*p <= 0x20 || *p >= 0x7F || *p == '"' || *p == '<' || *p == '>' || *p == '\\')
			return false; /* spaces, controls, non-ASCII (percent-encode them) */
	return true;
}

int
settings_save(struct arena *a, const struct instance_settings *s, const char **field,
	      struct err *err)
{
	*field = NULL;
	size_t name_len = utf8_chars(s->name);
	if (name_len == 0 || name_len > SETTINGS_NAME_MAX) {
		*field = "name";
		return err_set(err, ERR_UNPROCESSABLE,
			       "The instance name needs 1 to 100 characters.", "bad name");
	}
	if (utf8_chars(s->description) > SETTINGS_DESCRIPTION_MAX) {
		*field = "description";
		return err_set(err, ERR_UNPROCESSABLE,
			       "The description can have at most 2000 characters.",
			       "description too long");
	}
	if (s->suspension_purge_days < 0 || s->suspension_purge_days > SETTINGS_PURGE_DAYS_MAX) {
		*field = "suspension_purge_days";
		return err_set(err, ERR_UNPROCESSABLE,
			       "The purge delay must be a number of days from 0 to 3650.",
			       "purge days %d", s->suspension_purge_days);
	}
	if (s->default_visibility == VIS_DIRECT || s->default_visibility < 0 ||
	    s->default_visibility >= VIS__MAX) {
		*field = "default_visibility";
		return err_set(err, ERR_UNPROCESSABLE,
			       "Choose a default visibility from the list.", "bad default visibility");
	}
	if (tz_check(a, s->time_zone, err) != 0) {
		*field = "time_zone";
		return -1;
	}
	if (!settings_exit_url_ok(s->quick_exit_url)) {
		*field = "quick_exit_url";
		return err_set(err, ERR_UNPROCESSABLE,
			       "The quick exit needs a web address starting with https:// or http://.",
			       "bad quick exit url");
	}
	char days[16];
	snprintf(days, sizeof days, "%d", s->suspension_purge_days);
	const struct db_setting rows[] = {
		{"instance_name", s->name},
		{"instance_description", s->description},
		{"registration_mode", reg_mode_name(s->registration_mode)},
		{"default_language", i18n_lang_tag(s->default_language)},
		{"local_timeline_public", s->local_timeline_public ? "true" : "false"},
		{SETTINGS_KEY_FEDERATION_MODE, fed_mode_name(s->federation_mode)},
		{"two_person_rule", s->two_person_rule ? "true" : "false"},
		{"name_moderators", s->name_moderators ? "true" : "false"},
		{"suspension_purge_days", days},
		{"default_visibility", visibility_name(s->default_visibility)},
		{"time_zone", s->time_zone},
		{"quick_exit_url", s->quick_exit_url},
		{"neutral_titles", s->neutral_titles ? "true" : "false"},
	};
	return settings_put(a, rows, sizeof rows / sizeof rows[0], err);
}
