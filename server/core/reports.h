/* reports.h - members report a post or an account (local or remote) to the moderators,
 * citing the rules it breaks and adding a comment. The reporter is never revealed to the
 * reported account: only the moderators' list (the web layer checks the role) reads reports. */
#ifndef PARASOL_CORE_REPORTS_H
#define PARASOL_CORE_REPORTS_H

#include <stdbool.h>
#include <stdint.h>

#include "db/reports.h" /* struct report_row */

struct account;
struct arena;
struct err;

#define REPORT_COMMENT_MAX 1000 /* characters (code points) */
#define REPORT_RULES_MAX 100	/* rules one report may cite (a node has at most RULES_MAX) */
#define REPORTS_PAGE_SIZE 50

/* What a member sends. */
struct report_draft {
	int64_t status_id;  /* the post reported; 0 for a report about an account */
	int64_t account_id; /* the account reported when status_id is 0 (ignored otherwise) */
	const int64_t *rule_ids; /* the rules cited; may be empty, duplicates count once */
	int nrules;
	const char *comment; /* NULL reads as "" */
};

/* Files reporter's report. A post must be one reporter may see (status_get with reporter as
 * viewer) and an account an approved one, else ERR_NOT_FOUND. ERR_UNPROCESSABLE when it is
 * reporter's own post or account, a rule id names no rule, or the comment (trimmed of
 * surrounding white space) is longer than REPORT_COMMENT_MAX characters or not UTF-8.
 * *id may be NULL. 0 or -1 + err. */
int report_create(struct arena *a, const struct account *reporter, const struct report_draft *d,
		  int64_t *id, struct err *err);

/* A page of open reports, oldest first. */
struct report_page {
	struct report_row *items;
	int n;
	bool has_older; /* open reports before items[0] */
	bool has_newer; /* open reports after items[n - 1] */
};

/* Open reports after min_id, or before max_id (0: no bound), REPORTS_PAGE_SIZE at most,
 * oldest first; with neither, the oldest ones. 0 or -1 + err. */
int reports_open_list(struct arena *a, int64_t max_id, int64_t min_id, struct report_page *p,
		      struct err *err);

#endif
