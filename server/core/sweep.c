/* sweep.c - the periodic work, in one list. */
#include "core/sweep.h"

#include "core/deletion.h"
#include "core/expiry.h"
#include "core/media.h"
#include "core/remote_media.h"
#include "core/moderation.h"
#include "core/timeline.h"

int
sweep_run(struct arena *a, struct err *err)
{
	int (*const parts[])(struct arena *, struct err *) = {
	    mod_sweep, deletion_sweep, timeline_sweep, expiry_sweep, media_sweep, remote_media_sweep};
	int done = 0;
	for (unsigned i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		int n = parts[i](a, err);
		if (n < 0)
			return -1;
		done += n;
	}
	return done;
}
