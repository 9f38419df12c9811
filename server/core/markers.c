/* markers.c - read markers (see markers.h); SQL in db/markers.c. */
#include "core/markers.h"

#include <string.h>

#include "db/db.h"
#include "util/err.h"

bool
marker_timeline_known(const char *name)
{
	return name != NULL && (strcmp(name, "home") == 0 || strcmp(name, "notifications") == 0);
}

int
marker_list(struct arena *a, int64_t member_id, struct marker **out, struct err *err)
{
	return db_markers_get(a, member_id, out, err);
}

int
marker_set(struct arena *a, int64_t member_id, const struct marker *in, int n, struct marker *out,
	   struct err *err)
{
	for (int i = 0; i < n; i++) {
		if (!marker_timeline_known(in[i].timeline))
			return err_set(err, ERR_UNPROCESSABLE,
				       "timeline: must be home or notifications.",
				       "unknown timeline");
		if (in[i].last_read_id <= 0)
			return err_set(err, ERR_UNPROCESSABLE, "last_read_id: must be an id.",
				       "bad last_read_id");
	}
	if (db_begin(err) != 0)
		return -1;
	for (int i = 0; i < n; i++)
		if (db_marker_set(a, member_id, in[i].timeline, in[i].last_read_id, &out[i], err) !=
		    0) {
			db_rollback();
			return -1;
		}
	return db_commit(err);
}
