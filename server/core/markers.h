/* markers.h - read markers (the client API's /api/v1/markers): where a member last read
 * their home timeline and their notifications, kept so that another app goes on from there.
 * One per member and timeline; deleted with the account. */
#ifndef PARASOL_CORE_MARKERS_H
#define PARASOL_CORE_MARKERS_H

#include <stdbool.h>
#include <stdint.h>

#include "db/markers.h" /* struct marker */

struct arena;
struct err;

/* Whether name is a timeline that has markers ("home", "notifications"). */
bool marker_timeline_known(const char *name);

/* member_id's markers, at most one per timeline; count (into *out, arena) or -1 + err. */
int marker_list(struct arena *a, int64_t member_id, struct marker **out, struct err *err);

/* Moves member_id's markers in[0..n) (timeline and last_read_id, > 0) at once, in one
 * transaction, and fills out[0..n) with them as stored (their versions one more).
 * ERR_UNPROCESSABLE for an unknown timeline or id, and nothing is written. 0 or -1 + err. */
int marker_set(struct arena *a, int64_t member_id, const struct marker *in, int n,
	       struct marker *out, struct err *err);

#endif
