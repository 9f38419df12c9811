/* sweep.h - the periodic work every `serve` and `parasol worker` does between jobs
 * (jobs/worker.h runs it every sweep_interval seconds, one thread at a time). */
#ifndef PARASOL_CORE_SWEEP_H
#define PARASOL_CORE_SWEEP_H

struct arena;
struct err;

/* One round: moderation's timed suspensions and purges (core/moderation.h), the keys and
 * handles of deleted accounts (core/deletion.h), the home feeds' trimming
 * (core/timeline.h), the posts due to delete themselves (core/expiry.h), then the media
 * trash and the remote images' cache (core/media.h, core/remote_media.h). The number of
 * things done, or -1 + err when a part failed: the failure is logged and the round goes on
 * with the next part, so that one part that keeps failing starves none of the others. */
int sweep_run(struct arena *a, struct err *err);

#endif
