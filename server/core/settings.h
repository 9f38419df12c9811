/* settings.h - the settings admins change from the web: instance name and description,
 * registration mode, default language, whether visitors may read the local timeline. The
 * config file gives the defaults; the instance_settings table holds what admins changed. */
#ifndef PARASOL_SETTINGS_H
#define PARASOL_SETTINGS_H

#include <stdbool.h>

#include "db/model.h"
#include "util/i18n.h"

#include <stddef.h>

struct arena;
struct config;
struct db_setting;
struct err;

enum reg_mode {
	REG_INVITE,   /* only with an invite (the default) */
	REG_APPROVAL, /* anyone may apply with a note; a moderator approves */
	REG_OPEN,     /* anyone may sign up */
	REG__MAX
};

/* "invite", "approval", "open". */
const char *reg_mode_name(enum reg_mode m);
int reg_mode_parse(const char *s, enum reg_mode *out);

/* Whom the node federates with (core/federation.h applies it). */
enum fed_mode {
	FED_ALLOWLIST, /* only the listed peers (the default, and recommended) */
	FED_BLOCKLIST, /* everyone except the listed domains */
	FED__MAX
};

/* "allowlist", "blocklist". */
const char *fed_mode_name(enum fed_mode m);
int fed_mode_parse(const char *s, enum fed_mode *out);

#define SETTINGS_KEY_FEDERATION_MODE "federation_mode"
#define SETTINGS_KEY_LOCKDOWN "lockdown" /* not written by settings_save */

struct instance_settings {
	const char *name;
	const char *description;
	/* the description's version in each UI language, NULL where there is none (then the
	 * default, description, shows: settings_description) */
	const char *descriptions[LANG__MAX];
	enum reg_mode registration_mode;
	enum lang default_language;
	bool local_timeline_public;
	enum fed_mode federation_mode;
	/* moderation (core/moderation.h) */
	bool two_person_rule;	   /* suspensions and defederations wait for a second moderator */
	bool name_moderators;	   /* the members' log names the moderator, not "a moderator" */
	int suspension_purge_days; /* an indefinite suspension's data is purged after this */
	/* members (issue 11) */
	enum visibility default_visibility; /* new accounts start with it (public unless set) */
	const char *time_zone; /* members who chose none see times in it (tz name, "UTC") */
	/* safety (issue 12) */
	const char *quick_exit_url; /* every page's "Quick exit" leads there (http or https) */
	bool neutral_titles;	    /* the tab and the history say "Notes", not the community */
	bool lockdown; /* doors shut (core/lockdown.h); changed by lockdown_set only */
	/* bad-date alerts (issue 14, core/alerts.h); changed by alert_settings_save only */
	const char *alerts_country; /* phone numbers without a country code are read there */
	int alerts_expiry_months;   /* a published alert expires after it (renewable) */
	bool alerts_show_reporter;  /* moderators see who filed an alert (off: nobody does) */
};

#define SETTINGS_QUICK_EXIT_DEFAULT "https://www.wikipedia.org/"
#define SETTINGS_QUICK_EXIT_MAX 500

#define SETTINGS_NAME_MAX 100
#define SETTINGS_DESCRIPTION_MAX 2000
#define SETTINGS_PURGE_DAYS_DEFAULT 30
#define SETTINGS_PURGE_DAYS_MAX 3650

/* Fills s from the config's defaults overlaid with the stored settings (settings_rows: the
 * copy in memory when there is a current one). Strings are the arena's. When the database
 * can't be read, s holds the defaults and -1 + err is returned. */
int settings_load(struct arena *a, const struct config *cfg, struct instance_settings *s,
		  struct err *err);

/* The stored settings rows (key, value; db/settings.h), from the copy kept in memory
 * (core/cache.h) or the database. *out and its strings are the arena's. The count, or -1 +
 * err (ERR_UNAVAILABLE when the database can't be read; nothing is kept then). */
int settings_rows(struct arena *a, struct db_setting **out, struct err *err);

/* Upserts rows in one transaction (joining the caller's) with NOTIFY parasol_cache,
 * 'settings', and makes this process reload its copy at once. 0, or -1 + err. */
int settings_put(struct arena *a, const struct db_setting *rows, size_t n, struct err *err);

/* The description for readers in language l: its version in l, else the default one. */
const char *settings_description(const struct instance_settings *s, enum lang l);

/* Stores the description's version in language l (up to SETTINGS_DESCRIPTION_MAX characters,
 * trimmed; empty removes it, and the default shows), announced as settings_put does.
 * ERR_UNPROCESSABLE for a text too long or not UTF-8. 0, or -1 + err. */
int settings_put_description(struct arena *a, enum lang l, const char *text, struct err *err);

/* Whether url may be the quick exit: an absolute http(s) URL with a host, printable ASCII
 * without quotes, angle brackets or backslashes, at most SETTINGS_QUICK_EXIT_MAX bytes. */
bool settings_exit_url_ok(const char *url);

/* Validates (name 1..100 characters, description up to 2000, purge days 0..3650, a time zone
 * the tz database knows, a quick exit settings_exit_url_ok accepts) and stores every setting;
 * ERR_UNPROCESSABLE naming the problem, with *field the form field it is about ("name",
 * "description", "suspension_purge_days", "default_visibility", "time_zone",
 * "quick_exit_url"; NULL when it is about none, e.g. the database failed). */
int settings_save(struct arena *a, const struct instance_settings *s, const char **field,
		  struct err *err);

#endif
