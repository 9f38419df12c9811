/* stream.h - what the client API's streams hear (api/streaming.c): posts made, edited and
 * deleted and notifications made, in every process that writes (a `serve`, the `worker`
 * applying a peer's activity, psql by hand), and whether a post belongs in a member's home,
 * local or hashtag timeline by the same rules as those timelines' pages.
 *
 * Triggers (migration 0044) send NOTIFY parasol_stream in the writing transaction, so an
 * event is heard once it can be read, by every `serve` process. One thread per process
 * listens (db/notify.h) and another hands the events, one at a time, to the one consumer,
 * with a tick every few seconds in between (the streams' heartbeat); neither ever blocks
 * the other: events past STREAM_QUEUE_MAX waiting are dropped (and logged). */
#ifndef PARASOL_CORE_STREAM_H
#define PARASOL_CORE_STREAM_H

#include <stdbool.h>
#include <stdint.h>

#include "db/model.h"
#include "db/notifications.h" /* struct notification_row */
#include "db/statuses.h"      /* struct status */

struct arena;
struct err;

#define STREAM_CHANNEL "parasol_stream"
#define STREAM_QUEUE_MAX 4096

enum stream_event_kind {
	STREAM_EV_TICK,		/* nothing happened: time for a heartbeat */
	STREAM_EV_STATUS,	/* a post or boost was made: id */
	STREAM_EV_EDIT,		/* post id was edited */
	STREAM_EV_DELETE,	/* post (or boost) id was deleted; it can't be read any more */
	STREAM_EV_NOTIFICATION, /* notification id was made for account_id */
};

struct stream_event {
	enum stream_event_kind kind;
	int64_t id;
	int64_t account_id;	    /* the author (posts) or the member notified */
	enum visibility visibility; /* posts */
	bool local;		    /* posts: the author is a member of this node */
};

/* Parses a notification's payload ("s ID ACCOUNT VIS L", "e ...", "d ...", "n ID ACCOUNT";
 * VIS a stored visibility name, L 1 or 0). 0, or -1 for anything else. */
int stream_event_parse(const char *payload, struct stream_event *out);

/* Called on the feed's thread, one event at a time; may query (through core/). */
typedef void (*stream_event_fn)(const struct stream_event *ev, void *ud);

/* Starts listening on conninfo and the thread that calls fn for each event, and with a
 * STREAM_EV_TICK whenever tick_seconds pass without one being given. 0, or -1 + err. Stop
 * with stream_feed_stop. */
int stream_feed_start(const char *conninfo, int tick_seconds, stream_event_fn fn, void *ud,
		      struct err *err);

/* Stops both threads at once (an event being handled finishes first). No-op when not
 * started. */
void stream_feed_stop(void);

/* The timelines a stream follows. */
enum stream_timeline {
	STREAM_TL_HOME,	 /* timeline_home */
	STREAM_TL_LOCAL, /* timeline_local (the API's public timeline) */
	STREAM_TL_TAG,	 /* timeline_tag */
};

/* Whether post (or boost) id is in viewer_id's timeline tl (tag: the hashtag for
 * STREAM_TL_TAG), read by that timeline's own query: 1 with *out (arena-owned) when it is,
 * 0 when not, -1 + err. */
int stream_status_in(struct arena *a, int64_t viewer_id, enum stream_timeline tl, const char *tag,
		     int64_t id, struct status **out, struct err *err);

/* Notification id of account_id as its list shows it: 1 with *out (arena-owned), 0 when
 * there is no such notification for them, -1 + err. */
int stream_notification(struct arena *a, int64_t account_id, int64_t id,
			struct notification_row **out, struct err *err);

/* Whether viewer_id follows account_id (for the deletes of followers-only posts): 1, 0, or
 * -1 + err. */
int stream_follows(struct arena *a, int64_t viewer_id, int64_t account_id, struct err *err);

#endif
