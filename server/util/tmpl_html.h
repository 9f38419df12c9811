/* tmpl_html.h - the HTML context tracker the template parser runs over literal text, so that
 * each template tag can be checked against where it sits (text, attribute value, comment...).
 *
 * A struct tmpl_html is a plain value: zero-initialised it is in text, and the parser copies it
 * (at {{#section}}) to compare with the context at the matching {{/section}}. */
#ifndef PARASOL_TMPL_HTML_H
#define PARASOL_TMPL_HTML_H

#include <stddef.h>

/* Order matters: tmpl_html_step hands every state from TMPL_HTML_TAG_NAME on to step_tag. */
enum tmpl_html_state {
	TMPL_HTML_TEXT,
	TMPL_HTML_LT,	  /* after '<' */
	TMPL_HTML_END_LT, /* after "</" */
	TMPL_HTML_BANG,	  /* after "<!" */
	TMPL_HTML_BANG_DASH,
	TMPL_HTML_DECL, /* <!DOCTYPE>, <?...>, bogus comments: up to '>' */
	TMPL_HTML_COMMENT,
	TMPL_HTML_TAG_NAME,
	TMPL_HTML_BEFORE_ATTR,
	TMPL_HTML_ATTR_NAME,
	TMPL_HTML_BEFORE_VALUE,
	TMPL_HTML_VALUE_UNQ,
	TMPL_HTML_VALUE_DQ,
	TMPL_HTML_VALUE_SQ,
	TMPL_HTML_RAWTEXT, /* inside <script> or <style> */
};

enum tmpl_attr_kind {
	TMPL_ATTR_PLAIN,
	TMPL_ATTR_URL,
	TMPL_ATTR_CODE /* on* handlers and style: JS/CSS */
};

struct tmpl_html {
	enum tmpl_html_state state;
	int end_tag;
	char tag[12];
	size_t tag_len;
	char attr[16];
	size_t attr_len;
	enum tmpl_attr_kind attr_kind;
	int pending_eq; /* whitespace after an attribute name: a '=' still belongs to it */
	int url_start;	/* in a URL value, nothing literal has fixed the scheme yet */
	int dashes;	/* consecutive '-' in a comment */
	int bang;	/* "--!" seen in a comment */
	unsigned tag_seq, value_seq;
};

/* Feeds literal text at p (left bytes remain, left >= 1); returns how many bytes were consumed
 * (at least 1), or -1 with *msg (a static string) for markup that cannot be followed (a '=' that
 * belongs to no attribute name). */
int tmpl_html_step(struct tmpl_html *h, const char *p, size_t left, const char **msg);

/* Whether b is the same HTML context as a: the same state and, in a tag or attribute value,
 * the same tag or value (so a section cannot open in one attribute and close in another). */
int tmpl_html_same_context(const struct tmpl_html *a, const struct tmpl_html *b);

/* Whether c is HTML whitespace (space, tab, LF, CR, FF). */
int tmpl_html_is_space(char c);

#endif
