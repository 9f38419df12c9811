/* tmpl.c - template engine: the parser and the renderer. The values it renders are in tval.c,
 * the HTML context tracker the parser runs over literal text in tmpl_html.c.
 *
 * Reading order: the node and set structures, then parse_* (one template to a node tree,
 * checking each tag against the HTML context tmpl_html_step has followed it to), then
 * render_*.
 *
 * Every check that can be made on the template text is made at load time, so a page that
 * loaded cannot fail to render except for data problems (a plain string given to {{& }}). */
#include "tmpl.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "err.h"
#include "strbuf.h"
#include "tmpl_html.h"

#define TMPL_MAX_NESTING 32	    /* sections open at once in one template */
#define TMPL_MAX_PARTIAL_DEPTH 16   /* partials rendering partials */
#define TMPL_MAX_FILE (1024 * 1024) /* bytes per template file */
#define TMPL_SUFFIX ".html"

/* ---- nodes and sets ---------------------------------------------------------------------- */

enum node_kind {
	NODE_TEXT,	/* literal template text */
	NODE_VAR,	/* {{name}} */
	NODE_RAW,	/* {{& name}} */
	NODE_SECTION,	/* {{#name}} */
	NODE_INVERTED,	/* {{^name}} */
	NODE_CLOSE,	/* {{/name}}: only while parsing */
	NODE_PARTIAL,	/* {{> name}} */
	NODE_COMMENT,	/* {{! ...}}: not kept */
	NODE_TRANSLATE, /* {{_ text}} */
};

struct tmpl;

struct node {
	enum node_kind kind;
	int line;
	const char *text; /* TEXT: literal; others: name, dotted path or msgid */
	size_t len;
	int url_check;		    /* VAR at the start of a URL attribute value */
	struct node *children;	    /* SECTION, INVERTED */
	const struct tmpl *partial; /* PARTIAL, resolved once all templates are read */
	struct node *next;
};

struct tmpl {
	const char *name;
	struct node *nodes;
};

struct tmpl_set {
	struct arena *arena;
	struct tmpl *tmpls;
	size_t n, cap;
};

static const struct tmpl *
find_tmpl(const struct tmpl_set *set, const char *name, size_t len)
{
	for (size_t i = 0; i < set->n; i++)
		if (strlen(set->tmpls[i].name) == len && memcmp(set->tmpls[i].name, name, len) == 0)
			return &set->tmpls[i];
	return NULL;
}

int
tmpl_has(const struct tmpl_set *set, const char *name)
{
	return set != NULL && name != NULL && find_tmpl(set, name, strlen(name)) != NULL;
}

void
tmpl_set_free(struct tmpl_set *set)
{
	if (set != NULL)
		arena_free(set->arena);
}

/* ---- parser ------------------------------------------------------------------------------ */

struct open_section {
	struct node *node;
	struct node **tail;    /* where the next node after the section goes */
	struct tmpl_html html; /* context at {{#}}, which {{/}} must be in again */
};

struct parser {
	struct arena *arena;
	const char *file; /* "name.html", for messages */
	const char *src;
	size_t pos, len;
	int line;
	struct tmpl_html html;
	struct node **tail;
	struct open_section open[TMPL_MAX_NESTING];
	size_t depth;
	struct err *err;
};

static int
parse_fail(struct parser *p, int line, const char *msg)
{
	return err_set(p->err, ERR_INTERNAL, NULL, "%s:%d: %s", p->file, line, msg);
}

static struct node *
add_node(struct parser *p, enum node_kind kind, int line, const char *text, size_t len)
{
	struct node *n = arena_alloc(p->arena, sizeof(*n));
	n->kind = kind;
	n->line = line;
	n->text = text;
	n->len = len;
	*p->tail = n;
	p->tail = &n->next;
	return n;
}

/* Literal text up to the next "{{": kept as a node and fed to the HTML tracker. */
static int
parse_text(struct parser *p, size_t end)
{
	size_t start = p->pos;
	while (p->pos < end) {
		const char *msg = NULL;
		int n = tmpl_html_step(&p->html, p->src + p->pos, end - p->pos, &msg);
		if (n < 0)
			return parse_fail(p, p->line, msg);
		for (int i = 0; i < n; i++)
			p->line += p->src[p->pos + i] == '\n';
		p->pos += (size_t)n;
	}
	if (end > start)
		add_node(p, NODE_TEXT, p->line, p->src + start, end - start);
	return 0;
}

/* A value name: "." or dot-separated parts of letters, digits, '_' and '-' ("a.b-c"). */
static int
valid_name(const char *s, size_t len)
{
	if (len == 1 && s[0] == '.')
		return 1;
	if (len == 0 || s[0] == '.' || s[len - 1] == '.' || s[0] == '_')
		return 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '.' && s[i + 1] == '.')
			return 0;
		if (!isalnum((unsigned char)s[i]) && strchr("_-.", s[i]) == NULL)
			return 0;
	}
	return 1;
}

static int
valid_tmpl_name(const char *s, size_t len)
{
	if (len == 0)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-')
			return 0;
	return 1;
}

static enum node_kind
sigil_kind(char c)
{
	switch (c) {
	case '#':
		return NODE_SECTION;
	case '^':
		return NODE_INVERTED;
	case '/':
		return NODE_CLOSE;
	case '>':
		return NODE_PARTIAL;
	case '!':
		return NODE_COMMENT;
	case '&':
		return NODE_RAW;
	case '_':
		return NODE_TRANSLATE;
	default:
		return NODE_VAR;
	}
}

/* Why a tag of this kind may not stand in the current HTML context, or NULL if it may. */
static const char *
context_error(const struct tmpl_html *h, enum node_kind kind)
{
	int silent = kind == NODE_SECTION || kind == NODE_INVERTED || kind == NODE_CLOSE ||
		     kind == NODE_COMMENT;
	int text_only = kind == NODE_RAW || kind == NODE_PARTIAL;
	switch (h->state) {
	case TMPL_HTML_TEXT:
		return NULL;
	case TMPL_HTML_RAWTEXT:
		return "template tag inside <script> or <style>";
	case TMPL_HTML_LT:
	case TMPL_HTML_END_LT:
	case TMPL_HTML_TAG_NAME:
		return "template tag in an HTML tag name";
	case TMPL_HTML_BANG:
	case TMPL_HTML_BANG_DASH:
	case TMPL_HTML_DECL:
		return "template tag in an HTML declaration";
	case TMPL_HTML_ATTR_NAME:
		return "template tag in an attribute name";
	case TMPL_HTML_BEFORE_ATTR:
		return silent ? NULL : "template tag in attribute name position";
	case TMPL_HTML_BEFORE_VALUE:
	case TMPL_HTML_VALUE_UNQ:
		return "template tag in an unquoted attribute value";
	case TMPL_HTML_COMMENT:
		return text_only ? "{{&}} or {{>}} inside an HTML comment" : NULL;
	case TMPL_HTML_VALUE_DQ:
	case TMPL_HTML_VALUE_SQ:
		break;
	}
	if (text_only)
		return "{{&}} or {{>}} inside an attribute value";
	if (h->attr_kind == TMPL_ATTR_CODE && !silent)
		return "template tag in an event handler or style attribute";
	if (h->attr_kind == TMPL_ATTR_URL && kind == NODE_TRANSLATE)
		return "{{_}} inside a URL attribute";
	return NULL;
}

static int
open_section(struct parser *p, struct node *n)
{
	if (p->depth == TMPL_MAX_NESTING)
		return parse_fail(p, n->line, "sections nested too deeply");
	struct open_section *o = &p->open[p->depth++];
	o->node = n;
	o->tail = p->tail;
	o->html = p->html;
	p->tail = &n->children;
	return 0;
}

static int
close_section(struct parser *p, int line, const char *name, size_t len)
{
	if (p->depth == 0)
		return parse_fail(p, line, "{{/}} without an open section");
	struct open_section *o = &p->open[p->depth - 1];
	if (o->node->len != len || memcmp(o->node->text, name, len) != 0)
		return parse_fail(p, line, "{{/}} does not match the open section");
	if (!tmpl_html_same_context(&o->html, &p->html))
		return parse_fail(p, line, "section closed in a different HTML context");
	/* The section may render zero times: a URL scheme may still be open after it. */
	p->html.url_start |= o->html.url_start;
	p->tail = o->tail;
	p->depth--;
	return 0;
}

static void
trim(const char **s, size_t *len)
{
	while (*len > 0 && tmpl_html_is_space((*s)[0]))
		(*s)++, (*len)--;
	while (*len > 0 && tmpl_html_is_space((*s)[*len - 1]))
		(*len)--;
}

static const char *
name_error(enum node_kind kind, const char *name, size_t len)
{
	if (kind == NODE_COMMENT)
		return NULL;
	if (len == 0)
		return "empty name in tag";
	if (kind == NODE_PARTIAL ? !valid_tmpl_name(name, len)
				 : kind != NODE_TRANSLATE && !valid_name(name, len))
		return "invalid name in tag";
	return NULL;
}

static int
add_tag(struct parser *p, int line, enum node_kind kind, const char *name, size_t len)
{
	if (kind == NODE_COMMENT)
		return 0;
	if (kind == NODE_CLOSE)
		return close_section(p, line, name, len);
	struct node *n = add_node(p, kind, line, arena_strndup(p->arena, name, len), len);
	n->url_check = kind == NODE_VAR && p->html.attr_kind == TMPL_ATTR_URL &&
		       p->html.url_start &&
		       (p->html.state == TMPL_HTML_VALUE_DQ || p->html.state == TMPL_HTML_VALUE_SQ);
	if (kind == NODE_SECTION || kind == NODE_INVERTED)
		return open_section(p, n);
	return 0;
}

/* Checks one tag (body[0..len) is what is between the braces) and records it. */
static int
parse_tag(struct parser *p, int line, const char *body, size_t len)
{
	trim(&body, &len);
	if (len == 0)
		return parse_fail(p, line, "empty tag");
	enum node_kind kind = sigil_kind(body[0]);
	if (kind == NODE_VAR && !isalnum((unsigned char)body[0]) && body[0] != '.')
		return parse_fail(p, line, "unknown tag sigil");
	const char *name = body + (kind != NODE_VAR);
	size_t name_len = len - (kind != NODE_VAR);
	trim(&name, &name_len);
	const char *why = context_error(&p->html, kind);
	if (why == NULL)
		why = name_error(kind, name, name_len);
	if (why != NULL)
		return parse_fail(p, line, why);
	/* A tag between attributes may hide a name: a later '=' must not guess the owner. */
	if (p->html.state == TMPL_HTML_BEFORE_ATTR)
		p->html.pending_eq = 0;
	return add_tag(p, line, kind, name, name_len);
}

static int
parse_next_tag(struct parser *p)
{
	int line = p->line;
	const char *body = p->src + p->pos + 2;
	const char *close = strstr(body, "}}");
	const char *inner = strstr(body, "{{");
	if (close == NULL)
		return parse_fail(p, line, "unclosed {{");
	if (inner != NULL && inner < close)
		return parse_fail(p, line, "{{ inside a tag");
	/* A translation may end with a placeholder: in "{{_ About {name}}}" the tag closes at
	 * the last two of the three braces. */
	const char *lead = body + strspn(body, " \t\r\n");
	while (*lead == '_' && close[2] == '}')
		close++;
	size_t len = (size_t)(close - body);
	for (size_t i = 0; i < len; i++)
		p->line += body[i] == '\n';
	p->pos += len + 4;
	return parse_tag(p, line, body, len);
}

static int
parse_template(struct arena *a, struct tmpl *t, const char *src, struct err *err)
{
	struct parser p = {.arena = a, .src = src, .len = strlen(src), .line = 1, .err = err};
	p.file = arena_printf(a, "%s%s", t->name, TMPL_SUFFIX);
	p.tail = &t->nodes;
	while (p.pos < p.len) {
		const char *open = strstr(src + p.pos, "{{");
		size_t end = open != NULL ? (size_t)(open - src) : p.len;
		if (parse_text(&p, end) < 0)
			return -1;
		if (open != NULL && parse_next_tag(&p) < 0)
			return -1;
	}
	if (p.depth > 0)
		return parse_fail(&p, p.open[p.depth - 1].node->line, "unclosed section");
	if (p.html.state != TMPL_HTML_TEXT)
		return parse_fail(&p, p.line,
				  "template ends inside an HTML tag, comment or script");
	return 0;
}

/* Points every {{> name}} at its template; names the first unknown one. */
static int
resolve_partials(struct tmpl_set *set, const struct tmpl *t, struct node *n, struct err *err)
{
	for (; n != NULL; n = n->next) {
		if (n->kind == NODE_PARTIAL) {
			n->partial = find_tmpl(set, n->text, n->len);
			if (n->partial == NULL)
				return err_set(err, ERR_INTERNAL, NULL,
					       "%s%s:%d: unknown partial '%s'", t->name,
					       TMPL_SUFFIX, n->line, n->text);
		}
		if (resolve_partials(set, t, n->children, err) < 0)
			return -1;
	}
	return 0;
}

/* ---- building a set ---------------------------------------------------------------------- */

static struct tmpl_set *
set_new(void)
{
	struct arena *a = arena_new();
	struct tmpl_set *set = arena_alloc(a, sizeof(*set));
	set->arena = a;
	return set;
}

static int
set_add(struct tmpl_set *set, const char *name, const char *text, struct err *err)
{
	if (!valid_tmpl_name(name, strlen(name)))
		return err_set(err, ERR_INTERNAL, NULL, "tmpl: bad template name '%s'", name);
	if (tmpl_has(set, name))
		return err_set(err, ERR_INTERNAL, NULL, "tmpl: duplicate template '%s'", name);
	if (set->n == set->cap) {
		set->cap = set->cap ? set->cap * 2 : 16;
		struct tmpl *grown = arena_alloc(set->arena, set->cap * sizeof(*grown));
		if (set->n > 0)
			memcpy(grown, set->tmpls, set->n * sizeof(*grown));
		set->tmpls = grown;
	}
	struct tmpl *t = &set->tmpls[set->n];
	t->name = arena_strdup(set->arena, name);
	/* Text nodes point into this copy. */
	if (parse_template(set->arena, t, arena_strdup(set->arena, text), err) < 0)
		return -1;
	set->n++;
	return 0;
}

static int
set_finish(struct tmpl_set *set, struct err *err)
{
	for (size_t i = 0; i < set->n; i++)
		if (resolve_partials(set, &set->tmpls[i], set->tmpls[i].nodes, err) < 0)
			return -1;
	return 0;
}

struct tmpl_set *
tmpl_set_from_strings(const char *const *names, const char *const *texts, size_t n, struct err *err)
{
	struct tmpl_set *set = set_new();
	for (size_t i = 0; i < n; i++)
		if (set_add(set, names[i], texts[i], err) < 0)
			goto fail;
	if (set_finish(set, err) < 0)
		goto fail;
	return set;
fail:
	tmpl_set_free(set);
	return NULL;
}

/* Reads path into the arena (NUL-terminated); NULL + err if unreadable or too large. */
static char *
read_file(struct arena *a, const char *path, struct err *err)
{
	struct strbuf sb;
	char chunk[4096];
	size_t n;
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		goto fail;
	strbuf_init(&sb, a);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && sb.len <= TMPL_MAX_FILE)
		strbuf_append(&sb, chunk, n);
	if (ferror(f))
		goto fail; /* errno from the failed read */
	if (sb.len > TMPL_MAX_FILE || strlen(sb.data) != sb.len) {
		errno = sb.len > TMPL_MAX_FILE ? EFBIG : EINVAL; /* too big, or has a NUL byte */
		goto fail;
	}
	fclose(f);
	return sb.data;
fail:
	err_set(err, ERR_INTERNAL, NULL, "tmpl: cannot read %s: %s", path, strerror(errno));
	if (f != NULL)
		fclose(f);
	return NULL;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The template names in dir (files "*.html", not hidden), sorted, in the arena. */
static char **
list_dir(struct arena *a, const char *dir, size_t *count, struct err *err)
{
	DIR *d = opendir(dir);
	if (d == NULL) {
		err_set(err, ERR_INTERNAL, NULL, "tmpl: cannot open %s: %s", dir, strerror(errno));
		return NULL;
	}
	size_t n = 0, cap = 64;
	char **names = arena_alloc(a, cap * sizeof(*names));
	const struct dirent *e;
	size_t slen = strlen(TMPL_SUFFIX);
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		if (e->d_name[0] == '.' || len <= slen ||
		    strcmp(e->d_name + len - slen, TMPL_SUFFIX))
			continue;
		if (n == cap) {
			char **grown = arena_alloc(a, 2 * cap * sizeof(*grown));
			memcpy(grown, names, n * sizeof(*names));
			names = grown, cap *= 2;
		}
		names[n++] = arena_strndup(a, e->d_name, len - slen);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_str);
	*count = n;
	return names;
}

struct tmpl_set *
tmpl_set_load(const char *dir, struct err *err)
{
	struct arena *scratch = arena_new();
	struct tmpl_set *set = set_new();
	size_t n = 0;
	char **names = list_dir(scratch, dir, &n, err);
	if (names == NULL)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		char *path = arena_printf(scratch, "%s/%s%s", dir, names[i], TMPL_SUFFIX);
		char *text = read_file(scratch, path, err);
		if (text == NULL || set_add(set, names[i], text, err) < 0)
			goto fail;
	}
	if (set_finish(set, err) < 0)
		goto fail;
	arena_free(scratch);
	return set;
fail:
	arena_free(scratch);
	tmpl_set_free(set);
	return NULL;
}

/* ---- renderer ---------------------------------------------------------------------------- */

/* The context stack: innermost first, linked through the C stack of render calls. */
struct frame {
	const struct tval *val;
	const struct frame *up;
};

struct render {
	const struct tmpl *tmpl; /* for messages */
	tmpl_translate_fn tr;
	void *tr_arg;
	struct strbuf *out;
	struct err *err;
	int partial_depth;
};

static int render_nodes(struct render *r, const struct node *n, const struct frame *f);

static int
render_fail(struct render *r, const struct node *n, const char *msg)
{
	return err_set(r->err, ERR_INTERNAL, NULL, "%s%s:%d: %s '%s'", r->tmpl->name, TMPL_SUFFIX,
		       n->line, msg, n->text);
}

/* Looks up a dotted name: the first part outward through the stack, the rest inside it. */
static const struct tval *
lookup(const struct frame *f, const char *name, size_t len)
{
	if (len == 1 && name[0] == '.')
		return f != NULL ? f->val : NULL;
	const char *dot = memchr(name, '.', len);
	size_t part = dot != NULL ? (size_t)(dot - name) : len;
	const struct tval *v = NULL;
	for (; f != NULL && v == NULL; f = f->up)
		v = tval_get(f->val, name, part);
	while (v != NULL && part < len) {
		name += part + 1, len -= part + 1;
		dot = memchr(name, '.', len);
		part = dot != NULL ? (size_t)(dot - name) : len;
		v = tval_get(v, name, part);
	}
	return v;
}

/* Whether s may start a URL attribute: http(s), mailto, otpauth (an authenticator app's key,
 * for two-factor set-up on the phone itself), or no scheme at all. Browsers skip
 * leading whitespace and control characters and ignore case, so anything else with a ':'
 * before the path, query or fragment could be javascript:, data: or vbscript:. */
static int
url_is_safe(const char *s)
{
	if (strncasecmp(s, "http://", 7) == 0 || strncasecmp(s, "https://", 8) == 0 ||
	    strncasecmp(s, "mailto:", 7) == 0 || strncasecmp(s, "otpauth://", 10) == 0)
		return 1;
	size_t end = strcspn(s, ":/?#");
	return s[end] != ':';
}

static void
render_var(struct render *r, const struct node *n, const struct frame *f)
{
	char buf[32];
	const char *s = tval_text(lookup(f, n->text, n->len), buf, sizeof(buf));
	if (n->url_check && !url_is_safe(s))
		s = "#";
	strbuf_put_html(r->out, s, strlen(s));
}

static int
render_raw(struct render *r, const struct node *n, const struct frame *f)
{
	const struct tval *v = lookup(f, n->text, n->len);
	if (v == NULL)
		return 0;
	if (tval_kind(v) != TVAL_HTML)
		return render_fail(r, n,
				   "{{&}} needs trusted HTML (tval_set_html), not a plain value");
	strbuf_puts(r->out, tval_str(v));
	return 0;
}

static int
render_section(struct render *r, const struct node *n, const struct frame *f)
{
	const struct tval *v = lookup(f, n->text, n->len);
	if (n->kind == NODE_INVERTED)
		return tval_truthy(v) ? 0 : render_nodes(r, n->children, f);
	if (!tval_truthy(v))
		return 0;
	if (tval_kind(v) != TVAL_LIST) {
		struct frame inner = {v, f};
		return render_nodes(r, n->children, &inner);
	}
	for (const struct tval_item *it = tval_items(v); it != NULL; it = tval_item_next(it)) {
		struct frame inner = {tval_item_value(it), f};
		if (render_nodes(r, n->children, &inner) < 0)
			return -1;
	}
	return 0;
}

static int
render_partial(struct render *r, const struct node *n, const struct frame *f)
{
	if (r->partial_depth >= TMPL_MAX_PARTIAL_DEPTH)
		return render_fail(r, n, "partials nested too deeply at");
	const struct tmpl *caller = r->tmpl;
	r->tmpl = n->partial;
	r->partial_depth++;
	int rc = render_nodes(r, n->partial->nodes, f);
	r->partial_depth--;
	/* Keep the innermost template in the message when failing. */
	if (rc == 0)
		r->tmpl = caller;
	return rc;
}

/* Length of a "{name}" placeholder at s, or 0 if s does not start one. */
static size_t
placeholder_len(const char *s)
{
	if (s[0] != '{')
		return 0;
	const char *close = strchr(s + 1, '}');
	if (close == NULL)
		return 0;
	size_t len = (size_t)(close - s - 1);
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[1 + i]) && strchr("_-.", s[1 + i]) == NULL)
			return 0;
	return len > 0 && valid_name(s + 1, len) ? len + 2 : 0;
}

static void
render_translate(struct render *r, const struct node *n, const struct frame *f)
{
	const char *s = r->tr != NULL ? r->tr(r->tr_arg, n->text) : NULL;
	if (s == NULL)
		s = n->text;
	while (*s != '\0') {
		size_t ph = placeholder_len(s);
		if (ph > 0) {
			char buf[32];
			const char *v = tval_text(lookup(f, s + 1, ph - 2), buf, sizeof(buf));
			strbuf_put_html(r->out, v, strlen(v));
			s += ph;
			continue;
		}
		size_t run = 1 + strcspn(s + 1, "{");
		strbuf_put_html(r->out, s, run);
		s += run;
	}
}

static int
render_node(struct render *r, const struct node *n, const struct frame *f)
{
	switch (n->kind) {
	case NODE_TEXT:
		strbuf_append(r->out, n->text, n->len);
		return 0;
	case NODE_VAR:
		render_var(r, n, f);
		return 0;
	case NODE_RAW:
		return render_raw(r, n, f);
	case NODE_SECTION:
	case NODE_INVERTED:
		return render_section(r, n, f);
	case NODE_PARTIAL:
		return render_partial(r, n, f);
	case NODE_TRANSLATE:
		render_translate(r, n, f);
		return 0;
	default:
		return 0;
	}
}

static int
render_nodes(struct render *r, const struct node *n, const struct frame *f)
{
	for (; n != NULL; n = n->next)
		if (render_node(r, n, f) < 0)
			return -1;
	return 0;
}

int
tmpl_render(const struct tmpl_set *set, const char *name, const struct tval *ctx,
	    tmpl_translate_fn tr, void *tr_arg, struct strbuf *out, struct err *err)
{
	const struct tmpl *t =
	    set != NULL && name != NULL ? find_tmpl(set, name, strlen(name)) : NULL;
	if (t == NULL)
		return err_set(err, ERR_INTERNAL, NULL, "tmpl: unknown template '%s'",
			       name != NULL ? name : "(null)");
	struct render r = {.tmpl = t, .tr = tr, .tr_arg = tr_arg, .out = out, .err = err};
	struct frame root = {ctx, NULL};
	return render_nodes(&r, t->nodes, ctx != NULL ? &root : NULL);
}
