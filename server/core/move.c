/* move.c - moving accounts; SQL in db/moves.c, peers in ap/move.c. */
#include "core/move.h"

#include <jansson.h>
#include <string.h>

#include "core/account.h"
#include "core/block.h"
#include "core/deletion.h"
#include "core/events.h"
#include "core/follow.h"
#include "core/notification.h"
#include "core/twofactor.h"
#include "db/db.h"
#include "db/deletion.h"
#include "db/moves.h"
#include "db/remote.h"
#include "jobs/queue.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/log.h"

static move_lookup_fn lookup;

void
move_set_lookup(move_lookup_fn fn)
{
	lookup = fn;
}

static int
look_up(struct arena *a, const char *handle, const struct account *member,
	struct move_target *out, struct err *err)
{
	memset(out, 0, sizeof *out);
	while (handle != NULL && (*handle == ' ' || *handle == '\t'))
		handle++;
	if (handle == NULL || *handle == '\0')
		return err_set(err, ERR_UNPROCESSABLE, "Write the address as user@server.",
			       "empty handle");
	if (lookup == NULL)
		return err_set(err, ERR_FORBIDDEN,
			       "That server is not one this community federates with.",
			       "federation is off: no move lookup");
	return lookup(a, handle, member, out, err);
}

int
move_info_get(struct arena *a, const struct account *acct, struct move_info *out,
	      struct err *err)
{
	memset(out, 0, sizeof *out);
	struct db_move_state st;
	if (db_move_state(a, acct->id, &st, err) != 0)
		return -1;
	out->aliases = st.aka;
	out->naliases = st.naka;
	out->moved_to = st.moved_to;
	out->moved_at = st.moved_at;
	if (st.moved_at != 0)
		out->next_move_at = st.moved_at + MOVE_PERIOD_S;
	if (st.moved_to != NULL) {
		struct err ignored;
		out->moved_to_account = db_remote_by_uri(a, st.moved_to, &ignored);
	}
	return 0;
}

/* Tells the member's followers' servers that the actor changed (alsoKnownAs, movedTo). */
static int
profile_changed(struct arena *a, int64_t member_id, struct err *err)
{
	struct event ev = {.kind = EV_PROFILE_UPDATED, .actor_id = member_id};
	return events_emit(a, &ev, err);
}

int
move_alias_add(struct arena *a, const struct account *member, const char *handle,
	       struct err *err)
{
	if (member->domain != NULL)
		return err_set(err, ERR_FORBIDDEN, NULL, "not a member of this node");
	struct move_target t;
	if (look_up(a, handle, member, &t, err) != 0)
		return -1;
	if (db_begin(err) != 0)
		return -1;
	/* the peer was asked first: the account may have been deleted meanwhile */
	if (deletion_hold_live(a, member->id, err) != 0)
		goto fail;
	int rc = db_alias_add(a, member->id, t.account->uri, MOVE_ALIASES_MAX, err);
	if (rc == 2) {
		err_set(err, ERR_UNPROCESSABLE,
			"You can list at most 10 other accounts. Remove one first.",
			"alsoKnownAs full");
		goto fail;
	}
	if (rc < 0 || (rc == 1 && profile_changed(a, member->id, err) != 0))
		goto fail;
	return db_commit(err);
fail:
	db_rollback();
	return -1;
}

int
move_alias_remove(struct arena *a, const struct account *member, const char *uri,
		  struct err *err)
{
	if (db_begin(err) != 0)
		return -1;
	int rc = db_alias_remove(a, member->id, uri ? uri : "", err);
	if (rc == 0) {
		err_set(err, ERR_NOT_FOUND, "That account is not on your list.", "no such alias");
		goto fail;
	}
	if (rc < 0 || profile_changed(a, member->id, err) != 0)
		goto fail;
	return db_commit(err);
fail:
	db_rollback();
	return -1;
}

/* Refuses a move now: already moved, or moved within the period. */
static int
check_may_move(const struct db_move_state *st, int64_t now, struct err *err)
{
	if (st->moved_to != NULL)
		return err_set(err, ERR_CONFLICT,
			       "This account has moved already. Undo that move first.",
			       "already moved");
	if (st->moved_at != 0 && now < st->moved_at + MOVE_PERIOD_S)
		return err_set(err, ERR_RATE_LIMITED,
			       "An account can move only once in 30 days. Try again later.",
			       "moved %lld s ago", (long long)(now - st->moved_at));
	return 0;
}

int
move_away(struct arena *a, const struct account *member, const char *handle,
	  const char *password, const char *code, int64_t now, struct err *err)
{
	if (member->domain != NULL)
		return err_set(err, ERR_FORBIDDEN, NULL, "not a member of this node");
	struct db_move_state st;
	if (db_move_state(a, member->id, &st, err) != 0 || check_may_move(&st, now, err) != 0)
		return -1;
	/* the peer is asked before the transaction: no lock is held while it answers */
	struct move_target t;
	if (look_up(a, handle, member, &t, err) != 0)
		return -1;
	if (t.account->id == member->id)
		return err_set(err, ERR_UNPROCESSABLE, "An account can't move to itself.",
			       "move to self");
	if (t.moved)
		return err_set(err, ERR_UNPROCESSABLE,
			       "That account has moved elsewhere itself. Move to the account it "
			       "moved to.",
			       "target moved");
	if (!t.lists_member)
		return err_set(err, ERR_UNPROCESSABLE,
			       "That account doesn't list this one as its old account yet. On the "
			       "other server, add this account's address (shown on this page) as "
			       "an alias (on Mastodon: Account > Moving from a different account), "
			       "then try again.",
			       "target's alsoKnownAs lacks %s", t.member_uri);
	if (db_begin(err) != 0)
		return -1;
	/* a second request waits here for the first, then finds the account moved */
	int live = db_account_lock_live(a, member->id, err);
	if (live <= 0) {
		if (live == 0)
			err_set(err, ERR_GONE, "This account has been deleted.", "deleted");
		goto fail;
	}
	if (db_move_state(a, member->id, &st, err) != 0 || check_may_move(&st, now, err) != 0 ||
	    twofactor_confirm(a, member, password, code, err) != 0)
		goto fail;
	struct event ev = {.kind = EV_ACCOUNT_MOVED, .actor_id = member->id,
			   .target_id = t.account->id};
	/* the followers here move in a job queued with the move: at once, and again after a
	 * crash or a failure until done (move_followers is idempotent) */
	char b1[ID_STRLEN], b2[ID_STRLEN];
	json_t *job = json_pack("{s:s,s:s}", "old", id_format(member->id, b1), "target",
				id_format(t.account->id, b2));
	int64_t queued = job ? job_enqueue(a, JOB_MOVE, job, 0, err)
			     : err_set(err, ERR_INTERNAL, NULL, "out of memory");
	json_decref(job);
	if (queued < 0)
		goto fail;
	if (db_move_set(a, member->id, t.account->uri, now, err) != 0 ||
	    profile_changed(a, member->id, err) != 0 || events_emit(a, &ev, err) != 0)
		goto fail;
	if (db_commit(err) != 0)
		return -1;
	log_msg(LOG_INFO, "account %lld moved away", (long long)member->id);
	return 0;
fail:
	db_rollback();
	return -1;
}

int
move_undo(struct arena *a, const struct account *member, struct err *err)
{
	if (db_begin(err) != 0)
		return -1;
	int rc = db_move_clear(a, member->id, err);
	if (rc == 0) {
		err_set(err, ERR_NOT_FOUND, "This account has not moved.", "not moved");
		goto fail;
	}
	if (rc < 0 || profile_changed(a, member->id, err) != 0)
		goto fail;
	return db_commit(err);
fail:
	db_rollback();
	return -1;
}

int
move_check_may_post(struct arena *a, const struct account *member, struct err *err)
{
	struct db_move_state st;
	if (db_move_state(a, member->id, &st, err) != 0)
		return -1;
	if (st.moved_to != NULL)
		return err_set(err, ERR_FORBIDDEN,
			       "This account has moved to another account, so it can't post. "
			       "Post from your new account, or undo the move in Settings.",
			       "moved account");
	return 0;
}

int
move_job(struct arena *a, const json_t *payload, struct err *err)
{
	int64_t old_id, target_id;
	if (id_parse(json_string_value(json_object_get(payload, "old")), &old_id) != 0 ||
	    id_parse(json_string_value(json_object_get(payload, "target")), &target_id) != 0)
		return err_set(err, ERR_INVALID, NULL, "malformed move job");
	int n = move_followers(a, old_id, target_id, err);
	if (n < 0)
		return -1;
	log_msg(LOG_INFO, "move: %d followers here of account %lld moved with it", n,
		(long long)old_id);
	return 0;
}

int
move_followers(struct arena *a, int64_t old_id, int64_t target_id, struct err *err)
{
	int64_t *ids;
	int n = db_local_followers(a, old_id, &ids, err), moved = 0;
	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		if (ids[i] == target_id)
			continue; /* the new account itself, following its old one */
		bool requested;
		struct err ferr;
		if (follow_account(a, ids[i], target_id, &requested, &ferr) != 0) {
			if (ferr.code == ERR_UNAVAILABLE) {
				*err = ferr;
				return -1;
			}
			log_msg(LOG_INFO, "move: member %lld can't follow the new account: %s",
				(long long)ids[i], ferr.detail);
			continue; /* a block: the follow of the old account stays */
		}
		if (follow_undo(a, ids[i], old_id, err) != 0)
			return -1;
		struct err nerr;
		if (notification_add(a, ids[i], old_id, NOTIF_MOVE, 0, &nerr) != 0)
			log_msg(LOG_WARN, "move: notification not stored: %s", nerr.detail);
		moved++;
	}
	n = db_local_blockers(a, old_id, &ids, err);
	for (int i = 0; i < n; i++)
		if (ids[i] != target_id && block_add(a, ids[i], target_id, err) != 0)
			return -1;
	if (n < 0)
		return -1;
	n = db_local_muters(a, old_id, &ids, err);
	for (int i = 0; i < n; i++)
		if (ids[i] != target_id && mute_add(a, ids[i], target_id, err) != 0)
			return -1;
	return n < 0 ? -1 : moved;
}
