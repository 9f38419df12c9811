/* settings.h - SQL for instance_settings (key/value rows). */
#ifndef PARASOL_DB_SETTINGS_H
#define PARASOL_DB_SETTINGS_H

#include <stddef.h>

struct arena;
struct err;

struct db_setting {
	const char *key;
	const char *value;
};

/* The key under which db_settings_all returns the description's version in a language:
 * this prefix + the language's tag ("instance_description@zh-CN"). */
#define DB_DESCRIPTION_KEY_PREFIX "instance_description@"

/* Every stored setting into *out (arena), and the description's versions per language
 * (description_translations) under DB_DESCRIPTION_KEY_PREFIX keys; returns the count or -1. */
int db_settings_all(struct arena *a, struct db_setting **out, struct err *err);

/* Upserts the rows in one transaction. */
int db_settings_put(struct arena *a, const struct db_setting *rows, size_t n, struct err *err);

/* Stores the description's version in language lang (a tag, "zh-CN"); "" deletes it. Joins
 * the caller's transaction. 0, or -1 + err. */
int db_description_translation_put(struct arena *a, const char *lang, const char *text,
				   struct err *err);

#endif
