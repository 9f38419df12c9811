/* cache.h - rarely-changing data kept in memory: the instance settings (core/settings.c), the
 * peers list (core/federation.c), the signing keys (ap/keys.c) and the remote signers
 * (ap/signers.c), each a "part".
 *
 * Each part has a generation number. A copy of a part is used only while it was loaded at
 * the part's current generation and the process listens for changes; anything that may
 * have changed the data moves the generation on, and the next reader loads a new copy:
 *   - in this process, at once: the function that wrote the data calls cache_invalidate
 *     after its transaction (settings_save, federation_peer_add, ...);
 *   - in every process sharing the database: the writer calls cache_notify inside its
 *     transaction, which sends NOTIFY parasol_cache, '<part>' (delivered on commit); the
 *     listener thread (cache_start, db/notify.c) receives it and invalidates the part. It
 *     receives this process's own notifications too.
 * When the listener has no connection (PostgreSQL restarting, or cache_start never called:
 * the admin command line, tests of core/), nothing is kept and every read goes to the
 * database, as it did before there was a cache; when it listens again, every part is
 * invalidated, since notifications may have been missed meanwhile.
 *
 * Whoever writes these tables by hand must send the notification too:
 *   NOTIFY parasol_cache, 'settings';   -- or 'peers', 'keys', 'all'
 * (remote accounts need nothing: a trigger sends 'remote' whenever one changes).
 *
 * Copies are loaded outside any transaction that wrote (a transaction's own uncommitted rows
 * are never kept), one thread per part at a time; a failed load is not kept and returns the
 * database's error to the caller, so the next reader tries again. */
#ifndef PARASOL_CORE_CACHE_H
#define PARASOL_CORE_CACHE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

struct arena;
struct err;

enum cache_part {
	CACHE_SETTINGS, /* instance_settings */
	CACHE_PEERS,	/* peers (the domains; not their notes or reachability) */
	CACHE_KEYS,	/* local members' and the instance actor's key pairs */
	CACHE_REMOTE,	/* remote accounts that sign requests, with their public keys
			 * (ap/signers.c); notified by a trigger on accounts (migration 0021) */
	CACHE__MAX
};

/* The channel every process listens on. */
#define CACHE_CHANNEL "parasol_cache"

/* "settings", "peers", "keys", "remote". */
const char *cache_part_name(enum cache_part p);

/* Starts listening for changes on a connection of its own made from conninfo (a thread; see
 * db/notify.h). Returns once the first connection attempt is over; when PostgreSQL is away the
 * listener keeps trying and the parts are read through meanwhile. Call once per process, after
 * db_init; pair with cache_stop. 0, or -1 + err when the thread can't start. */
int cache_start(const char *conninfo, struct err *err);

/* Stops the listener, drops every copy and frees what the parts held. Safe when cache_start
 * was not called or failed. Call after the threads that read have stopped. */
void cache_stop(void);

/* Whether copies may be kept now: the listener is listening. */
bool cache_live(void);

/* The current generation of p. */
uint64_t cache_generation(enum cache_part p);

/* Marks every copy of p in this process stale, at once. Writers call it after their
 * transaction ended (committed or not). */
void cache_invalidate(enum cache_part p);

/* Marks every part stale. */
void cache_invalidate_all(void);

/* Sends NOTIFY parasol_cache, '<p>' on the calling thread's connection: inside the writer's
 * transaction, so that other processes hear of the change when it commits. 0, or -1 + err
 * (the writer then rolls back). */
int cache_notify(struct arena *a, enum cache_part p, struct err *err);

/* Whether a copy loaded by the calling thread may be kept: the listener is listening and the
 * calling thread's transaction (if any) has written nothing; false when that can't be told.
 * Stamp the copy with cache_generation read BEFORE loading, so that a change that lands
 * during the load leaves the copy stale. */
bool cache_may_keep(void);

/* --- one copy of a part: a snapshot held in an arena --------------------------------------- */

/* Loads a snapshot of the part into a (a fresh arena the slot will own when the copy is
 * kept). Returns the snapshot, or NULL + err. */
typedef void *(*cache_load_fn)(struct arena *a, struct err *err);

/* Reads what the caller needs from a snapshot, under the slot's read lock (so it must copy
 * what it keeps into its own arena, and not block). Returns what cache_slot_read returns. */
typedef int (*cache_use_fn)(const void *snapshot, void *ctx);

/* A part's copy. Define one per part with CACHE_SLOT_INIT; readers go through
 * cache_slot_read. The slot owns its arena and the snapshot in it. */
struct cache_slot {
	enum cache_part part;
	cache_load_fn load;
	pthread_rwlock_t lock;	   /* guards arena, snapshot, gen */
	pthread_mutex_t load_lock; /* one loader at a time */
	struct arena *arena;	   /* owns the snapshot; NULL when none */
	void *snapshot;
	uint64_t gen;	 /* generation the snapshot was loaded at */
	bool registered; /* cache_stop knows it (under load_lock) */
};
#define CACHE_SLOT_INIT(p, loader)                                                                 \
	{                                                                                          \
		.part = (p), .load = (loader), .lock = PTHREAD_RWLOCK_INITIALIZER,                 \
		.load_lock = PTHREAD_MUTEX_INITIALIZER                                             \
	}

/* Calls use(snapshot, ctx) on a current snapshot of the slot's part, loading one first when
 * there is none (kept when cache_may_keep allows it, else used once and freed). Returns
 * use's result, or -1 + err when loading failed (nothing kept). */
int cache_slot_read(struct cache_slot *s, cache_use_fn use, void *ctx, struct err *err);

/* Has cache_stop call fn (which frees a part's copies kept outside a slot, such as the keys
 * of ap/keys.c). Idempotent for the same fn; at most a few. */
void cache_at_stop(void (*fn)(void));

#endif
