/* tmpl_html.c - just enough of the HTML tokenizer to know, at each template tag, whether it
 * sits in text, in a tag, in which kind of attribute value, in a comment or in script/style
 * raw text. Runs only at load time, over the literal text between template tags. */
#include "tmpl_html.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

static const char *const url_attrs[] = {"href",	  "src",  "action", "formaction",
					"poster", "cite", "data",   "xlink:href"};

int
tmpl_html_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static void
name_add(char *buf, size_t size, size_t *len, char c)
{
	/* Too long for any name we care about: stop matching rather than truncate. */
	if (*len < size - 1)
		buf[(*len)++] = (char)tolower((unsigned char)c);
	else
		*len = size;
	if (*len < size)
		buf[*len] = '\0';
	else
		buf[0] = '\0';
}

static void
start_tag(struct tmpl_html *h, int end_tag, char first)
{
	h->state = TMPL_HTML_TAG_NAME;
	h->end_tag = end_tag;
	h->tag_len = 0;
	h->tag_seq++;
	h->pending_eq = 0;
	name_add(h->tag, sizeof(h->tag), &h->tag_len, first);
}

static void
finish_tag(struct tmpl_html *h)
{
	int raw = !h->end_tag && (strcmp(h->tag, "script") == 0 || strcmp(h->tag, "style") == 0);
	h->state = raw ? TMPL_HTML_RAWTEXT : TMPL_HTML_TEXT;
}

static void
classify_attr(struct tmpl_html *h)
{
	h->attr_kind = TMPL_ATTR_PLAIN;
	if (strncmp(h->attr, "on", 2) == 0 || strcmp(h->attr, "style") == 0)
		h->attr_kind = TMPL_ATTR_CODE;
	for (size_t i = 0; i < sizeof(url_attrs) / sizeof(url_attrs[0]); i++)
		if (strcmp(h->attr, url_attrs[i]) == 0)
			h->attr_kind = TMPL_ATTR_URL;
}

static void
enter_value(struct tmpl_html *h, enum tmpl_html_state state)
{
	h->state = state;
	h->value_seq++;
	h->url_start = h->attr_kind == TMPL_ATTR_URL;
}

static void
value_char(struct tmpl_html *h, char c)
{
	if (strchr(":/?#", c) != NULL)
		h->url_start = 0;
}

/* Length of "</script" or "</style" at p (followed by a name end), else 0. */
static size_t
raw_end(const struct tmpl_html *h, const char *p, size_t left)
{
	size_t n = strlen(h->tag);
	if (left < n + 2 || p[0] != '<' || p[1] != '/' || strncasecmp(p + 2, h->tag, n) != 0)
		return 0;
	if (left > n + 2 && !tmpl_html_is_space(p[n + 2]) && p[n + 2] != '/' && p[n + 2] != '>')
		return 0;
	return n + 2;
}

/* Ends a comment on "-->", "--!>", and (as browsers do) "<!-->" and "<!--->". */
static void
step_comment(struct tmpl_html *h, char c)
{
	if (c == '>' && h->dashes >= 2) {
		h->state = TMPL_HTML_TEXT;
	} else if (c == '!' && h->dashes >= 2 && !h->bang) {
		h->bang = 1;
	} else if (c == '-') {
		h->dashes = h->bang ? 1 : h->dashes + 1;
		h->bang = 0;
	} else {
		h->dashes = 0;
		h->bang = 0;
	}
}

static void
step_markup(struct tmpl_html *h, char c)
{
	switch (h->state) {
	case TMPL_HTML_LT:
		if (isalpha((unsigned char)c))
			start_tag(h, 0, c);
		else if (c == '/')
			h->state = TMPL_HTML_END_LT;
		else if (c == '!')
			h->state = TMPL_HTML_BANG;
		else if (c == '?')
			h->state = TMPL_HTML_DECL;
		else if (c != '<')
			h->state = TMPL_HTML_TEXT;
		break;
	case TMPL_HTML_END_LT:
		if (isalpha((unsigned char)c))
			start_tag(h, 1, c);
		else
			h->state = c == '>' ? TMPL_HTML_TEXT : TMPL_HTML_DECL;
		break;
	case TMPL_HTML_BANG:
	case TMPL_HTML_BANG_DASH:
		if (c == '-')
			h->state =
			    h->state == TMPL_HTML_BANG ? TMPL_HTML_BANG_DASH : TMPL_HTML_COMMENT;
		else
			h->state = c == '>' ? TMPL_HTML_TEXT : TMPL_HTML_DECL;
		h->dashes = 2; /* the opening "--" can close an empty comment */
		h->bang = 0;
		break;
	case TMPL_HTML_DECL:
		if (c == '>')
			h->state = TMPL_HTML_TEXT;
		break;
	case TMPL_HTML_COMMENT:
		step_comment(h, c);
		break;
	default:
		break;
	}
}

/* Inside a tag: returns -1 with *msg for a '=' that belongs to no attribute name. */
static int
step_tag(struct tmpl_html *h, char c, const char **msg)
{
	switch (h->state) {
	case TMPL_HTML_TAG_NAME:
		if (tmpl_html_is_space(c) || c == '/')
			h->state = TMPL_HTML_BEFORE_ATTR;
		else if (c == '>')
			finish_tag(h);
		else
			name_add(h->tag, sizeof(h->tag), &h->tag_len, c);
		break;
	case TMPL_HTML_BEFORE_ATTR:
		if (c == '>') {
			finish_tag(h);
		} else if (c == '=') {
			if (!h->pending_eq) {
				*msg = "'=' without an attribute name";
				return -1;
			}
			h->state = TMPL_HTML_BEFORE_VALUE;
		} else if (c == '/') {
			h->pending_eq = 0;
		} else if (!tmpl_html_is_space(c)) {
			h->state = TMPL_HTML_ATTR_NAME;
			h->attr_len = 0;
			h->pending_eq = 0;
			name_add(h->attr, sizeof(h->attr), &h->attr_len, c);
			classify_attr(h);
		}
		break;
	case TMPL_HTML_ATTR_NAME:
		if (c == '>') {
			finish_tag(h);
		} else if (c == '=') {
			h->state = TMPL_HTML_BEFORE_VALUE;
		} else if (tmpl_html_is_space(c) || c == '/') {
			h->state = TMPL_HTML_BEFORE_ATTR;
			h->pending_eq = c != '/';
		} else {
			name_add(h->attr, sizeof(h->attr), &h->attr_len, c);
			classify_attr(h);
		}
		break;
	case TMPL_HTML_BEFORE_VALUE:
		if (c == '>')
			finish_tag(h);
		else if (c == '"')
			enter_value(h, TMPL_HTML_VALUE_DQ);
		else if (c == '\'')
			enter_value(h, TMPL_HTML_VALUE_SQ);
		else if (!tmpl_html_is_space(c))
			enter_value(h, TMPL_HTML_VALUE_UNQ);
		break;
	case TMPL_HTML_VALUE_UNQ:
		if (c == '>')
			finish_tag(h);
		else if (tmpl_html_is_space(c))
			h->state = TMPL_HTML_BEFORE_ATTR, h->pending_eq = 0;
		break;
	case TMPL_HTML_VALUE_DQ:
	case TMPL_HTML_VALUE_SQ:
		if (c == (h->state == TMPL_HTML_VALUE_DQ ? '"' : '\''))
			h->state = TMPL_HTML_BEFORE_ATTR, h->pending_eq = 0;
		else
			value_char(h, c);
		break;
	default:
		break;
	}
	return 0;
}

int
tmpl_html_step(struct tmpl_html *h, const char *p, size_t left, const char **msg)
{
	if (h->state == TMPL_HTML_TEXT) {
		if (p[0] == '<')
			h->state = TMPL_HTML_LT;
		return 1;
	}
	if (h->state == TMPL_HTML_RAWTEXT) {
		size_t n = raw_end(h, p, left);
		if (n == 0)
			return 1;
		h->state = TMPL_HTML_TAG_NAME;
		h->end_tag = 1;
		return (int)n;
	}
	if (h->state >= TMPL_HTML_TAG_NAME)
		return step_tag(h, p[0], msg) < 0 ? -1 : 1;
	step_markup(h, p[0]);
	return 1;
}

int
tmpl_html_same_context(const struct tmpl_html *a, const struct tmpl_html *b)
{
	if (a->state != b->state)
		return 0;
	if (a->state == TMPL_HTML_BEFORE_ATTR)
		return a->tag_seq == b->tag_seq;
	if (a->state == TMPL_HTML_VALUE_DQ || a->state == TMPL_HTML_VALUE_SQ)
		return a->value_seq == b->value_seq;
	return 1;
}
