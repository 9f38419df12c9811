/* settings.c - queries on instance_settings. */
#include "settings.h"

#include "db/db.h"
#include "util/arena.h"

int
db_settings_all(struct arena *a, struct db_setting **out, struct err *err)
{
	PGresult *r = db_query(a, err,
			       "SELECT key, value FROM instance_settings"
			       " UNION ALL SELECT '" DB_DESCRIPTION_KEY_PREFIX "' || lang, text"
			       " FROM description_translations",
			       0, NULL);
	if (r == NULL)
		return -1;
	int n = PQntuples(r);
	*out = arena_alloc(a, sizeof **out * (size_t)(n + 1));
	for (int i = 0; i < n; i++) {
		(*out)[i].key = db_value(r, i, 0);
		(*out)[i].value = db_value(r, i, 1);
	}
	return n;
}

int
db_settings_put(struct arena *a, const struct db_setting *rows, size_t n, struct err *err)
{
	if (db_begin(err) != 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const char *p[] = {rows[i].key, rows[i].value};
		if (db_query(a, err,
			     "INSERT INTO instance_settings (key, value) VALUES ($1, $2) "
			     "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
			     2, p) == NULL) {
			db_rollback();
			return -1;
		}
	}
	return db_commit(err);
}

int
db_description_translation_put(struct arena *a, const char *lang, const char *text, struct err *err)
{
	const char *p[] = {lang, text};
	return db_query(a, err,
			*text == '\0'
			    ? "DELETE FROM description_translations WHERE lang = $1 AND $2 = ''"
			    : "INSERT INTO description_translations (lang, text) VALUES ($1, $2)"
			      " ON CONFLICT (lang) DO UPDATE SET text = EXCLUDED.text,"
			      " updated_at = now()",
			2, p) == NULL
		   ? -1
		   : 0;
}
