/* review.c - review rules: the checks on what moderators write, and filing matching posts
 * in the review queue (the matching itself is one statement in db/review.c). */
#include "core/review.h"

#include <string.h>

#include "core/federation.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/log.h"
#include "util/utf8.h"

const char *const review_kind_names[REVIEW_KIND__MAX] = {
    [REVIEW_PHRASE] = "phrase",
    [REVIEW_REGEX] = "regex",
    [REVIEW_LINK_DOMAIN] = "link_domain",
    [REVIEW_REMOTE_DOMAIN] = "remote_domain",
};

const char *const review_scope_names[REVIEW_SCOPE__MAX] = {
    [REVIEW_LOCAL] = "local",
    [REVIEW_REMOTE] = "remote",
    [REVIEW_BOTH] = "both",
};

static int
parse(const char *s, const char *const *names, int n, int *out)
{
	for (int i = 0; s != NULL && i < n; i++)
		if (strcmp(s, names[i]) == 0) {
			*out = i;
			return 0;
		}
	return -1;
}

int
review_kind_parse(const char *s, enum review_kind *out)
{
	int v;
	if (parse(s, review_kind_names, REVIEW_KIND__MAX, &v) != 0)
		return -1;
	*out = (enum review_kind)v;
	return 0;
}

int
review_scope_parse(const char *s, enum review_scope *out)
{
	int v;
	if (parse(s, review_scope_names, REVIEW_SCOPE__MAX, &v) != 0)
		return -1;
	*out = (enum review_scope)v;
	return 0;
}

int
review_draft_check(struct arena *a, const struct review_draft *d, struct review_rule *out,
		   struct err *err)
{
	const char *pattern = d->pattern ? d->pattern : "", *note = d->note ? d->note : "";
	if (review_kind_parse(d->kind, &out->kind) != 0)
		return err_set(err, ERR_UNPROCESSABLE,
			       "Choose what the rule looks for: a phrase, a regular expression, a "
			       "link domain or a remote domain.",
			       "review rule: unknown kind");
	if (review_scope_parse(d->scope, &out->scope) != 0)
		return err_set(err, ERR_UNPROCESSABLE,
			       "Choose which posts the rule watches: local, remote or both.",
			       "review rule: unknown scope");
	if (!utf8_valid(pattern, strlen(pattern)) || !utf8_valid(note, strlen(note)))
		return err_set(err, ERR_UNPROCESSABLE, "The text is not valid UTF-8.",
			       "review rule: bad utf-8");
	/* A regular expression is kept as typed: its white space can matter. */
	if (out->kind != REVIEW_REGEX)
		pattern = arena_strtrim(a, pattern);
	size_t n = utf8_chars(pattern);
	if (n == 0 || (out->kind == REVIEW_REGEX && *arena_strtrim(a, pattern) == '\0'))
		return err_set(err, ERR_UNPROCESSABLE, "Write what the rule looks for.",
			       "review rule: empty pattern");
	if (n > REVIEW_PATTERN_MAX)
		return err_set(err, ERR_UNPROCESSABLE,
			       "What the rule looks for can have at most 500 characters.",
			       "review rule: pattern of %zu characters", n);
	if (out->kind == REVIEW_LINK_DOMAIN || out->kind == REVIEW_REMOTE_DOMAIN) {
		/* its own message: "That is not a domain. Enter it like social.example ..." */
		char *domain = federation_domain_normalise(a, pattern, err);
		if (domain == NULL)
			return -1;
		pattern = domain;
	}
	if (out->kind == REVIEW_REMOTE_DOMAIN && out->scope == REVIEW_LOCAL)
		return err_set(err, ERR_UNPROCESSABLE,
			       "A remote domain rule can only watch remote posts: choose remote or "
			       "both.",
			       "review rule: remote domain in local scope");
	note = arena_strtrim(a, note);
	n = utf8_chars(note);
	if (n > REVIEW_NOTE_MAX)
		return err_set(err, ERR_UNPROCESSABLE, "A note can have at most 500 characters.",
			       "review rule: note of %zu characters", n);
	out->pattern = pattern;
	out->note = note;
	return 0;
}

int
review_rule_create(struct arena *a, int64_t moderator_id, const struct review_draft *d, int64_t *id,
		   struct err *err)
{
	struct review_rule rule;
	if (review_draft_check(a, d, &rule, err) != 0)
		return -1;
	if (rule.kind == REVIEW_REGEX) {
		int valid = db_review_regex_valid(a, rule.pattern, err);
		if (valid < 0)
			return -1;
		if (valid == 0) {
			/* PostgreSQL's reason goes to the log; the pattern does not. */
			log_msg(LOG_INFO, "review rule refused: %s", err->detail);
			return err_set(err, ERR_UNPROCESSABLE,
				       "That regular expression is not valid. Rules use "
				       "PostgreSQL's syntax, matched without regard to case.",
				       "review rule: invalid regular expression");
		}
	}
	const char *kind = review_kind_names[rule.kind], *scope = review_scope_names[rule.scope];
	int exists = db_review_rule_exists(a, kind, rule.pattern, scope, err);
	if (exists < 0)
		return -1;
	if (exists)
		return err_set(err, ERR_CONFLICT, "This review rule exists already.",
			       "review rule: duplicate");
	return db_review_rule_insert(a, kind, rule.pattern, scope, rule.note, moderator_id, id,
				     err);
}

int
review_rule_delete(struct arena *a, int64_t id, struct err *err)
{
	int n = db_review_rule_delete(a, id, err);
	if (n < 0)
		return -1;
	if (n == 0)
		return err_set(err, ERR_NOT_FOUND, "There is no such review rule.",
			       "no review rule %lld", (long long)id);
	return 0;
}

int
review_rules_list(struct arena *a, int64_t max_id, int64_t min_id, struct review_page *p,
		  struct err *err)
{
	memset(p, 0, sizeof *p);
	int n = db_review_rules_list(a, max_id, min_id, REVIEW_PAGE_SIZE, &p->items, err);
	if (n < 0)
		return -1;
	p->n = n;
	if (n == 0)
		return 0;
	int older = db_review_rules_beyond(a, p->items[0].id, 1, err);
	if (older < 0)
		return -1;
	int newer = db_review_rules_beyond(a, p->items[n - 1].id, 0, err);
	if (newer < 0)
		return -1;
	p->has_older = older;
	p->has_newer = newer;
	return 0;
}

int
review_check_status(struct arena *a, int64_t status_id)
{
	struct err err;
	int n = -1;
	/* Its own transaction, so that the time limit (a moderator's regular expression runs on
	 * every post) ends with it. */
	if (db_begin(&err) != 0)
		goto fail;
	if (db_review_time_limit(a, REVIEW_TIME_LIMIT_MS, &err) != 0 ||
	    (n = db_review_file_status(a, status_id, &err)) < 0 || db_commit(&err) != 0) {
		db_rollback();
		goto fail;
	}
	return n;
fail:
	log_msg(LOG_WARN, "review: post %lld not checked against the review rules: %s",
		(long long)status_id, err.detail);
	return -1;
}
