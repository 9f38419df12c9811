/* status_refs.c - the mentions and tags of many posts (see status_refs.h). */
#include "core/status_refs.h"

#include <string.h>

#include "util/err.h"

int
status_refs_of(struct arena *a, const int64_t *ids, int n, struct status_refs *out, struct err *err)
{
	memset(out, 0, sizeof *out);
	int m = db_status_mentions_of(a, ids, n, &out->mentions, err);
	int t = m < 0 ? -1 : db_status_tags_of(a, ids, n, &out->tags, err);
	if (m < 0 || t < 0) {
		memset(out, 0, sizeof *out);
		return -1;
	}
	out->nmentions = m;
	out->ntags = t;
	return 0;
}
