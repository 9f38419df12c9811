/* deletion.h - a member deletes their own account (issue 12, "leaving").
 *
 * At once, in one transaction, after the password (and the second factor when it is on):
 * every session ends, the password stops working, the posts are announced to peers as
 * deleted, then the actor is (a Delete to every server it follows, is followed by, or has a
 * follow request with, queued last so each inbox gets it after the posts'), and then all of
 * the member's data goes through the one purge (core/moderation.h mod_purge_data) plus what
 * only a self-deletion removes (db/deletion.h): media files, follows both ways, likes, boosts,
 * bookmarks, pins, mutes, blocks, notifications to and from it, two-factor, recovery codes,
 * sessions, preferences, the deliveries it still had queued. Moderation records and reports
 * keep only "a deleted account". Its unused invites are revoked (nobody vouches for them any
 * more). An open report about the member keeps its evidence snapshot until a moderator
 * closes it (SAFETY.md: the reported can't erase the evidence); closing drops it all.
 *
 * Later, the sweep (deletion_sweep): once no delivery the account signs waits (each sent or
 * given up), its key is destroyed and its handle forgotten: the row keeps a placeholder name,
 * the handle only a SHA-256 digest, retired for good (peers that missed the Delete would
 * otherwise let a newcomer inherit the old actor's follows and trust). Until then peers can
 * still fetch the emptied actor to check the Deletes' signatures; afterwards it is 410 Gone. */
#ifndef PARASOL_CORE_DELETION_H
#define PARASOL_CORE_DELETION_H

#include "db/model.h"

struct arena;
struct err;

/* Deletes member's account after checking password and (two-factor on) code: ERR_FORBIDDEN
 * when either is wrong (nothing changed), ERR_GONE when the account is deleted already (a
 * second request racing the first). 0, or -1 + err. */
int deletion_delete_account(struct arena *a, const struct account *member, const char *password,
			    const char *code, struct err *err);

/* For a transaction that writes what account_id owns (a post, an image), called first in
 * it: the account can't be deleted until the transaction ends, and ERR_GONE when it was
 * deleted already, e.g. while the post's image was being decoded (the deletion's purge ran
 * before this post existed, so it must not be written). 0, or -1 + err. */
int deletion_hold_live(struct arena *a, int64_t account_id, struct err *err);

/* The sweep's part (core/sweep.c): forgets the key and handle of deleted accounts no
 * delivery waits for any more. The number forgotten, or -1 + err. */
int deletion_sweep(struct arena *a, struct err *err);

#endif
