/* fuzz_sanitize.c - the HTML sanitiser. Its output, read again as a browser would, must hold
 * no script or style element, no event handler attribute and no link or source to a
 * javascript:, vbscript: or data: URL (character references decoded, as a browser decodes
 * them in attribute values); sanitising it again must change nothing; html_to_text must not
 * fail where html_sanitize did not. */
#include "fuzz.h"

#include <ctype.h>
#include <strings.h>

#include "util/arena.h"
#include "util/err.h"
#include "util/sanitize.h"

/* value[0..len) with numeric and the few named character references a scheme could hide
 * behind decoded, ASCII white space and controls dropped, lower-cased: what a browser
 * compares a URL's scheme against. Into out (size cap). */
static void
scheme_view(const char *value, size_t len, char *out, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < len && n + 1 < cap;) {
		unsigned long c = (unsigned char)value[i];
		size_t used = 1;
		if (c == '&') {
			const char *p = value + i + 1;
			size_t left = len - i - 1;
			if (left > 1 && p[0] == '#') {
				char *end;
				bool hex = p[1] == 'x' || p[1] == 'X';
				unsigned long v = strtoul(p + (hex ? 2 : 1), &end, hex ? 16 : 10);
				if (end > p + (hex ? 2 : 1)) {
					c = v;
					used = 1 + (size_t)(end - p) + (*end == ';');
				}
			} else if (left >= 6 && strncasecmp(p, "colon;", 6) == 0) {
				c = ':';
				used = 7;
			} else if (left >= 4 && strncasecmp(p, "tab;", 4) == 0) {
				c = '\t';
				used = 5;
			} else if (left >= 8 && strncasecmp(p, "newline;", 8) == 0) {
				c = '\n';
				used = 9;
			}
		}
		i += used;
		if (c <= 0x20 || c == 0x7f)
			continue;
		out[n++] = (char)(c < 0x80 ? tolower((int)c) : '?');
	}
	out[n] = '\0';
}

/* Checks every tag of html (the sanitiser's output: well-formed, attribute values quoted). */
static void
check_tags(const char *html)
{
	for (const char *p = strchr(html, '<'); p != NULL; p = strchr(p + 1, '<')) {
		const char *q = p + 1 + (p[1] == '/');
		size_t nl = strspn(q, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
		FUZZ_ASSERT(!(nl == 6 && strncasecmp(q, "script", 6) == 0) &&
				!(nl == 5 && strncasecmp(q, "style", 5) == 0) &&
				!(nl == 6 && strncasecmp(q, "iframe", 6) == 0),
			    "an element %.*s survived", (int)nl, q);
		const char *end = strchr(q, '>');
		FUZZ_ASSERT(end != NULL, "a tag without its end");
		for (const char *t = q + nl; t < end;) {
			t += strspn(t, " \t\n\r/");
			if (t >= end)
				break;
			size_t an = strcspn(t, " \t\n\r/=>");
			const char *name = t;
			t += an;
			FUZZ_ASSERT(!(an > 2 && strncasecmp(name, "on", 2) == 0),
				    "an event handler %.*s survived", (int)an, name);
			if (*t != '=')
				continue;
			t++;
			char quote = *t;
			FUZZ_ASSERT(quote == '"' || quote == '\'', "an unquoted attribute value");
			const char *v = t + 1, *ve = strchr(v, quote);
			FUZZ_ASSERT(ve != NULL, "an attribute value without its end");
			char view[64];
			scheme_view(v, (size_t)(ve - v), view, sizeof view);
			FUZZ_ASSERT(strncmp(view, "javascript:", 11) != 0 &&
					strncmp(view, "vbscript:", 9) != 0 &&
					strncmp(view, "data:", 5) != 0,
				    "a %s URL survived in %.*s", view, (int)an, name);
			t = ve + 1;
			if (ve > end) /* the value held a '>': the tag ends after it */
				end = strchr(ve, '>');
			FUZZ_ASSERT(end != NULL, "a tag without its end");
		}
		p = end;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new();
	struct err err = {0};
	char *out = html_sanitize(a, (const char *)data, size, &err);
	if (out != NULL) {
		check_tags(out);
		struct err again_err = {0};
		char *again = html_sanitize(a, out, strlen(out), &again_err);
		FUZZ_ASSERT(again != NULL && strcmp(again, out) == 0,
			    "sanitising the output again changed it:\n%s\n---\n%s", out,
			    again ? again : "(failed)");
		err_clear(&err);
		FUZZ_ASSERT(html_to_text(a, (const char *)data, size, &err) != NULL,
			    "html_to_text failed where html_sanitize did not: %s", err.detail);
	}
	arena_free(a);
	return 0;
}
