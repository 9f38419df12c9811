/* move.h - Settings → moving (core/move.h):
 *   GET/POST /settings/aliases         "Moving from another account": the accounts listed as
 *                                      this one's old ones (alsoKnownAs), one added by handle
 *   POST /settings/aliases/remove      one taken off the list (field uri)
 *   GET/POST /settings/move            "Move to another account": handle, password, code
 *   POST /settings/move/undo           the redirect undone
 * Each says plainly what happens and what to do on the other server. */
#ifndef PARASOL_WEB_MOVE_H
#define PARASOL_WEB_MOVE_H

struct router;

int web_move_routes(struct router *r);

#endif
