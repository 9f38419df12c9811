/* sanitize.c - remote HTML through libxml2's HTML parser, then written out again by walking
 * the tree without recursion. libxml2's own serialiser is never used on these trees: what
 * leaves this file is built here from an allowlist, with every text escaped here. */
#include "util/sanitize.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "util/arena.h"
#include "util/err.h"
#include "util/strbuf.h"

/* ---- the element table --------------------------------------------------------------------- */

enum el_action {
	EL_UNWRAP, /* not in the output, children are */
	EL_DROP,   /* neither it nor anything inside it */
	EL_KEEP,   /* written as itself, with its allowed attributes */
};

/* How an element breaks the text around it: for html_to_text, and for the space put where an
 * unwrapped block was so that "<div>a</div><div>b</div>" does not become "ab". */
enum el_flow { FLOW_INLINE, FLOW_LINE, FLOW_BLOCK };

struct el_info {
	const char *name;
	enum el_action action;
	enum el_flow flow;
};

static const struct el_info elements[] = {
    /* kept */
    {"p", EL_KEEP, FLOW_BLOCK},
    {"br", EL_KEEP, FLOW_INLINE},
    {"span", EL_KEEP, FLOW_INLINE},
    {"a", EL_KEEP, FLOW_INLINE},
    {"del", EL_KEEP, FLOW_INLINE},
    {"pre", EL_KEEP, FLOW_BLOCK},
    {"code", EL_KEEP, FLOW_INLINE},
    {"em", EL_KEEP, FLOW_INLINE},
    {"strong", EL_KEEP, FLOW_INLINE},
    {"b", EL_KEEP, FLOW_INLINE},
    {"i", EL_KEEP, FLOW_INLINE},
    {"u", EL_KEEP, FLOW_INLINE},
    {"s", EL_KEEP, FLOW_INLINE},
    {"ul", EL_KEEP, FLOW_BLOCK},
    {"ol", EL_KEEP, FLOW_BLOCK},
    {"li", EL_KEEP, FLOW_LINE},
    {"blockquote", EL_KEEP, FLOW_BLOCK},
    {"h1", EL_KEEP, FLOW_BLOCK},
    {"h2", EL_KEEP, FLOW_BLOCK},
    {"h3", EL_KEEP, FLOW_BLOCK},
    {"h4", EL_KEEP, FLOW_BLOCK},
    {"h5", EL_KEEP, FLOW_BLOCK},
    {"h6", EL_KEEP, FLOW_BLOCK},
    {"sub", EL_KEEP, FLOW_INLINE},
    {"sup", EL_KEEP, FLOW_INLINE},
    /* dropped with their content: code, styles, embedded documents, form controls, and the
     * raw-text elements whose content browsers and libxml2 read differently */
    {"script", EL_DROP, FLOW_INLINE},
    {"style", EL_DROP, FLOW_INLINE},
    {"template", EL_DROP, FLOW_INLINE},
    {"iframe", EL_DROP, FLOW_INLINE},
    {"frame", EL_DROP, FLOW_INLINE},
    {"frameset", EL_DROP, FLOW_INLINE},
    {"object", EL_DROP, FLOW_INLINE},
    {"applet", EL_DROP, FLOW_INLINE},
    {"svg", EL_DROP, FLOW_INLINE},
    {"math", EL_DROP, FLOW_INLINE},
    {"noscript", EL_DROP, FLOW_INLINE},
    {"noembed", EL_DROP, FLOW_INLINE},
    {"noframes", EL_DROP, FLOW_INLINE},
    {"xmp", EL_DROP, FLOW_INLINE},
    {"plaintext", EL_DROP, FLOW_INLINE},
    {"title", EL_DROP, FLOW_INLINE},
    {"head", EL_DROP, FLOW_INLINE},
    {"textarea", EL_DROP, FLOW_INLINE},
    {"select", EL_DROP, FLOW_INLINE},
    {"datalist", EL_DROP, FLOW_INLINE},
    {"button", EL_DROP, FLOW_INLINE},
    {"input", EL_DROP, FLOW_INLINE},
    {"form", EL_DROP, FLOW_INLINE},
    /* unwrapped, but their edges separate text */
    {"div", EL_UNWRAP, FLOW_BLOCK},
    {"section", EL_UNWRAP, FLOW_BLOCK},
    {"article", EL_UNWRAP, FLOW_BLOCK},
    {"aside", EL_UNWRAP, FLOW_BLOCK},
    {"header", EL_UNWRAP, FLOW_BLOCK},
    {"footer", EL_UNWRAP, FLOW_BLOCK},
    {"main", EL_UNWRAP, FLOW_BLOCK},
    {"nav", EL_UNWRAP, FLOW_BLOCK},
    {"figure", EL_UNWRAP, FLOW_BLOCK},
    {"figcaption", EL_UNWRAP, FLOW_BLOCK},
    {"address", EL_UNWRAP, FLOW_BLOCK},
    {"details", EL_UNWRAP, FLOW_BLOCK},
    {"summary", EL_UNWRAP, FLOW_BLOCK},
    {"center", EL_UNWRAP, FLOW_BLOCK},
    {"fieldset", EL_UNWRAP, FLOW_BLOCK},
    {"hr", EL_UNWRAP, FLOW_BLOCK},
    {"table", EL_UNWRAP, FLOW_BLOCK},
    {"caption", EL_UNWRAP, FLOW_BLOCK},
    {"dl", EL_UNWRAP, FLOW_BLOCK},
    {"tr", EL_UNWRAP, FLOW_LINE},
    {"dt", EL_UNWRAP, FLOW_LINE},
    {"dd", EL_UNWRAP, FLOW_LINE},
    {"td", EL_UNWRAP, FLOW_LINE},
    {"th", EL_UNWRAP, FLOW_LINE},
    /* void in browsers but not to libxml2, which would make what follows its content */
    {"embed", EL_UNWRAP, FLOW_INLINE},
};

static const struct el_info unknown_element = {"", EL_UNWRAP, FLOW_INLINE};

static const struct el_info *
element_info(const xmlNode *node)
{
	const char *name = (const char *)node->name;
	if (name == NULL)
		return &unknown_element;
	for (size_t i = 0; i < sizeof elements / sizeof elements[0]; i++)
		if (elements[i].name[0] == name[0] && strcasecmp(elements[i].name, name) == 0)
			return &elements[i];
	return &unknown_element;
}

/* Classes kept on a, span and p: microformats and Mastodon's link and quote markup. */
static const char *const allowed_classes[] = {
    "h-card", "u-url", "mention", "hashtag", "invisible", "ellipsis", "quote-inline",
};

#define BODY_PREFIX "<body>"

/* ---- input ------------------------------------------------------------------------------- */

/* Decodes one code point at s (n > 0 bytes left); *len gets its length. Malformed sequences
 * (overlong, surrogate, truncated, past U+10FFFF, stray continuation) give U+FFFD, length 1. */
static uint32_t
utf8_next(const unsigned char *s, size_t n, size_t *len)
{
	uint32_t cp;
	size_t need;
	if (s[0] < 0x80) {
		*len = 1;
		return s[0];
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		cp = s[0] & 0x1F, need = 2;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		cp = s[0] & 0x0F, need = 3;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		cp = s[0] & 0x07, need = 4;
	else
		goto bad;
	if (n < need)
		goto bad;
	for (size_t i = 1; i < need; i++) {
		if ((s[i] & 0xC0) != 0x80)
			goto bad;
		cp = cp << 6 | (s[i] & 0x3F);
	}
	if ((need == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
	    (need == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
		goto bad;
	*len = need;
	return cp;
bad:
	*len = 1;
	return 0xFFFD;
}

/* Whether cp is a character text may keep: not a C0 or C1 control (tab and LF aside), not
 * DEL, not one of the non-characters libxml2 refuses. */
static int
keep_char(uint32_t cp)
{
	if (cp < 0x20)
		return cp == '\t' || cp == '\n';
	return !(cp >= 0x7F && cp < 0xA0) && cp != 0xFFFE && cp != 0xFFFF;
}

/* Returns BODY_PREFIX then html[0..len) as valid UTF-8 that libxml2 reads without complaint:
 * malformed bytes, NUL and non-characters as U+FFFD, CR and CRLF as LF, form feed as a space,
 * other controls removed. */
static char *
clean_input(struct arena *a, const char *html, size_t len, size_t *out_len)
{
	struct strbuf sb;
	strbuf_init(&sb, a);
	/* Parse as a fragment in <body>: without it, libxml2 wraps text that comes before the
	 * first tag in a <p>, and only that text. */
	strbuf_puts(&sb, BODY_PREFIX);
	const unsigned char *s = (const unsigned char *)html;
	size_t i = 0, run = 0; /* run: start of bytes copied as they are */
	while (i < len) {
		size_t n;
		uint32_t cp = utf8_next(s + i, len - i, &n);
		if (cp != 0xFFFD && keep_char(cp)) {
			i += n;
			continue;
		}
		if (cp == 0xFFFD && n == 3) { /* a real U+FFFD */
			i += n;
			continue;
		}
		strbuf_append(&sb, html + run, i - run);
		if (cp == '\r') {
			strbuf_putc(&sb, '\n');
			if (i + 1 < len && s[i + 1] == '\n')
				n = 2;
		} else if (cp == '\f') {
			strbuf_putc(&sb, ' ');
		} else if (cp == 0 || cp == 0xFFFD || cp == 0xFFFE || cp == 0xFFFF) {
			strbuf_puts(&sb, "\xEF\xBF\xBD");
		} /* else: a control character, removed */
		i += n;
		run = i;
	}
	strbuf_append(&sb, html + run, len - run);
	*out_len = sb.len;
	return sb.data;
}

/* Whether s[0..n) is only ASCII white space. */
static int
all_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strchr(" \t\n", s[i]) == NULL)
			return 0;
	return 1;
}

/* Parses html into a tree the caller frees with xmlFreeDoc. *empty is set (and NULL
 * returned) when there is nothing to parse. */
static xmlDoc *
parse(struct arena *a, const char *html, size_t len, int *empty, struct err *err)
{
	*empty = 0;
	if (html == NULL && len > 0) {
		err_set(err, ERR_INVALID, NULL, "sanitize: NULL input of %zu bytes", len);
		return NULL;
	}
	if (len > SANITIZE_MAX_INPUT) {
		err_set(err, ERR_TOO_LARGE, "This content is too large.",
			"sanitize: %zu bytes of HTML (limit %d)", len, SANITIZE_MAX_INPUT);
		return NULL;
	}
	size_t n;
	const char *clean = clean_input(a, html ? html : "", len, &n);
	if (all_blank(clean + strlen(BODY_PREFIX), n - strlen(BODY_PREFIX))) {
		*empty = 1;
		return NULL;
	}
	xmlInitParser(); /* once per process; libxml2 serialises concurrent first calls */
	htmlParserCtxtPtr ctxt = htmlNewParserCtxt();
	if (ctxt == NULL) {
		err_set(err, ERR_INTERNAL, NULL, "sanitize: htmlNewParserCtxt failed");
		return NULL;
	}
	/* No NOBLANKS: white space between inline elements is content. IGNORE_ENC: a <meta
	 * charset> in remote content must not switch the decoder away from UTF-8. HUGE: past
	 * 256 levels of nesting libxml2 would otherwise stop and drop the rest of the post; its
	 * HTML parser and xmlFreeDoc do not recurse, and the input is capped anyway. */
	xmlDoc *doc =
	    htmlCtxtReadMemory(ctxt, clean, (int)n, NULL, "UTF-8",
			       HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
				   HTML_PARSE_IGNORE_ENC | HTML_PARSE_NODEFDTD | XML_PARSE_HUGE);
	htmlFreeParserCtxt(ctxt);
	if (doc == NULL)
		err_set(err, ERR_INTERNAL, NULL, "sanitize: libxml2 returned no document");
	return doc;
}

/* ---- walking ------------------------------------------------------------------------------- */

enum visit { VISIT_SKIP, VISIT_DESCEND };

/* Visits every node under doc in document order without recursion: enter() on the way down;
 * for nodes it answered VISIT_DESCEND to, leave() once their children are done. */
static void
walk(xmlDoc *doc, enum visit (*enter)(void *, xmlNode *), void (*leave)(void *, xmlNode *),
     void *state)
{
	xmlNode *node = doc->children;
	while (node != NULL) {
		if (enter(state, node) == VISIT_DESCEND) {
			if (node->children != NULL) {
				node = node->children;
				continue;
			}
			leave(state, node);
		}
		while (node->next == NULL) {
			node = node->parent;
			if (node == NULL || node == (xmlNode *)doc)
				return;
			leave(state, node);
		}
		node = node->next;
	}
}

/* Appends s[0..n) (UTF-8 from libxml2) minus the controls character references can still
 * produce (CR becomes LF); escaped for HTML text and quoted attributes when escape is set. */
static void
put_text(struct strbuf *sb, const char *s, size_t n, int escape)
{
	size_t run = 0;
	for (size_t i = 0; i < n;) {
		size_t len;
		uint32_t cp = utf8_next((const unsigned char *)s + i, n - i, &len);
		const char *rep = NULL;
		if (escape) {
			switch (cp) {
			case '&':
				rep = "&amp;";
				break;
			case '<':
				rep = "&lt;";
				break;
			case '>':
				rep = "&gt;";
				break;
			case '"':
				rep = "&quot;";
				break;
			case '\'':
				rep = "&#39;";
				break;
			default:
				break;
			}
		}
		if (rep == NULL && cp == '\r')
			rep = "\n";
		else if (rep == NULL && !keep_char(cp))
			rep = "";
		if (rep == NULL) {
			i += len;
			continue;
		}
		strbuf_append(sb, s + run, i - run);
		strbuf_puts(sb, rep);
		i += len;
		run = i;
	}
	strbuf_append(sb, s + run, n - run);
}

/* The text of a text or CDATA node, or NULL. */
static const char *
node_text(const xmlNode *node)
{
	if (node->type != XML_TEXT_NODE && node->type != XML_CDATA_SECTION_NODE)
		return NULL;
	return node->content ? (const char *)node->content : "";
}

/* ---- html_sanitize ------------------------------------------------------------------------- */

struct open_el {
	const xmlNode *node;
	const char *name;  /* the element written */
	const char *close; /* the end tag(s) written when it is left */
};

struct san {
	struct arena *arena;
	struct strbuf out;
	struct open_el open[SANITIZE_MAX_DEPTH];
	size_t depth;
	int in_link;	   /* an <a> is open: another one is unwrapped (no nested links) */
	int pending_space; /* an unwrapped block ended or began: a space before more text */
	int line_start;	   /* nothing but tags since the output or a block began */
};

/* The value of attribute name on node (arena-owned; "" for a bare attribute), or NULL. */
static const char *
attr_value(struct arena *a, const xmlNode *node, const char *name)
{
	for (const xmlAttr *attr = node->properties; attr != NULL; attr = attr->next) {
		if (attr->name == NULL || strcasecmp((const char *)attr->name, name) != 0)
			continue;
		struct strbuf sb;
		strbuf_init(&sb, a);
		for (const xmlNode *t = attr->children; t != NULL; t = t->next)
			if (t->type == XML_TEXT_NODE && t->content != NULL)
				strbuf_puts(&sb, (const char *)t->content);
		return sb.data;
	}
	return NULL;
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

/* href if it is an absolute http(s) URL (trimmed of the white space browsers ignore), else
 * NULL. Entities are already decoded, so "jav&#x09;ascript:" arrives as "jav\tascript:" and
 * fails the scheme test like every other scheme. Characters a real URL has percent-encoded
 * (spaces, controls, < > " `) fail it too: they come from broken or hostile markup. */
static const char *
safe_href(struct arena *a, const char *href)
{
	if (href == NULL)
		return NULL;
	while (is_space(*href))
		href++;
	size_t n = strlen(href);
	while (n > 0 && is_space(href[n - 1]))
		n--;
	if (!(n > 8 && strncasecmp(href, "https://", 8) == 0) &&
	    !(n > 7 && strncasecmp(href, "http://", 7) == 0))
		return NULL;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)href[i] <= ' ' || href[i] == 0x7F || strchr("<>\"`", href[i]))
			return NULL;
	return arena_strndup(a, href, n);
}

/* Appends ` class="..."` with the allowed classes of value, each once, if any. */
static void
put_classes(struct strbuf *sb, const char *value)
{
	if (value == NULL)
		return;
	unsigned seen = 0; /* bit i: allowed_classes[i] written */
	const char *s = value;
	while (*s != '\0') {
		while (is_space(*s))
			s++;
		size_t n = 0;
		while (s[n] != '\0' && !is_space(s[n]))
			n++;
		for (size_t i = 0; n > 0 && i < sizeof allowed_classes / sizeof allowed_classes[0];
		     i++) {
			if (strlen(allowed_classes[i]) != n ||
			    memcmp(allowed_classes[i], s, n) != 0 || (seen & 1u << i))
				continue;
			strbuf_puts(sb, seen ? " " : " class=\"");
			strbuf_puts(sb, allowed_classes[i]);
			seen |= 1u << i;
		}
		s += n;
	}
	if (seen)
		strbuf_putc(sb, '"');
}

/* Appends ` name="N"` if value is a decimal integer of at most 9 digits. */
static void
put_int_attr(struct strbuf *sb, const char *name, const char *value)
{
	if (value == NULL)
		return;
	while (is_space(*value))
		value++;
	const char *digits = value + (*value == '-');
	size_t n = strspn(digits, "0123456789");
	size_t end = (size_t)(digits - value) + n;
	while (is_space(value[end]))
		end++;
	if (n == 0 || n > 9 || value[end] != '\0')
		return;
	strbuf_printf(sb, " %s=\"%ld\"", name, strtol(value, NULL, 10));
}

static void
san_text(struct san *st, const char *text)
{
	size_t n = strlen(text);
	if (n == 0)
		return;
	if (st->pending_space && !st->line_start && st->out.len > 0 &&
	    !is_space(st->out.data[st->out.len - 1]) && !is_space(text[0]))
		strbuf_putc(&st->out, ' ');
	st->pending_space = 0;
	put_text(&st->out, text, n, 1);
	st->line_start = 0;
}

static enum visit
san_enter(void *arg, xmlNode *node)
{
	struct san *st = arg;
	const char *text = node_text(node);
	if (text != NULL) {
		san_text(st, text);
		return VISIT_SKIP;
	}
	if (node->type != XML_ELEMENT_NODE)
		return VISIT_SKIP; /* comments, processing instructions, DTDs */
	const struct el_info *el = element_info(node);
	if (el->action == EL_DROP)
		return VISIT_SKIP;
	/* Blocks are kept only at the top, in a blockquote or in a list item, and list items
	 * only in a list: browsers close an open <p> at the start of any block and an open <li>
	 * at the next <li>, and libxml2 closes inline elements at a block. Anything else is
	 * unwrapped, so that what we write re-parses as written, by libxml2 (sanitising twice
	 * changes nothing) and by browsers (it never closes an element of the page around it). */
	const char *parent = st->depth > 0 ? st->open[st->depth - 1].name : "";
	int in_list = strcmp(parent, "ul") == 0 || strcmp(parent, "ol") == 0;
	int in_block =
	    parent[0] == '\0' || strcmp(parent, "blockquote") == 0 || strcmp(parent, "li") == 0;
	if (el->action == EL_UNWRAP || st->depth == SANITIZE_MAX_DEPTH ||
	    (el->flow == FLOW_BLOCK && !in_block) || (el->flow == FLOW_LINE && !in_list) ||
	    (in_list && el->flow != FLOW_LINE)) {
		if (el->flow != FLOW_INLINE)
			st->pending_space = 1;
		return VISIT_DESCEND;
	}
	struct strbuf *out = &st->out;
	const char *name = el->name;
	if (strcmp(name, "br") == 0) {
		strbuf_puts(out, "<br>");
		st->pending_space = 0;
		st->line_start = 1;
		return VISIT_SKIP;
	}
	struct open_el *open = &st->open[st->depth];
	*open = (struct open_el){.node = node, .name = name};
	if (strcmp(name, "a") == 0) {
		const char *href =
		    st->in_link ? NULL : safe_href(st->arena, attr_value(st->arena, node, "href"));
		if (href == NULL)
			return VISIT_DESCEND; /* unwrapped: its text stays */
		strbuf_puts(out, "<a href=\"");
		put_text(out, href, strlen(href), 1);
		strbuf_putc(out, '"');
		put_classes(out, attr_value(st->arena, node, "class"));
		strbuf_puts(out, " rel=\"nofollow noopener noreferrer\" target=\"_blank\">");
		open->close = "</a>";
		st->in_link = 1;
	} else if (name[0] == 'h' && name[1] >= '1' && name[1] <= '6') {
		strbuf_puts(out, "<p><strong>");
		open->close = "</strong></p>";
	} else {
		strbuf_printf(out, "<%s", name);
		if (strcmp(name, "span") == 0 || strcmp(name, "p") == 0) {
			put_classes(out, attr_value(st->arena, node, "class"));
		} else if (strcmp(name, "ol") == 0) {
			put_int_attr(out, "start", attr_value(st->arena, node, "start"));
			if (attr_value(st->arena, node, "reversed") != NULL)
				strbuf_puts(out, " reversed");
		} else if (strcmp(name, "li") == 0) {
			put_int_attr(out, "value", attr_value(st->arena, node, "value"));
		}
		strbuf_putc(out, '>');
		open->close = arena_printf(st->arena, "</%s>", name);
	}
	st->depth++;
	if (el->flow != FLOW_INLINE) {
		st->pending_space = 0;
		st->line_start = 1;
	}
	return VISIT_DESCEND;
}

static void
san_leave(void *arg, xmlNode *node)
{
	struct san *st = arg;
	if (st->depth > 0 && st->open[st->depth - 1].node == node) {
		struct open_el *open = &st->open[--st->depth];
		strbuf_puts(&st->out, open->close);
		if (strcmp(open->name, "a") == 0)
			st->in_link = 0;
		if (element_info(node)->flow != FLOW_INLINE) {
			st->pending_space = 0;
			st->line_start = 1;
		}
	} else if (node->type == XML_ELEMENT_NODE && element_info(node)->flow != FLOW_INLINE) {
		st->pending_space = 1;
	}
}

char *
html_sanitize(struct arena *a, const char *html, size_t len, struct err *err)
{
	int empty;
	xmlDoc *doc = parse(a, html, len, &empty, err);
	if (doc == NULL)
		return empty ? arena_strdup(a, "") : NULL;
	struct san st = {.arena = a, .line_start = 1};
	strbuf_init(&st.out, a);
	walk(doc, san_enter, san_leave, &st);
	xmlFreeDoc(doc);
	return all_blank(st.out.data, st.out.len) ? arena_strdup(a, "") : st.out.data;
}

/* ---- html_to_text -------------------------------------------------------------------------- */

struct text {
	struct strbuf out;
	int pending_newlines; /* 0, 1 or 2, written before the next text */
	int pending_space;
	int in_pre; /* how many <pre> are open: their white space is kept */
};

static void
text_break(struct text *st, enum el_flow flow)
{
	int want = flow == FLOW_BLOCK ? 2 : flow == FLOW_LINE ? 1 : 0;
	if (st->pending_newlines < want)
		st->pending_newlines = want;
}

/* Writes what is pending before text, unless nothing has been written yet. */
static void
text_flush(struct text *st)
{
	if (st->out.len > 0) {
		if (st->pending_newlines > 0)
			strbuf_append(&st->out, "\n\n", (size_t)st->pending_newlines);
		else if (st->pending_space)
			strbuf_putc(&st->out, ' ');
	}
	st->pending_newlines = 0;
	st->pending_space = 0;
}

static void
text_put(struct text *st, const char *s)
{
	size_t n = strlen(s);
	if (st->in_pre > 0) {
		if (n > 0)
			text_flush(st);
		put_text(&st->out, s, n, 0);
		return;
	}
	size_t i = 0;
	while (i < n) {
		if (is_space(s[i])) {
			st->pending_space = 1;
			i++;
			continue;
		}
		size_t run = i;
		while (i < n && !is_space(s[i]))
			i++;
		text_flush(st);
		put_text(&st->out, s + run, i - run, 0);
	}
}

static enum visit
text_enter(void *arg, xmlNode *node)
{
	struct text *st = arg;
	const char *text = node_text(node);
	if (text != NULL) {
		text_put(st, text);
		return VISIT_SKIP;
	}
	if (node->type != XML_ELEMENT_NODE)
		return VISIT_SKIP;
	const struct el_info *el = element_info(node);
	if (el->action == EL_DROP)
		return VISIT_SKIP;
	if (strcmp(el->name, "br") == 0) {
		if (st->pending_newlines < 2)
			st->pending_newlines++;
		st->pending_space = 0;
		return VISIT_SKIP;
	}
	if (strcmp(el->name, "pre") == 0)
		st->in_pre++;
	text_break(st, el->flow);
	return VISIT_DESCEND;
}

static void
text_leave(void *arg, xmlNode *node)
{
	struct text *st = arg;
	const struct el_info *el = element_info(node);
	if (strcmp(el->name, "pre") == 0)
		st->in_pre--;
	text_break(st, el->flow);
}

char *
html_to_text(struct arena *a, const char *html, size_t len, struct err *err)
{
	int empty;
	xmlDoc *doc = parse(a, html, len, &empty, err);
	if (doc == NULL)
		return empty ? arena_strdup(a, "") : NULL;
	struct text st = {0};
	strbuf_init(&st.out, a);
	walk(doc, text_enter, text_leave, &st);
	xmlFreeDoc(doc);
	char *text = st.out.data; /* only <pre> text can start or end with white space */
	size_t n = st.out.len;
	while (n > 0 && is_space(text[n - 1]))
		text[--n] = '\0';
	while (is_space(*text))
		text++;
	return text;
}
