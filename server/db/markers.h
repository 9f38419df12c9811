/* markers.h - SQL for the client API's read markers (migrations/0043_markers.sql). Database
 * errors only; the rules live in core/markers.c. */
#ifndef PARASOL_DB_MARKERS_H
#define PARASOL_DB_MARKERS_H

#include <stdint.h>

struct arena;
struct err;

/* Where a member last read one timeline. Strings are the arena's. */
struct marker {
	const char *timeline; /* "home" or "notifications" */
	int64_t last_read_id;
	long version;
	const char *updated_at; /* ISO 8601, UTC, seconds */
};

/* account_id's markers (at most one per timeline); count (into *out, arena) or -1 + err. */
int db_markers_get(struct arena *a, int64_t account_id, struct marker **out, struct err *err);

/* Sets account_id's marker of timeline to last_read_id (its version counts one more) and
 * fills out with the row as stored. 0 or -1 + err. */
int db_marker_set(struct arena *a, int64_t account_id, const char *timeline, int64_t last_read_id,
		  struct marker *out, struct err *err);

#endif
