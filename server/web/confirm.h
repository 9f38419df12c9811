/* confirm.h - the confirmation step of destructive actions (an admin removing a peer,
 * deleting a rule, declining an application, revoking an invite; a member erasing an earlier
 * version of their post). The list pages' buttons post without
 * it; the handler then shows a page that says what will happen, whose form posts the same
 * request again with confirm=1. No JavaScript is involved, and nothing changes before the
 * second post. */
#ifndef PARASOL_WEB_CONFIRM_H
#define PARASOL_WEB_CONFIRM_H

#include <stdbool.h>

struct req;
struct tval;

/* Whether the form carries the confirmation (confirm=1). */
bool web_confirmed(const struct req *req);

/* Renders templates/admin_confirm.html (200): ctx says what is confirmed (one of the keys
 * peer, rule, application, invite, with their details; the template explains each), title
 * is the page's msgid, back the page "Cancel" returns to. The form posts to the request's
 * own path. 0, or -1 + req->err. */
int web_confirm_page(struct req *req, const char *title, struct tval *ctx, const char *back);

#endif
