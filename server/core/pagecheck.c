/* pagecheck.c - the member page check (core/pagecheck.h). deps is "VIEWER|{ids}|{ids}". */
#include "core/pagecheck.h"

#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "db/pagemarks.h"
#include "util/arena.h"
#include "util/err.h"

int
pagecheck_begin(struct err *err)
{
	return db_begin_snapshot(err);
}

void
pagecheck_end(void)
{
	db_end_snapshot();
}

bool
pagecheck_open(void)
{
	return db_in_transaction();
}

const char *
pagecheck_deps(struct arena *a, int64_t viewer_id, const int64_t *status_ids, int nstatus,
	       const int64_t *account_ids, int naccount)
{
	return arena_printf(a, "%lld|%s|%s", (long long)viewer_id,
			    db_id_array(a, status_ids, nstatus),
			    db_id_array(a, account_ids, naccount));
}

const char *
pagecheck_token(struct arena *a, const char *deps, struct err *err)
{
	const char *bar1 = strchr(deps, '|');
	const char *bar2 = bar1 ? strchr(bar1 + 1, '|') : NULL;
	if (bar1 == NULL || bar2 == NULL || bar1 == deps) {
		err_set(err, ERR_INTERNAL, NULL, "malformed page deps");
		return NULL;
	}
	char *end;
	long long viewer = strtoll(deps, &end, 10);
	if (end != bar1) {
		err_set(err, ERR_INTERNAL, NULL, "malformed page deps");
		return NULL;
	}
	const char *statuses = arena_printf(a, "%.*s", (int)(bar2 - bar1 - 1), bar1 + 1);
	return db_pagemarks_token(a, (int64_t)viewer, statuses, bar2 + 1, err);
}
