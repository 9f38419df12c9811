/* transparency.h - SQL for the public monthly counts of moderation (the about page): reports
 * filed, actions taken, appeals filed and decided. Counts only: no query here returns an
 * account, a post or a text. */
#ifndef PARASOL_DB_TRANSPARENCY_H
#define PARASOL_DB_TRANSPARENCY_H

struct arena;
struct err;

/* One count of one month. */
struct transparency_count {
	const char *month; /* "YYYY-MM", UTC */
	const char *what;  /* "report", "action" or "appeal" */
	const char *key;   /* report: its source ("member", "peer", "rule"); action: its kind;
			      appeal: "filed", "granted" or "denied" */
	long count;
};

/* The counts of the newest `months` months (UTC) that have any: reports by created_at,
 * mod_actions that are done or reversed, notes left out, by effective_at (else created_at),
 * appeals filed by created_at, granted or denied by decided_at. Newest month first; *out is
 * arena-owned. The number of counts, or -1 + err. */
int db_transparency_counts(struct arena *a, int months, struct transparency_count **out,
			   struct err *err);

#endif
