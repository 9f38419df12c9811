/* moderation.h - web pages members read about moderation: the moderation log (every signed-in
 * member), their own page of actions on their account and posts, and the appeal form. Also
 * the view of one action the moderators' pages share. */
#ifndef PARASOL_WEB_MODERATION_H
#define PARASOL_WEB_MODERATION_H

#include <stdbool.h>

#include "core/moderation.h"

struct req;
struct router;
struct tval;

/* Registers this page group's routes. 0, or -1 for a bad pattern. */
int web_moderation_routes(struct router *r);

/* What a page calls an action of kind k, an English msgid ("Account suspended"). */
const char *web_mod_kind_label(enum mod_kind k);

/* One action for templates: id, kind, label, when, when_iso, target_acct, target_url,
 * has_post, post_url (while the post exists), excerpt (moderators and the member only),
 * domain, reason, rules {number, title}, until (a timed suspension's end), pending,
 * reversed, rejected, by (the moderator's name, or "a moderator" on members' pages unless the
 * node names them), appeal {text, state, granted, denied, open, decision, when}, can_appeal.
 * for_moderators: a moderators' page (names shown, excerpt shown). */
struct tval *web_mod_action_view(struct req *req, const struct mod_action_row *m,
				 bool for_moderators);

#endif
