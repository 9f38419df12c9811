/* text.c - plain text to safe HTML. The text is first cleaned (newlines normalised, invalid
 * UTF-8 replaced, control characters dropped), then split into paragraphs; inside each, a
 * scanner recognises URLs, mentions and hashtags and escapes everything else. */
#include "text.h"

#include <string.h>
#include <strings.h>

#include "util/arena.h"
#include "util/strbuf.h"

#define USERNAME_MAX 30
#define DOMAIN_MAX 253

/* ---- UTF-8 -------------------------------------------------------------------------------- */

/* Decodes one code point at s (n bytes left); *len gets its length. Invalid sequences
 * (overlong, surrogates, truncated, > U+10FFFF) give U+FFFD with length 1. */
static uint32_t
utf8_decode(const unsigned char *s, size_t n, size_t *len)
{
	uint32_t cp;
	size_t need;
	if (s[0] < 0x80) {
		*len = 1;
		return s[0];
	} else if ((s[0] & 0xE0) == 0xC0) {
		cp = s[0] & 0x1F, need = 2;
	} else if ((s[0] & 0xF0) == 0xE0) {
		cp = s[0] & 0x0F, need = 3;
	} else if ((s[0] & 0xF8) == 0xF0) {
		cp = s[0] & 0x07, need = 4;
	} else {
		goto bad;
	}
	if (n < need)
		goto bad;
	for (size_t i = 1; i < need; i++) {
		if ((s[i] & 0xC0) != 0x80)
			goto bad;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if ((need == 2 && cp < 0x80) || (need == 3 && cp < 0x800) || (need == 4 && cp < 0x10000) ||
	    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		goto bad;
	*len = need;
	return cp;
bad:
	*len = 1;
	return 0xFFFD;
}

size_t
text_length(const char *s)
{
	size_t count = 0, n = strlen(s), len;
	for (size_t i = 0; i < n; i += len, count++)
		utf8_decode((const unsigned char *)s + i, n - i, &len);
	return count;
}

int
text_is_blank(const char *s)
{
	if (s == NULL)
		return 1;
	size_t n = strlen(s), len;
	for (size_t i = 0; i < n; i += len) {
		uint32_t cp = utf8_decode((const unsigned char *)s + i, n - i, &len);
		if (!(cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' ||
		      cp == '\v' || cp == 0xA0 || cp == 0x3000 || (cp >= 0x2000 && cp <= 0x200B)))
			return 0;
	}
	return 1;
}

/* Not letters or digits: white space, symbols and punctuation of the blocks members are
 * likely to type (Latin-1, general punctuation, CJK and full-width punctuation, arrows and
 * other symbols, emoji). Everything else above ASCII counts as a letter of some script. */
static int
is_unicode_separator(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0xBF) || cp == 0xD7 || cp == 0xF7 ||
	       (cp >= 0x2000 && cp <= 0x2BFF) || (cp >= 0x2E00 && cp <= 0x2E7F) ||
	       (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFE10 && cp <= 0xFE6F) ||
	       (cp >= 0xFF00 && cp <= 0xFF0F) || (cp >= 0xFF1A && cp <= 0xFF20) ||
	       (cp >= 0xFF3B && cp <= 0xFF40) || (cp >= 0xFF5B && cp <= 0xFF65) ||
	       cp == 0xFFFD || cp == 0xFEFF || (cp >= 0x1F000 && cp <= 0x1FAFF);
}

static int
is_ascii_word(uint32_t cp)
{
	return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') ||
	       cp == '_';
}

/* A letter, digit or underscore in any script: what hashtags are made of. */
static int
is_word(uint32_t cp)
{
	return cp < 0x80 ? is_ascii_word(cp) : !is_unicode_separator(cp);
}

/* ---- cleaning ------------------------------------------------------------------------------ */

/* Returns a copy of text with CRLF/CR as LF, invalid UTF-8 as U+FFFD and control characters
 * other than tab and LF removed. */
static char *
clean(struct arena *a, const char *text)
{
	struct strbuf sb;
	strbuf_init(&sb, a);
	size_t n = strlen(text), len;
	for (size_t i = 0; i < n; i += len) {
		const unsigned char *s = (const unsigned char *)text + i;
		uint32_t cp = utf8_decode(s, n - i, &len);
		if (cp == '\r') {
			strbuf_putc(&sb, '\n');
			if (i + 1 < n && s[1] == '\n')
				len = 2;
		} else if (cp == 0xFFFD && len == 1) {
			strbuf_puts(&sb, "\xEF\xBF\xBD");
		} else if ((cp < 0x20 && cp != '\t' && cp != '\n') || cp == 0x7F ||
			   (cp >= 0x80 && cp < 0xA0)) {
			continue;
		} else {
			strbuf_append(&sb, (const char *)s, len);
		}
	}
	return sb.data;
}

/* ---- the scanner --------------------------------------------------------------------------- */

struct scan {
	struct arena *arena;
	struct strbuf html;
	text_account_fn lookup;
	text_remote_fn remote;
	void *arg;
	struct text_out *out;
	size_t cap_mentions, cap_tags, cap_remote;
};

static void *
grow(struct arena *a, void *old, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return old;
	size_t ncap = *cap ? *cap * 2 : 8;
	void *p = arena_alloc(a, ncap * size);
	if (n > 0)
		memcpy(p, old, n * size);
	*cap = ncap;
	return p;
}

static void
add_mention(struct scan *sc, int64_t id)
{
	struct text_out *o = sc->out;
	for (size_t i = 0; i < o->nmentions; i++)
		if (o->mention_ids[i] == id)
			return;
	o->mention_ids = grow(sc->arena, o->mention_ids, o->nmentions, &sc->cap_mentions,
			      sizeof *o->mention_ids);
	o->mention_ids[o->nmentions++] = id;
}

static void
add_string(struct scan *sc, const char ***list, size_t *n, size_t *cap, const char *s, size_t len)
{
	for (size_t i = 0; i < *n; i++)
		if (strlen((*list)[i]) == len && strncasecmp((*list)[i], s, len) == 0)
			return;
	*list = grow(sc->arena, (void *)*list, *n, cap, sizeof **list);
	(*list)[(*n)++] = arena_strndup(sc->arena, s, len);
}

/* The code point before position i of s (0 at the start). */
static uint32_t
prev_cp(const char *s, size_t i)
{
	if (i == 0)
		return 0;
	size_t j = i - 1;
	while (j > 0 && ((unsigned char)s[j] & 0xC0) == 0x80 && i - j < 4)
		j--;
	size_t len;
	return utf8_decode((const unsigned char *)s + j, i - j, &len);
}

/* Length of an http(s) URL starting at s (n bytes left), trailing punctuation excluded; 0 if
 * there is none. */
static size_t
url_len(const char *s, size_t n)
{
	size_t scheme;
	if (n > 8 && strncasecmp(s, "https://", 8) == 0)
		scheme = 8;
	else if (n > 7 && strncasecmp(s, "http://", 7) == 0)
		scheme = 7;
	else
		return 0;
	size_t end = scheme;
	while (end < n && (unsigned char)s[end] > ' ' && strchr("<>\"'`", s[end]) == NULL) {
		/* U+3000 and full-width punctuation end a URL written in CJK text */
		size_t len;
		uint32_t cp = utf8_decode((const unsigned char *)s + end, n - end, &len);
		if (cp >= 0x80 && is_unicode_separator(cp))
			break;
		end += len;
	}
	for (;;) { /* trailing punctuation belongs to the sentence, not the URL */
		if (end <= scheme)
			return 0;
		char c = s[end - 1];
		if (strchr(".,;:!?*", c) != NULL) {
			end--;
			continue;
		}
		if (c == ')' || c == ']') { /* keep it only when the URL opened one */
			char open = c == ')' ? '(' : '[';
			int depth = 0;
			for (size_t i = scheme; i < end; i++)
				depth += s[i] == open ? 1 : s[i] == c ? -1 : 0;
			if (depth < 0) {
				end--;
				continue;
			}
		}
		break;
	}
	/* a host is needed: "https://" followed by punctuation only is no link */
	return is_ascii_word((unsigned char)s[scheme]) || (unsigned char)s[scheme] >= 0x80 ? end
											     : 0;
}

static void
put_url(struct scan *sc, const char *s, size_t len)
{
	strbuf_puts(&sc->html, "<a href=\"");
	strbuf_put_html(&sc->html, s, len);
	strbuf_puts(&sc->html, "\" rel=\"nofollow noopener noreferrer\" target=\"_blank\">");
	strbuf_put_html(&sc->html, s, len);
	strbuf_puts(&sc->html, "</a>");
}

/* "@user@domain" as linked when the remote lookup knows the account: the h-card markup peers
 * write (PROTOCOL.md section 4.5), user being s[1..u), the whole address s[1..d). */
static void
put_remote_mention(struct scan *sc, const char *s, size_t u, size_t d)
{
	const char *href = NULL;
	if (sc->remote != NULL)
		href = sc->remote(sc->arg, arena_strndup(sc->arena, s + 1, d - 1));
	if (href == NULL) {
		strbuf_put_html(&sc->html, s, d);
		return;
	}
	strbuf_puts(&sc->html, "<span class=\"h-card\"><a class=\"u-url mention\" href=\"");
	strbuf_put_html(&sc->html, href, strlen(href));
	strbuf_puts(&sc->html, "\">@<span>");
	strbuf_put_html(&sc->html, s + 1, u - 1);
	strbuf_puts(&sc->html, "</span></a></span>");
}

/* Handles "@user" or "@user@domain" at s[0] == '@'; returns the bytes consumed, 0 if none.
 * A remote user name may also hold single '.' or '-' between its characters (first.last). */
static size_t
mention(struct scan *sc, const char *s, size_t n)
{
	size_t u = 1;
	while (u < n && is_ascii_word((unsigned char)s[u]))
		u++;
	if (u == 1 || u - 1 > USERNAME_MAX)
		return 0;
	size_t end = u;
	size_t r = u; /* the longer remote name */
	while (r + 1 < n && (s[r] == '.' || s[r] == '-') &&
	       is_ascii_word((unsigned char)s[r + 1])) {
		r++;
		while (r < n && is_ascii_word((unsigned char)s[r]))
			r++;
	}
	if (r + 1 < n && s[r] == '@')
		u = r;
	if (u + 1 < n && s[u] == '@') { /* a remote account: user@domain.tld */
		size_t d = u + 1, dots = 0;
		while (d < n && d - u - 1 < DOMAIN_MAX &&
		       (is_ascii_word((unsigned char)s[d]) || s[d] == '-' || s[d] == '.')) {
			dots += s[d] == '.';
			d++;
		}
		while (d > u + 1 && (s[d - 1] == '.' || s[d - 1] == '-'))
			d--;
		/* An optional port, as a server not on 443 writes it: user@host.tld:8443 */
		if (d + 1 < n && s[d] == ':' && s[d - 1] != '.' && s[d + 1] >= '0' &&
		    s[d + 1] <= '9') {
			size_t p = d + 1;
			while (p < n && p - d <= 5 && s[p] >= '0' && s[p] <= '9')
				p++;
			if (p == n || !is_word((unsigned char)s[p]))
				d = p;
		}
		if (dots > 0 && d > u + 1 && memchr(s + u + 1, '.', d - u - 1) != NULL) {
			add_string(sc, &sc->out->remote_mentions, &sc->out->nremote, &sc->cap_remote,
				   s + 1, d - 1);
			put_remote_mention(sc, s, u, d);
			return d;
		}
		u = end; /* not an address: maybe a member's name */
	}
	if (end < n && is_word((unsigned char)s[end]))
		return 0;
	char *name = arena_strndup(sc->arena, s + 1, u - 1);
	int64_t id = sc->lookup != NULL ? sc->lookup(sc->arg, name) : 0;
	if (id <= 0)
		return 0;
	add_mention(sc, id);
	strbuf_puts(&sc->html, "<a href=\"/@");
	strbuf_put_html(&sc->html, name, u - 1);
	strbuf_puts(&sc->html, "\" class=\"mention\">@");
	strbuf_put_html(&sc->html, name, u - 1);
	strbuf_puts(&sc->html, "</a>");
	return end;
}

/* Handles "#tag" at s[0] == '#'; returns the bytes consumed, 0 if none. */
static size_t
hashtag(struct scan *sc, const char *s, size_t n)
{
	size_t end = 1, chars = 0, len;
	int has_non_digit = 0;
	while (end < n) {
		uint32_t cp = utf8_decode((const unsigned char *)s + end, n - end, &len);
		if (!is_word(cp))
			break;
		has_non_digit |= !(cp >= '0' && cp <= '9');
		end += len;
		chars++;
	}
	if (chars == 0 || chars > TEXT_TAG_MAX || !has_non_digit)
		return 0;
	add_string(sc, &sc->out->tags, &sc->out->ntags, &sc->cap_tags, s + 1, end - 1);
	strbuf_puts(&sc->html, "<a href=\"/tags/");
	for (size_t i = 1; i < end; i++) { /* percent-encode everything but ASCII words */
		unsigned char c = (unsigned char)s[i];
		if (is_ascii_word(c))
			strbuf_putc(&sc->html, (char)c);
		else
			strbuf_printf(&sc->html, "%%%02X", c);
	}
	strbuf_puts(&sc->html, "\" class=\"hashtag\">#");
	strbuf_put_html(&sc->html, s + 1, end - 1);
	strbuf_puts(&sc->html, "</a>");
	return end;
}

/* Renders one line (no newline inside) of a paragraph. */
static void
render_line(struct scan *sc, const char *s, size_t n)
{
	size_t plain = 0; /* start of the pending run of plain text */
	size_t i = 0;
	while (i < n) {
		size_t used = 0;
		uint32_t before = prev_cp(s, i);
		char c = s[i];
		if ((c == 'h' || c == 'H') && !is_ascii_word(before) && before != '/')
			used = url_len(s + i, n - i);
		if (used > 0) {
			strbuf_put_html(&sc->html, s + plain, i - plain);
			put_url(sc, s + i, used);
		} else if (c == '@' && !is_word(before) && before != '@' && before != '/') {
			size_t mark = sc->html.len;
			strbuf_put_html(&sc->html, s + plain, i - plain);
			if ((used = mention(sc, s + i, n - i)) == 0) {
				sc->html.len = mark; /* undo: the run continues */
				sc->html.data[mark] = '\0';
			}
		} else if (c == '#' && !is_word(before) && before != '&' && before != '/') {
			size_t mark = sc->html.len;
			strbuf_put_html(&sc->html, s + plain, i - plain);
			if ((used = hashtag(sc, s + i, n - i)) == 0) {
				sc->html.len = mark;
				sc->html.data[mark] = '\0';
			}
		}
		if (used > 0) {
			i += used;
			plain = i;
		} else {
			size_t len;
			utf8_decode((const unsigned char *)s + i, n - i, &len);
			i += len;
		}
	}
	strbuf_put_html(&sc->html, s + plain, n - plain);
}

/* Whether the line s[0..n) holds only spaces and tabs. */
static int
blank_line(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return 0;
	return 1;
}

void
text_render(struct arena *a, const char *text, text_account_fn lookup, void *arg,
	    struct text_out *out)
{
	text_render_linked(a, text, lookup, NULL, arg, out);
}

void
text_render_linked(struct arena *a, const char *text, text_account_fn lookup, text_remote_fn remote,
		   void *arg, struct text_out *out)
{
	memset(out, 0, sizeof *out);
	struct scan sc = {.arena = a, .lookup = lookup, .remote = remote, .arg = arg, .out = out};
	strbuf_init(&sc.html, a);
	const char *s = clean(a, text ? text : "");
	int in_para = 0, pending_break = 0, pending_para = 0;
	while (*s != '\0') {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);
		if (blank_line(s, n)) {
			if (in_para)
				pending_para = 1;
		} else {
			if (in_para && pending_para) {
				strbuf_puts(&sc.html, "</p>");
				in_para = 0;
			}
			if (!in_para) {
				strbuf_puts(&sc.html, "<p>");
				in_para = 1;
			} else if (pending_break) {
				strbuf_puts(&sc.html, "<br>");
			}
			render_line(&sc, s, n);
			pending_break = 1;
			pending_para = 0;
		}
		s += n + (nl != NULL);
	}
	if (in_para)
		strbuf_puts(&sc.html, "</p>");
	out->html = sc.html.data;
}
