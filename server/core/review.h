/* review.h - review rules: patterns moderators write (a phrase, a regular expression, a link
 * domain or a remote domain, watching local posts, remote posts or both) that put matching
 * posts in the review queue (a reports row with source 'rule') for a person to decide.
 * A match never hides, edits or delays a post: the post stays published as it is. The list of
 * rules is shown to every member. Nothing ships pre-filled. The web layer checks roles. */
#ifndef PARASOL_CORE_REVIEW_H
#define PARASOL_CORE_REVIEW_H

#include <stdbool.h>
#include <stdint.h>

#include "db/review.h" /* struct review_rule_row */

struct arena;
struct err;

#define REVIEW_PATTERN_MAX 500 /* characters (code points), as the table allows */
#define REVIEW_NOTE_MAX 500    /* characters */
#define REVIEW_PAGE_SIZE 50
#define REVIEW_TIME_LIMIT_MS 5000 /* the longest a post's check may take */

enum review_kind {
	REVIEW_PHRASE,	      /* a case-insensitive substring of the text or content warning */
	REVIEW_REGEX,	      /* a PostgreSQL regular expression, case-insensitive (~*) */
	REVIEW_LINK_DOMAIN,   /* a link to the domain or one of its subdomains */
	REVIEW_REMOTE_DOMAIN, /* the author's server is the domain */
	REVIEW_KIND__MAX
};

/* "phrase", "regex", "link_domain", "remote_domain" (the stored names). */
extern const char *const review_kind_names[REVIEW_KIND__MAX];

enum review_scope { REVIEW_LOCAL, REVIEW_REMOTE, REVIEW_BOTH, REVIEW_SCOPE__MAX };

/* "local", "remote", "both". */
extern const char *const review_scope_names[REVIEW_SCOPE__MAX];

/* Parse a stored name; 0, or -1 (NULL and unknown names) leaving *out alone. */
int review_kind_parse(const char *s, enum review_kind *out);
int review_scope_parse(const char *s, enum review_scope *out);

/* What a moderator sends, as typed (NULL reads as ""). */
struct review_draft {
	const char *kind;
	const char *pattern;
	const char *scope;
	const char *note;
};

/* A checked rule, ready to store. */
struct review_rule {
	enum review_kind kind;
	const char *pattern; /* regex: as typed; phrase: trimmed; domains: normalised */
	enum review_scope scope;
	const char *note; /* trimmed */
};

/* Checks and normalises d without the database (a regular expression's syntax is checked by
 * review_rule_create): ERR_UNPROCESSABLE with a message to show for an unknown kind or
 * scope, text that is not UTF-8, an empty pattern or one longer than REVIEW_PATTERN_MAX
 * characters, a domain kind whose pattern is not a domain (federation_domain_normalise:
 * "host" or "host:port", lower-case), a remote domain watched in local posts only, or a note
 * longer than REVIEW_NOTE_MAX. Strings in *out are arena-owned. 0 or -1 + err. */
int review_draft_check(struct arena *a, const struct review_draft *d, struct review_rule *out,
		       struct err *err);

/* Stores the rule d describes, written by moderator_id (0: none). Checked as
 * review_draft_check does; a regular expression PostgreSQL refuses is ERR_UNPROCESSABLE too,
 * and the same kind, pattern (as db_review_rule_exists compares them) and scope twice is
 * ERR_CONFLICT. Nothing is stored on failure.
 * Existing posts are not checked again: only posts created or edited later are. *id may be
 * NULL. 0 or -1 + err. */
int review_rule_create(struct arena *a, int64_t moderator_id, const struct review_draft *d,
		       int64_t *id, struct err *err);

/* Deletes rule id; queue items it filed stay (their comment says what matched).
 * ERR_NOT_FOUND when there is no such rule. 0 or -1 + err. */
int review_rule_delete(struct arena *a, int64_t id, struct err *err);

/* A page of rules, oldest first. */
struct review_page {
	struct review_rule_row *items;
	int n;
	bool has_older; /* rules before items[0] */
	bool has_newer; /* rules after items[n - 1] */
};

/* Rules after min_id, or before max_id (0: no bound), REVIEW_PAGE_SIZE at most, oldest
 * first; with neither, the oldest ones. 0 or -1 + err. */
int review_rules_list(struct arena *a, int64_t max_id, int64_t min_id, struct review_page *p,
		      struct err *err);

/* Checks post status_id (just created or edited, local or remote; boosts, followers-only
 * and direct posts are skipped: rules never bring private conversations to moderators)
 * against every rule and files it in the review queue once per matching rule, with the
 * rule as the reason; an open item already filed by a rule is not filed again. Runs in its
 * own short transaction, limited to REVIEW_TIME_LIMIT_MS: call it after the post's own
 * transaction has committed, never inside one. A failure (a regular expression too slow,
 * the database gone) is logged here and changes nothing else: the post is kept and shown
 * as usual, it is just not filed. Returns the number of items filed, or -1 (logged). */
int review_check_status(struct arena *a, int64_t status_id);

#endif
