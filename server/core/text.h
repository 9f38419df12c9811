/* text.h - a member's plain text made into safe HTML: everything escaped, paragraphs and line
 * breaks, links for http(s) URLs, local @mentions and #hashtags. The output of text_render is
 * the only post HTML the templates print raw. It never touches the database: mentions are
 * resolved through a callback, so the unit tests and the edit path can use their own. */
#ifndef PARASOL_CORE_TEXT_H
#define PARASOL_CORE_TEXT_H

#include <stddef.h>
#include <stdint.h>

struct arena;

#define TEXT_TAG_MAX 100 /* code points in a hashtag; longer ones stay plain text */

/* Returns the local account id for username (as typed, ASCII letters, digits and '_'), or 0
 * when there is no such member. */
typedef int64_t (*text_account_fn)(void *arg, const char *username);

/* Returns the URL to link a remote mention to (the account's profile url, else its actor
 * id) for acct, "user@domain" as written, or NULL to leave it plain text. */
typedef const char *(*text_remote_fn)(void *arg, const char *acct);

struct text_out {
	const char *html;		/* the rendered HTML (arena) */
	int64_t *mention_ids;		/* local accounts mentioned, each once, in order */
	size_t nmentions;
	const char **tags;		/* hashtags without '#', each once (ASCII case-folded) */
	size_t ntags;
	const char **remote_mentions;	/* "user@domain" as written, for federation later */
	size_t nremote;
};

/* Renders text (UTF-8; invalid bytes become U+FFFD, control characters other than tab and
 * newline are dropped, CRLF and CR count as newlines) into out. lookup may be NULL (no
 * local mention is linked). Everything out points to is owned by the arena. Never fails. */
void text_render(struct arena *a, const char *text, text_account_fn lookup, void *arg,
		 struct text_out *out);

/* text_render, with remote mentions the remote callback knows linked as peers write them:
 * <span class="h-card"><a class="u-url mention" href="URL">@<span>user</span></a></span>.
 * remote may be NULL (none is linked); arg goes to both callbacks. */
void text_render_linked(struct arena *a, const char *text, text_account_fn lookup,
			text_remote_fn remote, void *arg, struct text_out *out);

/* Number of Unicode code points in s (each invalid byte counts as one). */
size_t text_length(const char *s);

/* Whether s holds nothing but white space (or is NULL). */
int text_is_blank(const char *s);

#endif
