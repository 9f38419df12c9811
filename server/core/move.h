/* move.h - moving accounts (issue 12): alsoKnownAs and Move, both ways.
 *
 * Moving in: a member lists the actor ids of their accounts elsewhere (alsoKnownAs, at most
 * MOVE_ALIASES_MAX); the old account's server may then send Move, and its followers follow
 * the member here.
 * Moving away: after the password (and the second factor when on), a member whose target
 * lists them in its alsoKnownAs moves: the account gets movedTo, a Move goes to every
 * follower's server (ap/move.c), and the followers on this node follow the target at once.
 * The account can still sign in, export and delete, but not post; it can undo the redirect
 * (its followers already moved stay), and it can move once per MOVE_PERIOD_S.
 * Receiving Move (ap/move.c checks it) ends in move_followers.
 *
 * core never contacts a peer: ap/ registers the lookup (move_set_lookup) that resolves a
 * handle and fetches its actor fresh. */
#ifndef PARASOL_CORE_MOVE_H
#define PARASOL_CORE_MOVE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "db/model.h"

struct arena;
struct err;

#define MOVE_ALIASES_MAX 10
#define MOVE_PERIOD_S (30 * 24 * 3600) /* one move per account per 30 days, as Mastodon */

/* What ap/ found of the account a handle names, its actor fetched now. */
struct move_target {
	struct account *account;
	bool lists_member; /* its alsoKnownAs holds the member's actor id */
	bool moved;	   /* its actor says it moved elsewhere */
	const char *member_uri; /* the member's own actor id */
};

/* Resolves handle ("user@domain", a leading '@' allowed) on an allowed peer and fetches its
 * actor fresh, filling out for member. 0, or -1 + err (ERR_FORBIDDEN: not an allowed peer;
 * ERR_NOT_FOUND: no such user; ERR_INVALID: a bad address or actor; ERR_UNAVAILABLE). */
typedef int (*move_lookup_fn)(struct arena *a, const char *handle, const struct account *member,
			      struct move_target *out, struct err *err);
void move_set_lookup(move_lookup_fn fn);

/* A member's move state, for the settings pages and the profile. */
struct move_info {
	const char **aliases; /* the actor ids member lists as also theirs */
	int naliases;
	const char *moved_to; /* the actor id it moved to, NULL when not moved */
	struct account *moved_to_account; /* that account when this node knows it, else NULL */
	int64_t moved_at; /* Unix time of the last move, 0: never */
	int64_t next_move_at; /* when it may move again (0: now) */
};
int move_info_get(struct arena *a, const struct account *acct, struct move_info *out,
		  struct err *err);

/* Moving in: adds the actor handle names to member's alsoKnownAs and tells its followers'
 * servers (Update). ERR_UNPROCESSABLE when the list is full or handle is empty, the
 * lookup's errors otherwise. 0 or -1 + err. */
int move_alias_add(struct arena *a, const struct account *member, const char *handle,
		   struct err *err);

/* Removes actor id uri from member's alsoKnownAs (ERR_NOT_FOUND when not there). */
int move_alias_remove(struct arena *a, const struct account *member, const char *uri,
		      struct err *err);

/* Moving away to handle, after the password and (two-factor on) a code. Refused with
 * ERR_CONFLICT (already moved), ERR_RATE_LIMITED (moved within MOVE_PERIOD_S),
 * ERR_UNPROCESSABLE (the target doesn't list member, or moved itself, or is member),
 * ERR_FORBIDDEN (wrong password or code; or the lookup's: not an allowed peer) and the
 * lookup's other errors; nothing changes then. now: Unix time (util/clock.h). With the move
 * a 'move' job is queued: member's followers here follow the target (move_job). 0 or -1. */
int move_away(struct arena *a, const struct account *member, const char *handle,
	      const char *password, const char *code, int64_t now, struct err *err);

/* The 'move' job's handler (jobs/worker.h; payload {"old": id, "target": id}):
 * move_followers. 0, or -1 + err (retried). */
int move_job(struct arena *a, const json_t *payload, struct err *err);

/* Undoes the redirect: movedTo cleared, peers told (Update); followers already moved stay.
 * ERR_NOT_FOUND when member has not moved. 0 or -1 + err. */
int move_undo(struct arena *a, const struct account *member, struct err *err);

/* Refuses (ERR_FORBIDDEN, a message saying why) a post by a member who moved away. 0 when
 * the member may post, -1 + err. */
int move_check_may_post(struct arena *a, const struct account *member, struct err *err);

/* The followers of old on this node follow target_id (a Follow to a remote target; a
 * request when it is locked) and stop following old; members who block or mute old block
 * or mute target_id too; each moved follower is told (a "move" notification from old).
 * A follower a block keeps from following target is left as it was. The count moved, or -1
 * + err (database failures only; a follower that can't move is logged and skipped). */
int move_followers(struct arena *a, int64_t old_id, int64_t target_id, struct err *err);

#endif
