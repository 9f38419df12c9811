/* notify.h - PostgreSQL LISTEN/NOTIFY: sending a notification from inside a transaction, and a
 * listener thread with a connection of its own that hands each notification to a callback.
 *
 * NOTIFY is transactional: sent inside a transaction it is delivered when that commits, and
 * never if it rolls back; a listener therefore hears of a change only once the change can be
 * read. While the listener has no connection, notifications are lost: it reports
 * DB_LISTEN_DOWN, reconnects with backoff (100 ms doubling to 5 s), and reports DB_LISTEN_UP
 * once LISTEN is in effect again, so that the callback can assume anything changed. */
#ifndef PARASOL_DB_NOTIFY_H
#define PARASOL_DB_NOTIFY_H

struct arena;
struct err;

/* Sends NOTIFY channel, payload on the calling thread's connection (db/db.h): delivered when
 * the calling thread's transaction commits, or at once outside one. 0, or -1 + err. */
int db_notify(struct arena *a, const char *channel, const char *payload, struct err *err);

/* Whether the calling thread's transaction has written anything yet (it holds a transaction
 * id): what it reads may then include its own uncommitted rows. 1, 0 (no transaction, or one
 * that only read), or -1 + err. */
int db_transaction_wrote(struct arena *a, struct err *err);

enum db_listen_event {
	DB_LISTEN_UP,	  /* LISTEN is in effect on a new connection: anything may have changed */
	DB_LISTEN_DOWN,	  /* the connection is gone: changes go unheard until the next UP */
	DB_LISTEN_NOTIFY, /* a notification on the channel; payload holds its text */
};

/* Called on the listener's thread, one event at a time; payload is NULL but for
 * DB_LISTEN_NOTIFY and only valid during the call; backend_pid is the PostgreSQL process that
 * sent the notification (0 for UP and DOWN). Must not block for long. */
typedef void (*db_listen_fn)(enum db_listen_event event, const char *payload, int backend_pid,
			     void *ud);

struct db_listener;

/* Starts a thread that connects with conninfo, runs LISTEN channel (an identifier of
 * ours, not input) and reports events to fn until db_listener_stop. Waits for the first
 * connection attempt (at most a few seconds), so that on return the listener is usually
 * already listening; when PostgreSQL can't be reached it keeps trying in the background. The
 * thread blocks every signal. Returns the listener (the caller owns it: db_listener_stop), or
 * NULL + err when the thread can't be made. */
struct db_listener *db_listener_start(const char *conninfo, const char *channel, db_listen_fn fn,
				      void *ud, struct err *err);

/* Stops the thread at once (whatever it waits for), joins it, closes its connection and
 * frees l. fn is not called after this returns. NULL is a no-op. */
void db_listener_stop(struct db_listener *l);

#endif
