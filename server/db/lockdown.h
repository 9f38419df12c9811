/* lockdown.h - SQL for the lockdown switch's state (instance setting 'lockdown', migration
 * 0034). The job queue reads the same row when it claims deliveries (db/jobs.c). */
#ifndef PARASOL_DB_LOCKDOWN_H
#define PARASOL_DB_LOCKDOWN_H

#include <stdbool.h>

struct arena;
struct err;

/* Reads whether lockdown is on into *on, locking its row until the caller's transaction ends
 * (two admins switching at once are serialised). 0 or -1 + err. */
int db_lockdown_lock(struct arena *a, bool *on, struct err *err);

/* For the lockdown being switched off, in that transaction: the queued deliveries count
 * their age without the time the lockdown held them (since the last 'lockdown' record of
 * the moderation log), so that jobs/queue.h's two days are days they could be tried in and
 * a long lockdown doesn't leave each one a single try. 0 or -1 + err. */
int db_lockdown_unhold(struct arena *a, struct err *err);

#endif
