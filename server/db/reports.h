/* reports.h - SQL for the reports table (members pointing moderators at a post or an
 * account). Only the moderators' pages read it. */
#ifndef PARASOL_DB_REPORTS_H
#define PARASOL_DB_REPORTS_H

#include <stdint.h>

struct arena;
struct err;

/* A report with what the moderators' list shows. */
struct report_row {
	int64_t id;
	int64_t reporter_id;
	const char *reporter_username;
	const char *reporter_domain; /* NULL: a member here */
	int64_t target_id;
	const char *target_username;
	const char *target_domain; /* NULL: a member here */
	int64_t status_id;	   /* 0: a report about the account (or the post is gone) */
	const char *status_content; /* trusted HTML from core/text.c; NULL when status_id is 0 */
	const char *comment;
	int64_t *rule_ids; /* the rules cited, as stored */
	int nrules;
	const char *created_at; /* ISO 8601, UTC */
};

/* The number of distinct existing rules among the n ids, or -1 + err. */
int db_rules_existing(struct arena *a, const int64_t *ids, int n, struct err *err);

/* Stores an open report (status_id 0: about the account); *id gets its id (may be NULL).
 * 0, or -1 + err. */
int db_report_insert(struct arena *a, int64_t reporter_id, int64_t target_id, int64_t status_id,
		     const char *comment, const int64_t *rule_ids, int nrules, int64_t *id,
		     struct err *err);

/* Open reports with ids below max_id and above min_id (0: no bound), at most limit, oldest
 * first (when only max_id is given, the limit newest below it, still returned oldest
 * first). *out is arena-owned. The count, or -1 + err. */
int db_reports_open(struct arena *a, int64_t max_id, int64_t min_id, int limit,
		    struct report_row **out, struct err *err);

/* Whether there is an open report with an id below (before) / above (!before) id: 1, 0, or
 * -1 + err. */
int db_reports_open_beyond(struct arena *a, int64_t id, int before, struct err *err);

#endif
