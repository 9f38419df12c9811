/* timeline.c - reading posts; the queries (and the visibility filter) are in
 * db/statuses.c. This file turns "a page" into the query's bounds and back. */
#include "timeline.h"

#include <stddef.h>

#include "core/status.h"
#include "util/err.h"

#define THREAD_MAX 200 /* posts above or below the focus shown on a thread page */

static int
page(struct arena *a, enum db_timeline kind, int64_t viewer_id, int64_t arg_id,
     const char *arg_text, const struct timeline_query *q, struct timeline_page *out,
     struct err *err)
{
	bool asc = q->min_id != 0;
	int limit = q->limit > 0 ? q->limit : 20;
	int n = db_status_list(a, kind, viewer_id, arg_id, arg_text, asc ? 0 : q->max_id,
			       asc ? q->min_id : 0, limit + 1, asc, &out->items, err);
	if (n < 0)
		return -1;
	bool more = n > limit;
	if (more)
		n = limit;
	if (asc) /* fetched oldest first, just above min_id: show newest first */
		for (int i = 0, j = n - 1; i < j; i++, j--) {
			struct status tmp = out->items[i];
			out->items[i] = out->items[j];
			out->items[j] = tmp;
		}
	out->n = n;
	out->has_newer = asc ? more : q->max_id != 0;
	out->has_older = asc ? true : more;
	return 0;
}

int
timeline_home(struct arena *a, int64_t viewer_id, const struct timeline_query *q,
	      struct timeline_page *out, struct err *err)
{
	return page(a, DB_TL_HOME, viewer_id, 0, NULL, q, out, err);
}

int
timeline_local(struct arena *a, int64_t viewer_id, const struct timeline_query *q,
	       struct timeline_page *out, struct err *err)
{
	return page(a, DB_TL_LOCAL, viewer_id, 0, NULL, q, out, err);
}

int
timeline_tag(struct arena *a, int64_t viewer_id, const char *tag,
	     const struct timeline_query *q, struct timeline_page *out, struct err *err)
{
	return page(a, DB_TL_TAG, viewer_id, 0, tag, q, out, err);
}

int
timeline_account(struct arena *a, int64_t viewer_id, int64_t account_id,
		 const struct timeline_query *q, struct timeline_page *out, struct err *err)
{
	return page(a, DB_TL_ACCOUNT, viewer_id, account_id, NULL, q, out, err);
}

int
timeline_pinned(struct arena *a, int64_t viewer_id, int64_t account_id,
		struct timeline_page *out, struct err *err)
{
	struct timeline_query q = {.limit = STATUS_MAX_PINS};
	return page(a, DB_TL_PINNED, viewer_id, account_id, NULL, &q, out, err);
}

int
timeline_bookmarks(struct arena *a, int64_t viewer_id, const struct timeline_query *q,
		   struct timeline_page *out, struct err *err)
{
	return page(a, DB_TL_BOOKMARKS, viewer_id, 0, NULL, q, out, err);
}

int
timeline_favourites(struct arena *a, int64_t viewer_id, const struct timeline_query *q,
		    struct timeline_page *out, struct err *err)
{
	return page(a, DB_TL_FAVOURITES, viewer_id, 0, NULL, q, out, err);
}

int
timeline_thread(struct arena *a, int64_t viewer_id, int64_t id, struct thread *out,
		struct err *err)
{
	if ((out->focus = status_get(a, viewer_id, id, err)) == NULL)
		return -1;
	out->nancestors = db_status_list(a, DB_TL_ANCESTORS, viewer_id, id, NULL, 0, 0,
					 THREAD_MAX, true, &out->ancestors, err);
	if (out->nancestors < 0)
		return -1;
	out->ndescendants = db_status_list(a, DB_TL_DESCENDANTS, viewer_id, id, NULL, 0, 0,
					   THREAD_MAX, true, &out->descendants, err);
	return out->ndescendants < 0 ? -1 : 0;
}

int
timeline_profile_visible(struct arena *a, int64_t viewer_id, int64_t account_id,
			 struct err *err)
{
	if (viewer_id == 0 || viewer_id == account_id)
		return 1;
	int blocked = db_account_blocks(a, account_id, viewer_id, err);
	return blocked < 0 ? -1 : !blocked;
}

int
timeline_profile_check(struct arena *a, const struct account *viewer, const struct account *acct,
		       struct err *err)
{
	bool moderator = viewer != NULL && viewer->role >= ROLE_MODERATOR && !viewer->suspended;
	bool self = viewer != NULL && viewer->id == acct->id;
	if (!acct->approved || (acct->suspended && !moderator && !self))
		return err_set(err, ERR_NOT_FOUND, "No account has that name.", "no such profile");
	int visible = timeline_profile_visible(a, viewer ? viewer->id : 0, acct->id, err);
	if (visible < 0)
		return -1;
	if (!visible) /* the blocker's profile does not exist for the blocked */
		return err_set(err, ERR_NOT_FOUND, "No account has that name.",
			       "profile of a blocker");
	return 0;
}

int
timeline_account_counts(struct arena *a, int64_t account_id, long *posts, long *followers,
			long *following, struct err *err)
{
	return db_account_counts(a, account_id, posts, followers, following, err);
}

/* Where the sweep's round through the home feeds is: the last member id it looked at. The
 * sweep runs in one thread at a time (jobs/worker.h); atomic all the same. */
static _Atomic int64_t feed_cursor;

int
timeline_sweep(struct arena *a, struct err *err)
{
	int64_t last;
	if (db_home_feeds_trim(a, HOME_FEED_KEEP, feed_cursor, HOME_FEED_SWEEP_BATCH, &last,
			       err) != 0)
		return -1;
	feed_cursor = last;
	return 0;
}
