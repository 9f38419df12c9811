/* queue.c - listing, reading and claiming review queue items. */
#include "core/queue.h"

#include <string.h>

#include "db/model.h"
#include "util/err.h"

int
queue_list(struct arena *a, const struct queue_filter *f, int64_t after_id, struct queue_item **out,
	   struct err *err)
{
	return db_queue_list(a, f, after_id, QUEUE_PAGE_SIZE, out, err);
}

struct queue_item *
queue_get_item(struct arena *a, int64_t id, struct err *err)
{
	return db_queue_get(a, id, err);
}

int
queue_claim(struct arena *a, const struct account *moderator, int64_t id, bool release,
	    struct err *err)
{
	if (moderator == NULL || moderator->role < ROLE_MODERATOR)
		return err_set(err, ERR_FORBIDDEN, "Only moderators can do this.",
			       "queue: not a moderator");
	struct queue_item *q = db_queue_get(a, id, err);
	if (q == NULL)
		return -1;
	if (strcmp(q->state, "open") != 0)
		return err_set(err, ERR_CONFLICT, "This queue item is closed already.",
			       "queue: claim of a closed item");
	if (release ? q->claimed_by != moderator->id
		    : q->claimed_by != 0 && q->claimed_by != moderator->id)
		return err_set(err, ERR_CONFLICT,
			       release ? "You haven't claimed this item."
				       : "Another moderator has claimed this item.",
			       "queue: claim conflict");
	int n = db_queue_claim(a, id, release ? 0 : moderator->id, err);
	if (n < 0)
		return -1;
	if (n == 0)
		return err_set(err, ERR_CONFLICT, "This queue item is closed already.",
			       "queue: closed meanwhile");
	return 0;
}
