/* move.h - Settings → moving (core/move.h):
 *   GET/POST /settings/aliases         "Moving from another account": the accounts listed as
 *                                      this one's old ones (alsoKnownAs), one added by handle
 *   POST /settings/aliases/remove      one taken off the list (field uri)
 *   GET/POST /settings/move            "Move to another account": handle, password, code
 *   POST /settings/move/undo           the redirect undone
 * Each says plainly what happens and what to do on the other server. */
#ifndef PARASOL_WEB_MOVE_H
#define PARASOL_WEB_MOVE_H

struct move_info;
struct req;
struct router;

int web_move_routes(struct router *r);

/* Where the account of mi moved to, for a link: *url its profile on this node and *handle
 * its handle ("name" for a member here, "name@domain" otherwise), both "" when this node
 * knows no such account (then show mi->moved_to, the actor id). Arena strings. */
void web_move_target(struct req *req, const struct move_info *mi, const char **url,
		     const char **handle);

#endif
