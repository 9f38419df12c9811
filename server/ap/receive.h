/* receive.h - the 'inbox' job: applying an activity a peer sent, after the inbox verified
 * its signature and the allowlist. Applying is idempotent: an activity id seen before
 * changes nothing, and every write is keyed so that a replay finds it done.
 *
 * Handled: Follow (a follow, or a request for locked members, answered with Accept or
 * Reject), Accept and Reject of our Follows, Undo of a Follow, Like or Announce, Like and
 * Announce of posts stored here, Create and Update of Notes
 * (sanitised; stored when a member follows the author, is mentioned, or is replied to),
 * Update of the actor, Delete of a Note or of the actor, Block and Undo(Block), Flag (a
 * report about one of our members, filed in the moderators' queue: ap/flag.h). Others (Move,
 * Add/Remove, EmojiReact...) are acknowledged and ignored for now. */
#ifndef PARASOL_AP_RECEIVE_H
#define PARASOL_AP_RECEIVE_H

#include <jansson.h>

struct arena;
struct err;

/* The job handler (jobs/worker.h job_handler). */
int ap_receive_job(struct arena *a, const json_t *payload, struct err *err);

#endif
