/* queue.h - the review queue moderators work through: one list of open items (members'
 * reports, peers' Flags, review-rule matches), oldest first; the reports on one post (or about
 * one account) filed while its item is open are one item. A moderator claims an item, which
 * locks it for them, then closes it with an action (core/moderation.h). */
#ifndef PARASOL_CORE_QUEUE_H
#define PARASOL_CORE_QUEUE_H

#include <stdbool.h>
#include <stdint.h>

#include "db/queue.h" /* struct queue_item, struct queue_filter, struct queue_takeover */

struct account;
struct arena;
struct err;

#define QUEUE_PAGE_SIZE 50

/* Items matching f after after_id (0: from the first), oldest first, QUEUE_PAGE_SIZE at most.
 * The count, or -1 + err. */
int queue_list(struct arena *a, const struct queue_filter *f, int64_t after_id,
	       struct queue_item **out, struct err *err);

/* Item id, or NULL + ERR_NOT_FOUND. A report that is part of another item has group_id
 * set: that is the item to show. */
struct queue_item *queue_get_item(struct arena *a, int64_t id, struct err *err);

/* The reports of item id (reports on one post, or about one account, filed while it was
 * open): the item first, then the others in the order filed. The count, or -1 + err. */
int queue_group(struct arena *a, int64_t id, struct queue_item **out, struct err *err);

/* Who took item id over from whom, oldest first (arena). The count, or -1 + err. */
int queue_takeovers(struct arena *a, int64_t id, struct queue_takeover **out, struct err *err);

/* Whether moderator may read and handle item q: not a report about themselves (its reporters
 * and words are another moderator's to read, its decision theirs to take). */
bool queue_may_handle(const struct queue_item *q, const struct account *moderator);

enum queue_claim_op {
	QUEUE_CLAIM,	 /* take an unclaimed item */
	QUEUE_RELEASE,	 /* give one's own claim back */
	QUEUE_TAKE_OVER, /* take the item from the moderator who holds it (logged) */
};

/* A claim is a lock: while a moderator holds an item, no other may act on it
 * (core/moderation.c) unless they take it over, explicitly and on the record.
 * moderator claims, releases or takes over open item id (a report of a group: the group's
 * item). holder is, for a take-over, the moderator the taker saw holding it (so that a
 * claim changed in between is not taken unseen); ignored otherwise. Claiming an item one
 * holds already does nothing. ERR_CONFLICT when the item is closed, claimed by another
 * moderator (a claim; the message says to take it over), not held by moderator (a release)
 * or no longer held by holder (a take-over); ERR_UNPROCESSABLE for a take-over without a
 * holder or of one's own claim; ERR_FORBIDDEN for a member or a report about moderator;
 * ERR_NOT_FOUND for no such item. 0 or -1 + err. */
int queue_claim(struct arena *a, const struct account *moderator, int64_t id, enum queue_claim_op op,
		int64_t holder, struct err *err);

#endif
