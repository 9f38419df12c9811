/* pagecheck.c - the member page check (core/pagecheck.h). deps is "VIEWER|{ids}|{ids}". */
#include "core/pagecheck.h"

#include <stdlib.h>
#include <string.h>

#include "core/remote_media.h"
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

void
pagecheck_shown(struct arena *a, const char *deps, const char *token)
{
	const char *r = token ? strstr(token, "|r") : NULL;
	if (r == NULL || r[2] == '\0' || r[2] == '|')
		return; /* no remote image on the page */
	/* the posts: deps's second part, "{id,id,...}" */
	const char *p = strchr(deps, '|');
	if (p == NULL || p[1] != '{')
		return;
	p += 2;
	size_t most = strlen(p) / 2 + 1;
	int64_t *ids = arena_alloc(a, sizeof *ids * most);
	int n = 0;
	while (*p >= '0' && *p <= '9' && (size_t)n < most) {
		char *end;
		ids[n++] = (int64_t)strtoll(p, &end, 10);
		p = *end == ',' ? end + 1 : end;
	}
	remote_media_mark_shown(a, ids, n);
}
