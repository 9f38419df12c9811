/* review.h - SQL for review rules (moderators' patterns) and the queue items their matches
 * file in reports (source 'rule'). Matching runs in PostgreSQL, with its regular
 * expression engine, case-insensitively. */
#ifndef PARASOL_DB_REVIEW_H
#define PARASOL_DB_REVIEW_H

#include <stdint.h>

struct arena;
struct err;

/* A review rule as stored: kind, scope and the strings are the table's (arena-owned). */
struct review_rule_row {
	int64_t id;
	const char *kind; /* "phrase", "regex", "link_domain", "remote_domain" */
	const char *pattern;
	const char *scope; /* "local", "remote", "both" */
	const char *note;
	const char *created_by; /* the moderator's username; NULL once the account is gone */
	const char *created_at; /* ISO 8601, UTC */
};

/* Rules with ids below max_id and above min_id (0: no bound), at most limit, oldest first
 * (when only max_id is given, the limit newest below it, still returned oldest first).
 * *out is arena-owned. The count, or -1 + err. */
int db_review_rules_list(struct arena *a, int64_t max_id, int64_t min_id, int limit,
			 struct review_rule_row **out, struct err *err);

/* Whether a rule exists with an id below (before) / above (!before) id: 1, 0, or -1 + err. */
int db_review_rules_beyond(struct arena *a, int64_t id, int before, struct err *err);

/* Whether a rule with this kind, pattern and scope exists (patterns compared without regard
 * to case, except regular expressions, where case can change the meaning): 1, 0, or -1. */
int db_review_rule_exists(struct arena *a, const char *kind, const char *pattern, const char *scope,
			  struct err *err);

/* Stores a rule (created_by 0: none); *id gets its id (may be NULL). 0, or -1 + err. */
int db_review_rule_insert(struct arena *a, const char *kind, const char *pattern, const char *scope,
			  const char *note, int64_t created_by, int64_t *id, struct err *err);

/* Deletes rule id (queue items it filed keep their comment). Rows deleted (0 or 1), or -1. */
int db_review_rule_delete(struct arena *a, int64_t id, struct err *err);

/* Whether PostgreSQL compiles pattern as a case-insensitive regular expression: 1; 0 when
 * it refuses it (err holds PostgreSQL's reason in its detail); -1 + err when the database
 * could not be asked. */
int db_review_regex_valid(struct arena *a, const char *pattern, struct err *err);

/* Limits every later statement of the current transaction to ms milliseconds (call inside
 * one). 0, or -1 + err. */
int db_review_time_limit(struct arena *a, int ms, struct err *err);

/* Files post status_id in the review queue once for each rule it matches (not for boosts;
 * one open item per post and rule: a rule that already filed it adds nothing). Returns the
 * number of new items, or -1 + err. */
int db_review_file_status(struct arena *a, int64_t status_id, struct err *err);

#endif
