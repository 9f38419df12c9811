/* reports.h - SQL for the reports table (members pointing moderators at a post or an
 * account). Only the moderators' pages read it. */
#ifndef PARASOL_DB_REPORTS_H
#define PARASOL_DB_REPORTS_H

#include <stdbool.h>
#include <stdint.h>

struct arena;
struct err;

/* The number of distinct existing rules among the n ids, or -1 + err. */
int db_rules_existing(struct arena *a, const int64_t *ids, int n, struct err *err);

/* Stores an open report (status_id 0: about the account; forward_comment: the reporter lets
 * the comment be forwarded); *id gets its id (may be NULL). A trigger copies the reported
 * post and account into the row (migration 0013). 0, or -1 + err. */
int db_report_insert(struct arena *a, int64_t reporter_id, int64_t target_id, int64_t status_id,
		     const char *comment, bool forward_comment, const int64_t *rule_ids,
		     int nrules, int64_t *id, struct err *err);

/* A peer's Flag about a local account, as stored (source 'peer', no reporter). */
struct peer_report_row {
	const char *origin_domain; /* the sending server, host[:port] */
	const char *flag_uri;	   /* the Flag's id: one report per Flag */
	int64_t target_id;	   /* the local account reported */
	int64_t status_id;	   /* 0: none */
	const char *comment;	   /* at most 1000 characters, checked by the caller */
};

/* Stores an open report from a peer's Flag unless one with the same flag_uri exists; *id
 * gets the new report's id (may be NULL; untouched when nothing was stored). 1 stored, 0
 * already there, or -1 + err. */
int db_report_insert_peer(struct arena *a, const struct peer_report_row *p, int64_t *id,
			  struct err *err);

/* What forwarding a report to its target's server needs. */
struct report_forward_row {
	int64_t id;
	int64_t target_id;
	const char *target_domain; /* NULL: a member here */
	const char *target_uri;	   /* the target's actor URI; NULL for a member here */
	const char *target_shared_inbox; /* the shared inbox its document names; NULL if none */
	const char *target_inbox;	 /* the actor's own inbox; NULL if none */
	const char *status_uri;	   /* the reported post's id when it is one of the target's remote
				      posts; NULL otherwise */
	const char *forwarded_text; /* what the Flag carries ("" none; NULL before forwarding) */
	bool forwarded;		    /* forwarded_at is set */
};

/* Loads report id for forwarding; ERR_NOT_FOUND when there is none. 0 or -1 + err. */
int db_report_forward_row(struct arena *a, int64_t id, struct report_forward_row *out,
			  struct err *err);

/* Sets report id's forwarded_at to now and forwarded_text to text unless it was forwarded
 * already: 1 set, 0 it was set (or there is no such report), -1 + err. */
int db_report_mark_forwarded(struct arena *a, int64_t id, const char *text, struct err *err);

#endif
