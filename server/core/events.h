/* events.h - what core/ tells the layers above it after a change that peers must hear about
 * (a post published or deleted, a follow, an accepted request). core/ never calls ap/: ap/
 * registers a listener at start-up, and the listener turns events into deliveries queued in
 * the database (durable jobs), so a web request never waits on a peer. */
#ifndef PARASOL_EVENTS_H
#define PARASOL_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

struct arena;
struct err;

enum event_kind {
	EV_STATUS_CREATED,   /* status_id: a local member's new post */
	EV_STATUS_DELETING,  /* status_id: about to be deleted (still readable) */
	EV_STATUS_UPDATED,   /* status_id: edited */
	EV_REBLOG,	     /* actor_id boosted status_id */
	EV_UNREBLOG,	     /* actor_id took the boost of status_id back */
	EV_FAVOURITE,	     /* actor_id liked status_id */
	EV_UNFAVOURITE,	     /* actor_id took the like of status_id back */
	EV_FOLLOW,	     /* actor_id follows (or asked to follow) remote target_id */
	EV_UNFOLLOW,	     /* actor_id stopped following (or withdrew) remote target_id;
				activity_uri: the id of the Follow sent, when it was stored */
	EV_FOLLOW_ACCEPTED,  /* actor_id accepted remote target_id's follow (request_id) */
	EV_FOLLOW_REJECTED,  /* actor_id refused remote target_id's follow (request_id) */
	EV_BLOCK,	     /* actor_id blocked remote target_id */
	EV_UNBLOCK,	     /* actor_id unblocked remote target_id */
	EV_PROFILE_UPDATED,  /* actor_id changed their profile */
	EV_ACCOUNT_DELETING, /* actor_id deleted their account: its data is about to go (its
				follows are still there to say whom to tell) */
	EV_REPORT_FORWARDED, /* report_id: a moderator (actor_id) forwarded the report about a
				remote account to its server; sent by the instance actor, the
				moderator and the reporter unnamed */
	EV_PEER_REMOVED,     /* domain is about to stop being a peer (allowlist: taken off the
				list; blocklist: blocked, with subdomains set): its follows of
				and by members still exist, and end right after (same
				transaction) */
	EV_ACCOUNT_MOVED,    /* actor_id moved away to target_id (core/move.h): a Move to every
				server that follows it */
	EV_ALERT_SHARED,     /* object_id: a bad-date alert the partners get (core/alerts.h), a
				Create, or an Update when again (they had it already) */
	EV_ALERT_UNSHARED,   /* object_id: a shared alert was withdrawn: a Delete to them */
	EV__MAX
};

struct event {
	enum event_kind kind;
	int64_t actor_id;  /* the local member who acted */
	int64_t target_id; /* the other account, when there is one */
	int64_t status_id;
	int64_t request_id;	  /* the follow request, for follow events */
	const char *activity_uri; /* the remote Follow's id, for accepted/rejected follows */
	int64_t report_id;	  /* the report, for EV_REPORT_FORWARDED */
	/* The row made or taken back — the boost (a status), the like, the block — for those
	 * events (and their undoing): its id names the activity, so that an Undo names exactly
	 * the activity it takes back. */
	int64_t object_id;
	const char *domain; /* the peer, for EV_PEER_REMOVED */
	bool subdomains;    /* EV_PEER_REMOVED: its other ports and subdomains too (a block) */
	bool again;	    /* EV_ALERT_SHARED: the partners had the alert already */
};

typedef int (*event_listener)(struct arena *a, const struct event *ev, struct err *err);

/* Sets the one listener (NULL: none; events are then dropped, as on a node with federation
 * off). Call at start-up, before requests. */
void events_listen(event_listener fn);

/* Tells the listener about ev. Its failure is the caller's failure (-1 + err): a post that
 * could not be queued for its followers must not look published everywhere. */
int events_emit(struct arena *a, const struct event *ev, struct err *err);

#endif
