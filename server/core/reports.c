/* reports.c - filing reports and listing the open ones for moderators. */
#include "core/reports.h"

#include <string.h>

#include "core/account.h"
#include "core/status.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/utf8.h"

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

/* s without surrounding ASCII white space, in the arena (NULL reads as ""). */
static const char *
trim(struct arena *a, const char *s)
{
	if (s == NULL)
		return "";
	while (is_space(*s))
		s++;
	size_t n = strlen(s);
	while (n > 0 && is_space(s[n - 1]))
		n--;
	return arena_strndup(a, s, n);
}

/* The distinct ids among d's rule ids (arena); the count. */
static int
distinct_rules(struct arena *a, const struct report_draft *d, int64_t **out)
{
	int n = 0;
	*out = arena_alloc(a, sizeof **out * (size_t)(d->nrules > 0 ? d->nrules : 1));
	for (int i = 0; i < d->nrules; i++) {
		bool seen = false;
		for (int j = 0; j < n && !seen; j++)
			seen = (*out)[j] == d->rule_ids[i];
		if (!seen)
			(*out)[n++] = d->rule_ids[i];
	}
	return n;
}

int
report_create(struct arena *a, const struct account *reporter, const struct report_draft *d,
	      int64_t *id, struct err *err)
{
	int64_t target;
	if (d->status_id != 0) {
		struct status *st = status_get(a, reporter->id, d->status_id, err);
		if (st == NULL)
			return -1;
		target = st->author.id;
	} else {
		struct account *acct = account_by_id(a, d->account_id, err);
		if (acct == NULL)
			return -1;
		if (!acct->approved)
			return err_set(err, ERR_NOT_FOUND, "No account has that name.",
				       "report: pending account");
		target = acct->id;
	}
	if (target == reporter->id)
		return err_set(err, ERR_UNPROCESSABLE, "You can't report yourself.",
			       "report: own %s", d->status_id ? "post" : "account");
	const char *comment = d->comment ? d->comment : "";
	if (!utf8_valid(comment, strlen(comment)))
		return err_set(err, ERR_UNPROCESSABLE, "The text is not valid UTF-8.",
			       "report: bad utf-8");
	comment = trim(a, comment);
	size_t chars = utf8_chars(comment);
	if (chars > REPORT_COMMENT_MAX)
		return err_set(err, ERR_UNPROCESSABLE,
			       "A report's comment can have at most 1000 characters.",
			       "report: comment of %zu characters", chars);
	int64_t *rules;
	int n = distinct_rules(a, d, &rules);
	if (n > REPORT_RULES_MAX)
		return err_set(err, ERR_UNPROCESSABLE, "One of the rules chosen doesn't exist.",
			       "report: %d rules", n);
	if (n > 0) {
		int found = db_rules_existing(a, rules, n, err);
		if (found < 0)
			return -1;
		if (found != n)
			return err_set(err, ERR_UNPROCESSABLE,
				       "One of the rules chosen doesn't exist.",
				       "report: unknown rule id");
	}
	return db_report_insert(a, reporter->id, target, d->status_id, comment, rules, n, id, err);
}

int
reports_open_list(struct arena *a, int64_t max_id, int64_t min_id, struct report_page *p,
		  struct err *err)
{
	memset(p, 0, sizeof *p);
	int n = db_reports_open(a, max_id, min_id, REPORTS_PAGE_SIZE, &p->items, err);
	if (n < 0)
		return -1;
	p->n = n;
	if (n == 0)
		return 0;
	int older = db_reports_open_beyond(a, p->items[0].id, 1, err);
	if (older < 0)
		return -1;
	int newer = db_reports_open_beyond(a, p->items[n - 1].id, 0, err);
	if (newer < 0)
		return -1;
	p->has_older = older;
	p->has_newer = newer;
	return 0;
}
