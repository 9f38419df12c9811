/* queue.h - the review queue moderators work through: one list of open items (members'
 * reports, peers' Flags, review-rule matches), oldest first. A moderator claims an item so
 * others know it is taken, then closes it with an action (core/moderation.h). */
#ifndef PARASOL_CORE_QUEUE_H
#define PARASOL_CORE_QUEUE_H

#include <stdbool.h>
#include <stdint.h>

#include "db/queue.h" /* struct queue_item, struct queue_filter */

struct account;
struct arena;
struct err;

#define QUEUE_PAGE_SIZE 50

/* Items matching f after after_id (0: from the first), oldest first, QUEUE_PAGE_SIZE at most.
 * The count, or -1 + err. */
int queue_list(struct arena *a, const struct queue_filter *f, int64_t after_id,
	       struct queue_item **out, struct err *err);

/* Item id, or NULL + ERR_NOT_FOUND. */
struct queue_item *queue_get_item(struct arena *a, int64_t id, struct err *err);

/* moderator claims open item id (release: gives it back). ERR_CONFLICT when the item is closed,
 * or claimed by another moderator (they must release it first), or (release) not claimed by
 * moderator; ERR_NOT_FOUND for no such item. 0 or -1 + err. */
int queue_claim(struct arena *a, const struct account *moderator, int64_t id, bool release,
		struct err *err);

#endif
