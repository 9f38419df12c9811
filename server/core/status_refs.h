/* status_refs.h - whom posts mention and which tags they carry, read for many posts at once
 * (the client API's "mentions" and "tags"). The posts are ones the caller already read
 * through a visibility check (core/timeline.h, core/status.h): this only adds their refs. */
#ifndef PARASOL_CORE_STATUS_REFS_H
#define PARASOL_CORE_STATUS_REFS_H

#include <stdint.h>

#include "db/status_refs.h" /* struct status_mention, struct status_tag */

struct arena;
struct err;

struct status_refs {
	struct status_mention *mentions; /* by post, then account */
	int nmentions;
	struct status_tag *tags; /* by post, then name */
	int ntags;
};

/* The mentions and tags of the n posts ids (arena-owned). 0 or -1 + err (out is then
 * empty). */
int status_refs_of(struct arena *a, const int64_t *ids, int n, struct status_refs *out,
		   struct err *err);

#endif
