/* sweep.c - the periodic work, in one list. */
#include "core/sweep.h"

#include "core/deletion.h"
#include "core/expiry.h"
#include "core/media.h"
#include "core/remote_media.h"
#include "core/moderation.h"
#include "core/timeline.h"
#include "util/err.h"
#include "util/log.h"

int
sweep_run(struct arena *a, struct err *err)
{
	int (*const parts[])(struct arena *, struct err *) = {
	    mod_sweep, deletion_sweep, timeline_sweep, expiry_sweep, media_sweep, remote_media_sweep};
	const char *const names[] = {"moderation", "deletion", "home feeds",
				     "expiry",	   "media",    "remote media"};
	int done = 0, failed = 0;
	enum err_code code = ERR_INTERNAL;
	for (unsigned i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		struct err part;
		err_clear(&part);
		int n = parts[i](a, &part);
		if (n >= 0) {
			done += n;
			continue;
		}
		/* one part that keeps failing (a row the database refuses) must not starve the
		 * others: each failure is told here and the round goes on */
		log_msg(LOG_WARN, "sweep: %s failed: %s", names[i], part.detail);
		if (failed++ == 0)
			code = part.code;
	}
	if (failed > 0)
		return err_set(err, code, NULL, "%d of the sweep's parts failed (logged above)",
			       failed);
	return done;
}
