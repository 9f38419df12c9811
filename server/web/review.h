/* review.h - web pages: review rules for moderators and admins (/admin/review-rules: list,
 * add, delete) and the list every signed-in member can read (/moderation/review-rules). */
#ifndef PARASOL_WEB_REVIEW_H
#define PARASOL_WEB_REVIEW_H

struct router;

/* Registers this page group's routes. 0, or -1 for a bad pattern. */
int web_review_routes(struct router *r);

#endif
