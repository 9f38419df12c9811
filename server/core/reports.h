/* reports.h - members report a post or an account (local or remote) to the moderators,
 * citing the rules it breaks and adding a comment. The reporter is never revealed to the
 * reported account: only the moderators' list (the web layer checks the role) reads reports. */
#ifndef PARASOL_CORE_REPORTS_H
#define PARASOL_CORE_REPORTS_H

#include <stdbool.h>
#include <stdint.h>

#include "db/reports.h" /* struct peer_report_row */

struct account;
struct arena;
struct err;

#define REPORT_COMMENT_MAX 1000 /* characters (code points) */
#define REPORT_RULES_MAX 100	/* rules one report may cite (a node has at most RULES_MAX) */
#define REPORT_FLAG_URI_MAX 2048 /* bytes of a peer's Flag id (it is an indexed column) */

/* What a member sends. */
struct report_draft {
	int64_t status_id;  /* the post reported; 0 for a report about an account */
	int64_t account_id; /* the account reported when status_id is 0 (ignored otherwise) */
	const int64_t *rule_ids; /* the rules cited; may be empty, duplicates count once */
	int nrules;
	const char *comment; /* NULL reads as "" */
	/* the reporter agrees that their comment may be sent to the reported account's server
	 * when a moderator forwards the report (off by default: the form promises that only
	 * this community's moderators read it) */
	bool forward_comment;
};

/* Files reporter's report. A post must be one reporter may see (status_get with reporter as
 * viewer) and an account an approved one, else ERR_NOT_FOUND. ERR_UNPROCESSABLE when it is
 * reporter's own post or account, a rule id names no rule, it cites no rule and has no
 * comment, or the comment (trimmed of surrounding white space) is longer than
 * REPORT_COMMENT_MAX characters or not UTF-8. Nothing is stored on an error.
 * *id may be NULL. 0 or -1 + err. */
int report_create(struct arena *a, const struct account *reporter, const struct report_draft *d,
		  int64_t *id, struct err *err);

/* What a peer's Flag brings, reduced by ap/ to this node's rows: the Flag names a local
 * account (and maybe one of its posts). */
struct peer_report {
	const char *flag_uri;	   /* the Flag's id (required): a repeated Flag is stored once */
	const char *origin_domain; /* the signer's server, host[:port] */
	int64_t target_id;	   /* a local account */
	int64_t status_id;	   /* one of target_id's posts; 0: none */
	const char *comment;	   /* the Flag's content as plain text, untrusted; NULL reads "" */
};

/* Files a peer's report in the queue (source 'peer', no reporter: the peer's account is
 * never recorded, only its domain). The comment is cleaned, never refused: invalid UTF-8
 * makes it empty, control characters other than newlines and tabs are dropped, surrounding
 * white space is trimmed and it is cut to REPORT_COMMENT_MAX characters. ERR_INVALID when
 * flag_uri is missing or longer than REPORT_FLAG_URI_MAX bytes, origin_domain is missing, or
 * the target is not a local account. *id (may be NULL) gets the new report's id. 1 stored,
 * 0 the Flag was stored before, -1 + err. */
int report_from_peer(struct arena *a, const struct peer_report *p, int64_t *id,
		     struct err *err);

/* Where a Flag about r's target goes: an inbox on the target's own server (the host of its
 * actor id), its shared inbox when that is there, else its own inbox; an inbox the actor's
 * document names on another host never gets it. NULL when neither is on that host (or r is
 * about a member here). The string is r's (or arena-owned). */
const char *report_flag_inbox(struct arena *a, const struct report_forward_row *r);

/* Forwards report report_id to the server of the remote account it is about: in one
 * transaction, records forwarded_at and the text sent, and emits EV_REPORT_FORWARDED, which
 * ap/ turns into a Flag from the instance actor (neither the reporter nor the moderator is
 * named). The Flag's content is text, what the moderator wrote (NULL or "" sends none): the
 * reporter's comment never leaves by itself, and the form offers it only when the reporter
 * agreed (forward_comment). text is cleaned like a comment (trimmed, at most
 * REPORT_COMMENT_MAX characters, ERR_UNPROCESSABLE beyond or for invalid UTF-8).
 * moderator must be a moderator or an admin (ERR_FORBIDDEN). ERR_NOT_FOUND for no such
 * report, ERR_UNPROCESSABLE when the target is a member here (or has no inbox on its own
 * server, report_flag_inbox) or its server
 * is not one this node federates with (core/federation.h), ERR_CONFLICT when the report was
 * forwarded already. 0 or -1 + err. */
int report_forward(struct arena *a, const struct account *moderator, int64_t report_id,
		   const char *text, struct err *err);

#endif
