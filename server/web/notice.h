/* notice.h - the short confirmations shown after a form redirects ("Your post is
 * published."). Only keys from the table in notice.c are shown, so a link can't make a page
 * say something of its choosing. */
#ifndef PARASOL_NOTICE_H
#define PARASOL_NOTICE_H

/* The English message (a msgid) for key, or NULL when the key is unknown. */
const char *notice_message(const char *key);

#endif
