/* strbuf.h - a growable byte string that lives in an arena. */
#ifndef PARASOL_STRBUF_H
#define PARASOL_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct arena;

struct strbuf {
	struct arena *arena;
	char *data; /* always NUL-terminated */
	size_t len;
	size_t cap;
};

/* Starts an empty buffer whose storage the arena owns (nothing to free). */
void strbuf_init(struct strbuf *sb, struct arena *a);

void strbuf_append(struct strbuf *sb, const char *s, size_t n);
void strbuf_puts(struct strbuf *sb, const char *s);
void strbuf_putc(struct strbuf *sb, char c);
void strbuf_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends s with & < > " ' escaped for HTML text and quoted attribute values. */
void strbuf_put_html(struct strbuf *sb, const char *s, size_t n);

/* Appends the NUL-terminated s percent-encoded for a URL path segment or query value: every
 * byte except ASCII letters, digits, "-._~" and the characters in keep (may be NULL) becomes
 * %XX. */
void strbuf_put_pct(struct strbuf *sb, const char *s, const char *keep);

#endif
