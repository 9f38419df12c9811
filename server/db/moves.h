/* moves.h - SQL for moving accounts (migration 0039): the actor ids an account also is
 * (alsoKnownAs), where it moved to (movedTo) and when, and the accounts a move carries over.
 * The rules live in core/move.c. */
#ifndef PARASOL_DB_MOVES_H
#define PARASOL_DB_MOVES_H

#include <stdint.h>

struct arena;
struct err;

/* How an account stands: the actor ids it also is (aka[0..naka), arena), the actor id it
 * moved to (NULL: not moved) and when it last moved (Unix time, 0: never). 0, or -1 + err
 * (ERR_NOT_FOUND for no such account). */
struct db_move_state {
	const char **aka;
	int naka;
	const char *moved_to;
	int64_t moved_at;
};
int db_move_state(struct arena *a, int64_t account_id, struct db_move_state *out,
		  struct err *err);

/* Adds uri to the account's alsoKnownAs unless there already or the list holds max ids:
 * 1 added, 0 there already, 2 full, -1 + err. */
int db_alias_add(struct arena *a, int64_t account_id, const char *uri, int max, struct err *err);

/* Removes uri from the account's alsoKnownAs: 1 removed, 0 not there, -1 + err. */
int db_alias_remove(struct arena *a, int64_t account_id, const char *uri, struct err *err);

/* Replaces a remote account's alsoKnownAs (n ids) and movedTo (NULL: not moved), as its
 * actor document says; moved_at is stamped now when movedTo changes to a new value. 0 or -1. */
int db_remote_move_fields(struct arena *a, int64_t account_id, const char *const *aka, int n,
			  const char *moved_to, struct err *err);

/* Records that the account moved to uri at Unix time now. 0 or -1 + err. */
int db_move_set(struct arena *a, int64_t account_id, const char *uri, int64_t now,
		struct err *err);

/* Clears movedTo (moved_at stays). 1 when it was set, 0 when not, -1 + err. */
int db_move_clear(struct arena *a, int64_t account_id, struct err *err);

/* Forgets everything of moving an account held (alsoKnownAs, movedTo, when): its member
 * deleted it. 0 or -1 + err. */
int db_move_forget(struct arena *a, int64_t account_id, struct err *err);

/* The local members who follow account_id / block it / mute it (approved, not deleted);
 * count (ids into *out, arena) or -1 + err. */
int db_local_followers(struct arena *a, int64_t account_id, int64_t **out, struct err *err);
int db_local_blockers(struct arena *a, int64_t account_id, int64_t **out, struct err *err);
int db_local_muters(struct arena *a, int64_t account_id, int64_t **out, struct err *err);

#endif
