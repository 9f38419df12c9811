/* rules.c - the community's rules: checks, and the transactions that keep the numbers
 * 1..n without gaps. */
#include "core/rules.h"

#include <stdbool.h>
#include <string.h>

#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/utf8.h"

/* Checks and trims a title and body; 0, or -1 + ERR_UNPROCESSABLE. */
static int
check(struct arena *a, const char **title, const char **body, struct err *err)
{
	if (!utf8_valid(*title, strlen(*title)) || !utf8_valid(*body, strlen(*body)))
		return err_set(err, ERR_UNPROCESSABLE, "The text is not valid UTF-8.",
			       "rule: bad utf-8");
	*title = arena_strtrim(a, *title);
	*body = arena_strtrim(a, *body);
	size_t n = utf8_chars(*title);
	if (n == 0)
		return err_set(err, ERR_UNPROCESSABLE, "Give the rule a title.", "rule: no title");
	if (n > RULE_TITLE_MAX)
		return err_set(err, ERR_UNPROCESSABLE,
			       "A rule's title can have at most 200 characters.",
			       "rule: title of %zu characters", n);
	n = utf8_chars(*body);
	if (n > RULE_BODY_MAX)
		return err_set(err, ERR_UNPROCESSABLE,
			       "A rule's explanation can have at most 2000 characters.",
			       "rule: body of %zu characters", n);
	return 0;
}

static int
not_found(struct err *err, int64_t id)
{
	return err_set(err, ERR_NOT_FOUND, "There is no such rule.", "no rule %lld", (long long)id);
}

int
rules_list(struct arena *a, struct rule_row **out, struct err *err)
{
	return db_rules_list(a, out, err);
}

int
rules_list_in(struct arena *a, enum lang l, struct rule_row **out, struct err *err)
{
	return db_rules_list_lang(a, i18n_lang_tag(l), out, err);
}

int
rule_translations(struct arena *a, enum lang l, struct rule_row **out, struct err *err)
{
	return db_rule_translations(a, i18n_lang_tag(l), out, err);
}

int
rules_translate(struct arena *a, enum lang l, const struct rule_translation *t, int n, int64_t *bad,
		struct err *err)
{
	const char **titles = arena_alloc(a, sizeof *titles * (size_t)(n > 0 ? n : 1));
	const char **bodies = arena_alloc(a, sizeof *bodies * (size_t)(n > 0 ? n : 1));
	for (int i = 0; i < n; i++) {
		titles[i] = t[i].title ? t[i].title : "";
		bodies[i] = t[i].body ? t[i].body : "";
		*bad = t[i].id;
		if (!utf8_valid(titles[i], strlen(titles[i])) ||
		    !utf8_valid(bodies[i], strlen(bodies[i])))
			return err_set(err, ERR_UNPROCESSABLE, "The text is not valid UTF-8.",
				       "rule translation: bad utf-8");
		if (*arena_strtrim(a, titles[i]) == '\0') {
			if (*arena_strtrim(a, bodies[i]) != '\0')
				return err_set(err, ERR_UNPROCESSABLE,
					       "Give the rule's title in this language too, or "
					       "leave both empty to show the default version.",
					       "rule translation: body without a title");
			titles[i] = bodies[i] = "";
			continue;
		}
		if (check(a, &titles[i], &bodies[i], err) != 0)
			return -1;
	}
	*bad = 0;
	if (db_begin(err) != 0)
		return -1;
	for (int i = 0; i < n; i++) {
		int w = db_rule_translation_put(a, t[i].id, i18n_lang_tag(l), titles[i], bodies[i],
						err);
		if (w == 0) {
			*bad = t[i].id;
			not_found(err, t[i].id);
		}
		if (w <= 0) {
			db_rollback();
			return -1;
		}
	}
	return db_commit(err);
}

int
rule_create(struct arena *a, const char *title, const char *body, int64_t *id, struct err *err)
{
	if (title == NULL)
		title = "";
	if (body == NULL)
		body = "";
	if (check(a, &title, &body, err) != 0)
		return -1;
	int64_t new_id;
	if (db_begin(err) != 0)
		return -1;
	int n;
	if (db_rules_lock(a, err) != 0 || (n = db_rules_count(a, err)) < 0)
		goto fail;
	if (n >= RULES_MAX) {
		err_set(err, ERR_UNPROCESSABLE, "A community can have at most 100 rules.",
			"rule: too many");
		goto fail;
	}
	if (db_rule_insert(a, title, body, &new_id, err) != 0 || db_commit(err) != 0)
		goto fail;
	if (id != NULL)
		*id = new_id;
	return 0;
fail:
	db_rollback();
	return -1;
}

int
rule_update(struct arena *a, int64_t id, const char *title, const char *body, struct err *err)
{
	if (title == NULL)
		title = "";
	if (body == NULL)
		body = "";
	if (check(a, &title, &body, err) != 0)
		return -1;
	int n = db_rule_update(a, id, title, body, err);
	if (n < 0)
		return -1;
	return n == 0 ? not_found(err, id) : 0;
}

int
rule_move(struct arena *a, int64_t id, int delta, struct err *err)
{
	if (delta != -1 && delta != 1)
		return err_set(err, ERR_INVALID, NULL, "rule_move: delta %d", delta);
	if (db_begin(err) != 0)
		return -1;
	int pos, count;
	if (db_rules_lock(a, err) != 0 || (pos = db_rule_position(a, id, err)) < 0 ||
	    (count = db_rules_count(a, err)) < 0)
		goto fail;
	if (pos == 0) {
		not_found(err, id);
		goto fail;
	}
	int other = pos + delta;
	if (other >= 1 && other <= count && db_rule_swap(a, pos, other, err) < 0)
		goto fail;
	if (db_commit(err) != 0)
		goto fail;
	return 0;
fail:
	db_rollback();
	return -1;
}

int
rule_delete(struct arena *a, int64_t id, struct err *err)
{
	if (db_begin(err) != 0)
		return -1;
	int pos = 0, n;
	if (db_rules_lock(a, err) != 0 || (n = db_rule_delete(a, id, &pos, err)) < 0)
		goto fail;
	if (n == 0) {
		not_found(err, id);
		goto fail;
	}
	if (db_rules_close_gap(a, pos, err) != 0 || db_commit(err) != 0)
		goto fail;
	return 0;
fail:
	db_rollback();
	return -1;
}
