/* statuses.h - web pages for posts: compose, thread, edit, history, delete and the actions
 * (boost, like, bookmark, pin). Also the status and compose views every post list uses. */
#ifndef PARASOL_WEB_STATUSES_H
#define PARASOL_WEB_STATUSES_H

#include "db/model.h"

struct req;
struct router;
struct status;
struct status_draft;
struct tval;

/* Registers this page group's routes. 0, or -1 for a bad pattern. */
int web_statuses_routes(struct router *r);

/* A post for templates/status.html; back is where its action forms return to (the action
 * then lands on the post's element, back#s-ID). back NULL makes a preview without the
 * member's controls (the delete confirmation, report forms, moderators' pages). Owned by
 * req->arena. */
struct tval *web_status_view(struct req *req, const struct status *st, const char *back);

/* A list of n posts as status views (back as for web_status_view). */
struct tval *web_status_list(struct req *req, const struct status *items, int n,
			     const char *back);

/* The "compose" object for templates/compose.html: what was typed (d may be NULL for an
 * empty form with the viewer's default visibility) and where to go after posting. */
struct tval *web_compose_view(struct req *req, const struct status_draft *d, const char *back);

/* The path of a post's page: /@acct/id, acct being the author's username or user@domain
 * (escaped as web_account_path does; arena). */
const char *web_status_url(struct req *req, const char *acct, int64_t id);

#endif
