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

/* Every stored setting into *out (arena); returns the count or -1. */
int db_settings_all(struct arena *a, struct db_setting **out, struct err *err);

/* Upserts the rows in one transaction. */
int db_settings_put(struct arena *a, const struct db_setting *rows, size_t n, struct err *err);

#endif
