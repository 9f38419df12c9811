/* etag.c - making entity tags and matching If-None-Match lists. */
#include "etag.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

void
etag_of(const void *body, size_t len, char out[ETAG_MAX])
{
	/* Two independent 32-bit checksums: zlib computes both at memory speed, and a tag only
	 * has to tell one version of the same URL's body from the next. */
	uLong crc = crc32_z(0L, body, len);
	uLong adler = adler32_z(1L, body, len);
	snprintf(out, ETAG_MAX, "\"%08lx%08lx\"", crc & 0xffffffffUL, adler & 0xffffffffUL);
}

int
etag_variant(const char *tag, const char *suffix, char out[ETAG_MAX])
{
	size_t n = strlen(tag);
	if (n < 2 || tag[0] != '"' || tag[n - 1] != '"')
		return -1;
	char buf[ETAG_MAX];
	int w = snprintf(buf, sizeof buf, "%.*s%s\"", (int)(n - 1), tag, suffix);
	if (w < 0 || w >= ETAG_MAX)
		return -1;
	memcpy(out, buf, (size_t)w + 1);
	return 0;
}

/* The opaque part of a tag (without W/ and quotes) as [*start, *start + *len). */
static bool
opaque_part(const char *tag, const char **start, size_t *len)
{
	if (strncmp(tag, "W/", 2) == 0)
		tag += 2;
	size_t n = strlen(tag);
	if (n < 2 || tag[0] != '"' || tag[n - 1] != '"')
		return false;
	*start = tag + 1;
	*len = n - 2;
	return true;
}

bool
etag_none_match(const char *if_none_match, const char *tag)
{
	const char *want;
	size_t want_len;
	if (if_none_match == NULL || tag == NULL || !opaque_part(tag, &want, &want_len))
		return false;
	const char *p = if_none_match;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '\0')
			return false;
		if (*p == '*') {
			const char *q = p + 1;
			while (*q == ' ' || *q == '\t')
				q++;
			if (*q == ',' || *q == '\0')
				return true;
		}
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		if (*p == '"') {
			/* an entity tag's characters exclude the quote, so it ends at the next one
			 * (and may hold commas) */
			const char *close = strchr(p + 1, '"');
			if (close == NULL)
				return false;
			if ((size_t)(close - p - 1) == want_len &&
			    memcmp(p + 1, want, want_len) == 0)
				return true;
			p = close + 1;
		}
		/* past the element (or the rest of a malformed one) to the next comma */
		while (*p != '\0' && *p != ',')
			p++;
	}
}
