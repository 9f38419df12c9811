/* queue.h - SQL for the review queue: the reports table read as one queue of items (a member's
 * report, a peer's Flag, a review rule's match), claimed and closed by moderators. */
#ifndef PARASOL_DB_QUEUE_H
#define PARASOL_DB_QUEUE_H

#include <stdbool.h>
#include <stdint.h>

struct arena;
struct err;

/* An item with what the moderators' pages show (strings arena-owned, NULL for SQL NULL). */
struct queue_item {
	int64_t id;
	const char *source; /* "member", "peer", "rule" */
	const char *state;  /* "open", "closed" */
	int64_t reporter_id;
	const char *reporter_acct; /* member reports: who filed it (moderators only) */
	const char *origin_domain; /* peer reports: whose Flag */
	int64_t review_rule_id;	   /* rule matches: the rule (0 once deleted) */
	int64_t target_id;
	const char *target_acct;    /* "name" or "name@domain" */
	const char *target_domain;  /* NULL: a member here */
	int64_t status_id;	    /* 0: about the account, or the post is gone */
	const char *status_content; /* trusted HTML */
	const char *status_spoiler;
	const char *status_visibility;
	bool status_sensitive;
	bool status_hidden;
	const char *comment;
	int64_t *rule_ids;
	int nrules;
	int64_t claimed_by;
	const char *claimed_by_username;
	const char *created_at; /* ISO 8601, UTC */
	const char *closed_at;
	const char *forwarded_at;
	/* What was reported as it was when the report was filed, kept while it is open (NULL
	 * once closed, or for a post or account that had none of it). */
	const char *snap_display_name;
	const char *snap_account_url; /* a remote account's page; NULL for a member here */
	bool target_deleted;	      /* its server deleted the account (a tombstone) */
	int64_t snap_status_id;	      /* the post reported (0: about the account); may be gone */
	const char *snap_status_content; /* trusted HTML */
	const char *snap_status_spoiler;
	const char *snap_status_visibility;
	bool snap_status_sensitive;
	const char *snap_status_url;	    /* a remote post's page; NULL for a post here */
	const char *snap_status_created_at; /* ISO 8601, UTC */
	bool forward_comment;		    /* the reporter let their comment be forwarded */
	const char *forwarded_text;	    /* what the Flag carried when forwarded ("" none) */
	int64_t group_id; /* 0: the item itself (a group's leader); else the item it is part of */
	int nreports;	  /* lists only: the reports of the item, itself included */
};

/* A moderator took over an item claimed by another (strings arena-owned). */
struct queue_takeover {
	const char *moderator;	    /* username; NULL once the account is gone */
	const char *from_moderator; /* username; NULL once the account is gone */
	const char *created_at;	    /* ISO 8601, UTC */
};

/* Which items a list shows. */
struct queue_filter {
	bool closed;	    /* the closed items instead of the open ones */
	const char *source; /* one source, or NULL for all */
	int claim;	    /* 0: all, 1: unclaimed, 2: claimed by `me` */
	int64_t me;	    /* items about `me` are left out (core/queue.h queue_may_handle) */
};

/* Items matching f with ids above after_id (groups' leaders only, each with nreports) (0: from the first), oldest first, at most limit.
 * The count, or -1 + err. */
int db_queue_list(struct arena *a, const struct queue_filter *f, int64_t after_id, int limit,
		  struct queue_item **out, struct err *err);

/* Item id, or NULL + ERR_NOT_FOUND. */
struct queue_item *db_queue_get(struct arena *a, int64_t id, struct err *err);

/* The reports of item (group) id, the leader first, then the others in the order filed;
 * the count, or -1 + err. */
int db_queue_group(struct arena *a, int64_t id, struct queue_item **out, struct err *err);

/* Sets the claim of open item id to moderator_id (0: released) if it is now held by
 * holder_id (0: unclaimed). 1 when done, 0 when the item isn't open or is held by someone
 * else; -1 + err. */
int db_queue_claim(struct arena *a, int64_t id, int64_t moderator_id, int64_t holder_id,
		   struct err *err);

/* Records that moderator_id took item id over from from_id. 0 or -1 + err. */
int db_queue_takeover_insert(struct arena *a, int64_t id, int64_t moderator_id, int64_t from_id,
			     struct err *err);

/* The take-overs of item id, oldest first; the count, or -1 + err. */
int db_queue_takeovers(struct arena *a, int64_t id, struct queue_takeover **out,
		       struct err *err);

/* Locks open item id's row until the transaction ends and reads who holds it (*holder, 0:
 * nobody). 1 when open, 0 when closed; -1 + err (ERR_NOT_FOUND for no such item). */
int db_queue_lock(struct arena *a, int64_t id, int64_t *holder, struct err *err);

/* Closes open item id with every report of its group. 1 when closed, 0 when it wasn't open;
 * -1 + err. */
int db_queue_close(struct arena *a, int64_t id, struct err *err);

/* The members who filed the reports of item id (its group), each once; the count, or -1 +
 * err. */
int db_queue_reporters(struct arena *a, int64_t id, int64_t **out, struct err *err);

#endif
