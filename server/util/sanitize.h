/* sanitize.h - untrusted remote HTML (a Note's content, an actor's summary) to HTML that is
 * safe to show, and to plain text.
 *
 * The input is parsed with libxml2's HTML parser and the tree is written out again by hand:
 * only allowlisted elements and attributes survive, every text and attribute value is escaped,
 * so the result is balanced HTML that browsers cannot re-parse into new elements or attributes.
 * What survives (the set Mastodon keeps, PROTOCOL.md §4.5):
 *   p br span a del pre code em strong b i u s ul ol li blockquote sub sup;
 *   h1-h6 become <p><strong>...</strong></p>;
 *   a[href] (absolute http/https only; other links are unwrapped to their text), and every a
 *   gets rel="nofollow noopener noreferrer" target="_blank"; a, span and p keep only the
 *   classes h-card u-url mention hashtag invisible ellipsis quote-inline; ol[start],
 *   ol[reversed], li[value] (integers only).
 * Other elements are unwrapped (their text kept), except script style template iframe object
 * svg math noscript title head textarea select button input form (and a few more of the kind),
 * which go with everything inside them. Comments, CDATA and processing instructions go. Blocks
 * (p pre ul ol blockquote, headings) are kept only at the top, in blockquote or li, and li only
 * in ul/ol; misplaced ones are unwrapped, so the output re-parses as written (sanitising it
 * again changes nothing) and never closes an element of the page around it.
 *
 * Input rules shared by both functions: at most SANITIZE_MAX_INPUT bytes (else ERR_TOO_LARGE);
 * the input is read as UTF-8 whatever it declares; invalid UTF-8 and NUL bytes become U+FFFD
 * (remote posts are not refused for one bad byte); other control characters are removed and
 * CR/CRLF become LF. Kept elements nest at most SANITIZE_MAX_DEPTH deep; deeper ones are
 * unwrapped. Neither function recurses, so any nesting depth is safe. The output is at most a
 * few times the input (escaping, and the rel/target added to links). */
#ifndef PARASOL_UTIL_SANITIZE_H
#define PARASOL_UTIL_SANITIZE_H

#include <stddef.h>

struct arena;
struct err;

#define SANITIZE_MAX_INPUT (1024 * 1024)
#define SANITIZE_MAX_DEPTH 64

/* Returns the safe HTML of html[0..len) (NUL-terminated, owned by a; "" for empty input),
 * fit for tval_set_html. NULL + err: ERR_TOO_LARGE past SANITIZE_MAX_INPUT, ERR_INVALID for
 * html == NULL with len > 0, ERR_INTERNAL if libxml2 fails. */
char *html_sanitize(struct arena *a, const char *html, size_t len, struct err *err);

/* Returns the plain text of html[0..len) (owned by a), for summaries, notifications and
 * review rules: dropped elements as above, white space collapsed outside <pre>, paragraphs and
 * other blocks separated by a blank line, <br> and list items by a newline, no leading or
 * trailing white space. Nothing is escaped: the result is text, never HTML. Fails as
 * html_sanitize. */
char *html_to_text(struct arena *a, const char *html, size_t len, struct err *err);

#endif
