/* deletion.h - SQL for a member deleting their own account (migrations/0033). core/deletion.c
 * decides the order; this file only reads and writes. Everything here but the lookups runs
 * inside the caller's transaction. */
#ifndef PARASOL_DB_DELETION_H
#define PARASOL_DB_DELETION_H

#include <stdint.h>

struct arena;
struct err;

/* Where an account (or a handle) stands in its deletion. */
enum db_deletion_state {
	DB_DELETION_NONE = 0,	   /* not deleted (or no such account / handle) */
	DB_DELETION_DELETED = 1,   /* deleted: data purged, key and handle kept for the Deletes */
	DB_DELETION_FORGOTTEN = 2, /* key gone, handle retired (kept only as a digest) */
};

/* Locks the local account id's row until the transaction ends. 1 when it is live (not
 * deleted), 0 when it was deleted already (or is no local account), -1 + err. */
int db_account_lock_live(struct arena *a, int64_t id, struct err *err);

/* Keeps the account id from being deleted until the transaction ends (FOR KEY SHARE: other
 * writers of the row are not held up, a deletion's FOR UPDATE waits). 1 when it is live, 0
 * when it was deleted already (a deletion that committed meanwhile included), -1 + err. */
int db_account_hold_live(struct arena *a, int64_t id, struct err *err);

/* The inboxes (a server's shared inbox when it has one) of the remote accounts id follows,
 * is followed by, or has a follow request with, either way. Count (into *out) or -1 + err. */
int db_account_contact_inboxes(struct arena *a, int64_t id, const char ***out, struct err *err);

/* What only a self-deletion removes, after db_account_purge (db/moderation.h): sessions,
 * sign-in challenges, app tokens, two-factor and recovery codes, every notification to it,
 * its home feed, its apps' read markers, its imports (core/import.h) and their job, the
 * deliveries it queued (all but Deletes), its unused invites (revoked), its words in reports
 * and appeals, its handle in moderation records, its preferences and auto-delete settings;
 * the password stops working and the account is marked deleted (and suspended, so nothing
 * of it shows). 0, or -1 + err. */
int db_account_self_delete(struct arena *a, int64_t id, struct err *err);

/* Deleted accounts no delivery signed by them waits for any more (at most limit). Count
 * (into *out) or -1 + err. */
int db_deleted_accounts_done(struct arena *a, int limit, int64_t **out, struct err *err);

/* Forgets deleted account id's key and handle in one statement: the handle's digest goes to
 * retired_handles and the row gets a placeholder name. Does nothing while a delivery it
 * signs still waits. 1 done, 0 not (yet), -1 + err. */
int db_account_forget(struct arena *a, int64_t id, struct err *err);

/* The deletion state of account id / of the local handle username (case-insensitive; a
 * retired handle is FORGOTTEN). -1 + err on failure. */
int db_account_deletion_state(struct arena *a, int64_t id, struct err *err);
int db_handle_deletion_state(struct arena *a, const char *username, struct err *err);

/* The prefix of the placeholder names of forgotten accounts; no member may register one. */
#define DB_DELETED_NAME_PREFIX "_gone_"

#endif
