/* federation.h - SQL for keys, the instance actor and node statistics. */
#ifndef PARASOL_DB_FEDERATION_H
#define PARASOL_DB_FEDERATION_H

#include <stdint.h>

struct arena;
struct err;

/* A local account's key pair (PEM); *private_pem NULL when none was made yet. 0 or -1. */
int db_account_keys(struct arena *a, int64_t account_id, const char **private_pem,
		    const char **public_pem, struct err *err);

/* Stores a key pair unless the account already has one (two workers may race); then reads
 * back whichever pair won. 0 or -1. */
int db_account_keys_set(struct arena *a, int64_t account_id, const char *private_pem,
			const char *public_pem, const char **private_out,
			const char **public_out, struct err *err);

/* The instance actor's key pair; both NULL when not made yet. 0 or -1. */
int db_instance_keys(struct arena *a, const char **private_pem, const char **public_pem,
		     struct err *err);

/* Stores the instance actor's key pair unless one exists, then reads back the winner. */
int db_instance_keys_set(struct arena *a, const char *private_pem, const char *public_pem,
			 const char **private_out, const char **public_out, struct err *err);

/* NodeInfo usage: local members, those who posted in the last 180 / 30 days, local posts. */
struct db_node_stats {
	long users, active_halfyear, active_month, local_posts;
};
int db_node_stats(struct arena *a, struct db_node_stats *out, struct err *err);

/* --- what federation needs of posts and follows ------------------------------------- */

#include <stdbool.h>

#include "db/model.h"

/* An account a post mentions, as ActivityStreams needs it. */
struct db_mention {
	const char *username;
	const char *domain; /* NULL: a member here */
	const char *uri;    /* remote accounts only */
	const char *inbox;  /* remote accounts only */
};

struct media_row;

/* A post as ActivityStreams needs it. */
struct db_ap_status {
	int64_t id;
	int64_t account_id;
	const char *username; /* the author's */
	const char *domain;   /* NULL for a local post */
	const char *uri;      /* remote posts only */
	/* as peers must treat it: a limited account's public and unlisted posts (moderation)
	 * are followers-only */
	enum visibility visibility;
	const char *content, *spoiler_text;
	bool sensitive;
	const char *published; /* ISO 8601 UTC */
	const char *updated;   /* NULL when never edited */
	int64_t in_reply_to_id;
	const char *in_reply_to_uri;	  /* a remote parent's uri, else NULL */
	const char *in_reply_to_username; /* a local parent's author, else NULL */
	struct db_mention *mentions;	  /* the accounts it mentions, by id */
	int nmentions;
	const char **tags; /* its hashtags' names, sorted */
	int ntags;
	const struct media_row *media; /* its images, in order (db/media.h) */
	int nmedia;
};

/* Loads post status_id (not a boost) with its mentions, tags and images; ERR_NOT_FOUND when there is
 * no such post. Strings are the arena's. */
int db_ap_status(struct arena *a, int64_t status_id, struct db_ap_status *out, struct err *err);

/* Whether post status_id (not a boost) is stored: 1, 0, or -1 + err. One narrow query, for
 * the checks each delivery makes before it goes (db_ap_status loads the whole post). */
int db_ap_status_exists(struct arena *a, int64_t status_id, struct err *err);

/* Loads the posts ids[0..n) that exist (not boosts) into out[] (room for n), in the order of
 * ids, in one query; the count loaded, or -1 + err. */
int db_ap_statuses(struct arena *a, const int64_t *ids, int n, struct db_ap_status *out,
		   struct err *err);

/* The distinct inboxes (shared inbox when the peer has one) of the remote followers of
 * account_id that are not suspended. Count (into *out, arena) or -1. */
int db_remote_follower_inboxes(struct arena *a, int64_t account_id, const char ***out,
			       struct err *err);

/* Whether inbox is one of db_remote_follower_inboxes(account_id) (a follower's shared inbox,
 * or its own when it has none): 1, 0, or -1 + err. */
int db_remote_follower_inbox_is(struct arena *a, int64_t account_id, const char *inbox,
				struct err *err);

/* The id of the follow request follower made to target, 0 when none; -1 + err. */
int64_t db_follow_request_id(struct arena *a, int64_t follower, int64_t target, struct err *err);

/* A remote account's follow of a local one: a follow (locked false) or a request, with the
 * Follow's id. 1 made, 0 existed, 2 refused by a block, -1. *request_id gets the request's
 * id when one was made. */
int db_follow_remote(struct arena *a, int64_t follower, int64_t target, const char *uri,
		     bool request, int64_t *request_id, struct err *err);

/* Our request to a remote account became a follow (Accept) / was refused (Reject): 1 when a
 * request matched, 0 when none, -1. */
int db_follow_request_resolve(struct arena *a, int64_t follower, int64_t target, bool accepted,
			      struct err *err);

/* A stored post by uri: its id and author, 0 when none; -1 + err. */
int64_t db_status_id_by_uri(struct arena *a, const char *uri, int64_t *account_id,
			    struct err *err);

/* Sets the uri and url of a stored remote post. */
int db_status_set_uri(struct arena *a, int64_t status_id, const char *uri, const char *url,
		      struct err *err);

/* Records an activity id, seen by job job_id (0: by no job): 1 when new, or when the one who
 * saw it before is that same job (an earlier run of it crashed or failed before its work was
 * done), 0 when seen before by anyone else, -1 + err (migration 0037). */
int db_activity_seen(struct arena *a, const char *uri, int64_t job_id, struct err *err);

/* Whether accounts of domain (normalised host[:port]) could have seen post status_id: it is
 * public or unlisted, or followers-only with a follower of that domain, or followers-only or
 * direct and mentions an account of that domain (never a members-only post, nor a boost).
 * 1 yes, 0 no (or no such post), -1 + err. */
int db_status_seen_by_domain(struct arena *a, int64_t status_id, const char *domain,
			     struct err *err);

/* Whether any local member follows account_id: 1, 0 or -1. */
int db_has_local_follower(struct arena *a, int64_t account_id, struct err *err);

/* The inbox of a remote account (its own, not the shared one). */
int db_account_inbox(struct arena *a, int64_t account_id, const char **inbox, struct err *err);

/* The local account that made follow request request_id to target, 0 when none; -1. */
int64_t db_follow_request_follower(struct arena *a, int64_t request_id, int64_t target,
				   struct err *err);

/* Deletes a remote account and everything of it (its posts, follows, notifications) — unless
 * a report, a block, a mute or a moderator's action is about it, or it is suspended or
 * limited: then, in one transaction, the row stays as a tombstone (deleted_at and
 * suspended_at set, key forgotten, data purged as db_account_purge does) so that those keep
 * their target and the actor can't shed them by deleting itself. 0, or -1 + err. */
int db_remote_account_delete(struct arena *a, int64_t account_id, struct err *err);

/* Forgets that an activity id was seen (its application failed and will be retried). */
void db_activity_unsee(struct arena *a, const char *uri);

/* The accounts post status_id mentions; count (into *out, arena) or -1. Their inbox is the
 * one to deliver to: their server's shared inbox when it has one, else their own. */
int db_status_mention_actors(struct arena *a, int64_t status_id, struct db_mention **out,
			     struct err *err);


/* The inbox of the remote author of post status_id, or NULL (local author, or none): their
 * server's shared inbox when shared is true and it has one, else their own. */
int db_status_remote_author_inbox(struct arena *a, int64_t status_id, bool shared,
				  const char **inbox, struct err *err);

/* Marks a peer unreachable (deliveries gave up). */
int db_peer_unreachable(struct arena *a, const char *domain, struct err *err);

/* A new id from parasol_id(): unique across every process sharing the database, for the ids
 * of activities that have no row of their own. The id, or -1 + err. */
int64_t db_fresh_id(struct arena *a, struct err *err);

/* The Follow a local member sent, found by its id (kept on the request, then on the follow
 * it became; db_follow_request_set_uri): the member's username and the followed account's
 * URI and domain, arena-owned. 1 found, 0 none (never sent, undone, refused), -1 + err. */
int db_follow_sent_by_uri(struct arena *a, const char *uri, const char **username,
			  const char **target_uri, const char **target_domain, struct err *err);

/* Records uri as the id of the Follow that follow request request_id sent (kept with the
 * follow once accepted, so that an Undo names it). 0 or -1. */
int db_follow_request_set_uri(struct arena *a, int64_t request_id, const char *uri,
			      struct err *err);

/* Deletes the pending deliveries of Create and Update activities whose object is object_uri
 * (a post being deleted: what it said must not go out any more). A delivery a worker is
 * sending at this moment is not stopped. Rows deleted, or -1 + err. */
long db_drop_object_deliveries(struct arena *a, const char *object_uri, struct err *err);

/* A follow or follow request between a member here and an account of a peer. */
struct db_peer_follow {
	int64_t follower_id, target_id;
	bool outgoing;	    /* the member here follows (or asked to follow) the remote account */
	bool request;	    /* a request not answered yet */
	int64_t request_id; /* the follow_requests or follows row */
	const char *uri;    /* the Follow activity's id, when stored */
};

/* The follows and follow requests between local accounts and accounts of domain, both
 * directions (at most max); with subdomains, of its other ports and subdomains too (for a
 * domain without a port, as db_peer_sever_follows). Count (into *out, arena) or -1 + err. */
int db_peer_follows(struct arena *a, const char *domain, bool subdomains, int max,
		    struct db_peer_follow **out, struct err *err);
/* Forgets up to limit activity ids seen more than days days ago, oldest first; how many. */
int db_activities_seen_prune(struct arena *a, int days, int limit, struct err *err);

#endif
