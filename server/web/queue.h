/* queue.h - the moderators' pages: the review queue, an item with its context and the action
 * form, an account's moderation page, actions awaiting a second moderator, open appeals. */
#ifndef PARASOL_WEB_QUEUE_H
#define PARASOL_WEB_QUEUE_H

struct router;

/* Registers this page group's routes. 0, or -1 for a bad pattern. */
int web_queue_routes(struct router *r);

#endif
