/* queue.c - listing, reading, claiming and taking over review queue items. */
#include "core/queue.h"

#include <string.h>

#include "db/db.h"
#include "db/model.h"
#include "util/err.h"
#include "util/log.h"

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
queue_group(struct arena *a, int64_t id, struct queue_item **out, struct err *err)
{
	return db_queue_group(a, id, out, err);
}

int
queue_takeovers(struct arena *a, int64_t id, struct queue_takeover **out, struct err *err)
{
	return db_queue_takeovers(a, id, out, err);
}

/* The one message for "someone else holds it", which the web page turns into the take-over
 * page. */
static int
held_by_other(struct err *err, const char *detail)
{
	return err_set(err, ERR_CONFLICT,
		       "Another moderator has claimed this item. Take it over to act on it.",
		       "queue: %s", detail);
}

static int
take_over(struct arena *a, const struct account *moderator, const struct queue_item *q,
	  int64_t holder, struct err *err)
{
	if (holder == 0 || holder == moderator->id)
		return err_set(err, ERR_UNPROCESSABLE,
			       "Say whose claim you take over: open the item again.",
			       "queue: take-over without a holder");
	if (q->claimed_by != holder)
		return err_set(err, ERR_CONFLICT,
			       "The item's claim changed meanwhile. Look at it again before you "
			       "take it over.",
			       "queue: take-over of a claim that changed");
	if (db_begin(err) != 0)
		return -1;
	int n = db_queue_claim(a, q->id, moderator->id, holder, err);
	if (n == 0)
		err_set(err, ERR_CONFLICT,
			"The item's claim changed meanwhile. Look at it again before you take it "
			"over.",
			"queue: take-over raced");
	if (n <= 0 || db_queue_takeover_insert(a, q->id, moderator->id, holder, err) != 0) {
		db_rollback();
		return -1;
	}
	if (db_commit(err) != 0)
		return -1;
	log_msg(LOG_INFO, "queue: item %lld taken over by moderator %lld from %lld",
		(long long)q->id, (long long)moderator->id, (long long)holder);
	return 0;
}

bool
queue_may_handle(const struct queue_item *q, const struct account *moderator)
{
	return moderator != NULL && q->target_id != moderator->id;
}

int
queue_claim(struct arena *a, const struct account *moderator, int64_t id, enum queue_claim_op op,
	    int64_t holder, struct err *err)
{
	if (moderator == NULL || moderator->role < ROLE_MODERATOR)
		return err_set(err, ERR_FORBIDDEN, "Only moderators can do this.",
			       "queue: not a moderator");
	struct queue_item *q = db_queue_get(a, id, err);
	if (q == NULL)
		return -1;
	if (!queue_may_handle(q, moderator))
		return err_set(err, ERR_FORBIDDEN, "Another moderator must handle reports about you.",
			       "queue: claim of a report about the moderator");
	if (q->group_id != 0) /* a report of a group: its item is the group's leader */
		return queue_claim(a, moderator, q->group_id, op, holder, err);
	if (strcmp(q->state, "open") != 0)
		return err_set(err, ERR_CONFLICT, "This queue item is closed already.",
			       "queue: claim of a closed item");
	if (op == QUEUE_TAKE_OVER)
		return take_over(a, moderator, q, holder, err);
	bool release = op == QUEUE_RELEASE;
	if (release && q->claimed_by != moderator->id)
		return err_set(err, ERR_CONFLICT, "You haven't claimed this item.",
			       "queue: release of an item not held");
	if (!release && q->claimed_by != 0 && q->claimed_by != moderator->id)
		return held_by_other(err, "claim conflict");
	int n =
	    db_queue_claim(a, id, release ? 0 : moderator->id, release ? moderator->id : 0, err);
	if (n < 0)
		return -1;
	if (n == 0 && !release && q->claimed_by == moderator->id)
		return 0; /* claimed already by them: nothing to do */
	if (n == 0)
		return held_by_other(err, "claimed or closed meanwhile");
	return 0;
}
