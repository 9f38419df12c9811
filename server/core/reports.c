/* reports.c - filing reports and listing the open ones for moderators. */
#include "core/reports.h"

#include <string.h>

#include "core/account.h"
#include "core/events.h"
#include "core/federation.h"
#include "core/status.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/utf8.h"

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
	comment = arena_strtrim(a, comment);
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
	/* an empty report gives the moderators nothing to read and fills the queue */
	if (n == 0 && *comment == '\0')
		return err_set(err, ERR_UNPROCESSABLE,
			       "Choose the rule that is broken or write a comment: a report with "
			       "neither can't be sent.",
			       "report: no rule and no comment");
	if (n > 0) {
		int found = db_rules_existing(a, rules, n, err);
		if (found < 0)
			return -1;
		if (found != n)
			return err_set(err, ERR_UNPROCESSABLE,
				       "One of the rules chosen doesn't exist.",
				       "report: unknown rule id");
	}
	return db_report_insert(a, reporter->id, target, d->status_id, comment, d->forward_comment,
				rules, n, id, err);
}

/* s, valid UTF-8, without control characters other than newline and tab (CR LF becomes LF),
 * trimmed, cut to max code points (arena). Invalid UTF-8 gives "". */
static const char *
clean_text(struct arena *a, const char *s, size_t max)
{
	if (s == NULL || !utf8_valid(s, strlen(s)))
		return "";
	size_t n = strlen(s);
	char *out = arena_alloc(a, n + 1), *o = out;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p >= 0x20 && *p != 0x7f)
			*o++ = (char)*p;
		else if (*p == '\n' || *p == '\t')
			*o++ = (char)*p;
	*o = '\0';
	const char *t = arena_strtrim(a, out);
	size_t chars = 0, i = 0;
	for (; t[i]; i++)
		if (((unsigned char)t[i] & 0xC0) != 0x80 && chars++ == max)
			break;
	return arena_strtrim(a, arena_strndup(a, t, i));
}

int
report_from_peer(struct arena *a, const struct peer_report *p, int64_t *id, struct err *err)
{
	if (p->flag_uri == NULL || *p->flag_uri == '\0' || p->origin_domain == NULL)
		return err_set(err, ERR_INVALID, NULL, "peer report without a flag id or domain");
	if (strlen(p->flag_uri) > REPORT_FLAG_URI_MAX)
		return err_set(err, ERR_INVALID, NULL, "flag id of %zu bytes", strlen(p->flag_uri));
	struct account *target = account_by_id(a, p->target_id, err);
	if (target == NULL)
		return -1;
	if (target->domain != NULL)
		return err_set(err, ERR_INVALID, NULL, "peer report about a remote account");
	struct peer_report_row row = {
		.origin_domain = p->origin_domain,
		.flag_uri = p->flag_uri,
		.target_id = p->target_id,
		.status_id = p->status_id,
		.comment = clean_text(a, p->comment, REPORT_COMMENT_MAX),
	};
	return db_report_insert_peer(a, &row, id, err);
}

/* Whether url's host[:port] is the one given (both normalised, core/federation.h). */
static bool
url_on_domain(struct arena *a, const char *url, const char *domain)
{
	struct err ignored;
	const char *d = url != NULL ? federation_domain_normalise(a, url, &ignored) : NULL;
	return d != NULL && strcmp(d, domain) == 0;
}

const char *
report_flag_inbox(struct arena *a, const struct report_forward_row *r)
{
	struct err ignored;
	const char *home =
	    r->target_uri != NULL ? federation_domain_normalise(a, r->target_uri, &ignored) : NULL;
	if (home == NULL)
		return NULL;
	if (url_on_domain(a, r->target_shared_inbox, home))
		return r->target_shared_inbox;
	if (url_on_domain(a, r->target_inbox, home))
		return r->target_inbox;
	return NULL;
}

int
report_forward(struct arena *a, const struct account *moderator, int64_t report_id,
	       const char *text, struct err *err)
{
	if (moderator == NULL || moderator->role < ROLE_MODERATOR)
		return err_set(err, ERR_FORBIDDEN, NULL, "report forward by a member");
	if (text == NULL)
		text = "";
	if (!utf8_valid(text, strlen(text)))
		return err_set(err, ERR_UNPROCESSABLE, "The text is not valid UTF-8.",
			       "forward: bad utf-8");
	text = arena_strtrim(a, text);
	if (utf8_chars(text) > REPORT_COMMENT_MAX)
		return err_set(err, ERR_UNPROCESSABLE,
			       "What is sent can have at most 1000 characters.",
			       "forward: text of %zu characters", utf8_chars(text));
	struct report_forward_row r;
	if (db_report_forward_row(a, report_id, &r, err) != 0)
		return -1;
	if (r.target_domain == NULL || r.target_uri == NULL)
		return err_set(err, ERR_UNPROCESSABLE,
			       "This report is about an account here: there is no other server to "
			       "send it to.",
			       "forward of a report about a local account");
	if (r.forwarded)
		return err_set(err, ERR_CONFLICT, "This report was already sent to that server.",
			       "report forwarded twice");
	if (report_flag_inbox(a, &r) == NULL)
		return err_set(err, ERR_UNPROCESSABLE, "That server can't receive reports.",
			       "target without an inbox");
	struct err ferr = {0};
	if (!federation_domain_allowed(a, r.target_domain, &ferr)) {
		if (ferr.code != ERR_FORBIDDEN) {
			*err = ferr;
			return -1;
		}
		return err_set(err, ERR_UNPROCESSABLE,
			       "This community doesn't federate with that server.",
			       "forward to a domain that is not a peer");
	}
	if (db_begin(err) != 0)
		return -1;
	int rc = db_report_mark_forwarded(a, report_id, text, err);
	if (rc == 0) {
		db_rollback();
		return err_set(err, ERR_CONFLICT, "This report was already sent to that server.",
			       "report forwarded twice (race)");
	}
	struct event ev = {.kind = EV_REPORT_FORWARDED,
			   .actor_id = moderator->id,
			   .target_id = r.target_id,
			   .report_id = report_id};
	if (rc < 0 || events_emit(a, &ev, err) != 0) {
		db_rollback();
		return -1;
	}
	return db_commit(err);
}
