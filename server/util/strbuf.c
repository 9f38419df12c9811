/* strbuf.c - growable strings in an arena (old storage is left to the arena). */
#include "strbuf.h"

#include <stdio.h>
#include <string.h>

#include "arena.h"

void
strbuf_init(struct strbuf *sb, struct arena *a)
{
	sb->arena = a;
	sb->cap = 256;
	sb->len = 0;
	sb->data = arena_alloc(a, sb->cap);
}

static void
grow(struct strbuf *sb, size_t extra)
{
	if (sb->len + extra + 1 <= sb->cap)
		return;
	size_t cap = sb->cap * 2;
	while (cap < sb->len + extra + 1)
		cap *= 2;
	char *nd = arena_alloc(sb->arena, cap);
	memcpy(nd, sb->data, sb->len + 1);
	sb->data = nd;
	sb->cap = cap;
}

void
strbuf_append(struct strbuf *sb, const char *s, size_t n)
{
	grow(sb, n);
	memcpy(sb->data + sb->len, s, n);
	sb->len += n;
	sb->data[sb->len] = '\0';
}

void
strbuf_puts(struct strbuf *sb, const char *s)
{
	strbuf_append(sb, s, strlen(s));
}

void
strbuf_putc(struct strbuf *sb, char c)
{
	strbuf_append(sb, &c, 1);
}

void
strbuf_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap, ap2;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n > 0) {
		grow(sb, (size_t)n);
		vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
		sb->len += (size_t)n;
	}
	va_end(ap);
}

void
strbuf_put_html(struct strbuf *sb, const char *s, size_t n)
{
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		const char *rep;
		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		strbuf_append(sb, s + start, i - start);
		strbuf_puts(sb, rep);
		start = i + 1;
	}
	strbuf_append(sb, s + start, n - start);
}

void
strbuf_put_pct(struct strbuf *sb, const char *s, const char *keep)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_' || *p == '~' ||
		    (keep != NULL && strchr(keep, *p) != NULL)) {
			strbuf_putc(sb, (char)*p);
			continue;
		}
		strbuf_putc(sb, '%');
		strbuf_putc(sb, hex[*p >> 4]);
		strbuf_putc(sb, hex[*p & 15]);
	}
}
