/* compress.c - Accept-Encoding negotiation and gzip through zlib. */
#include "compress.h"

#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

/* Skips optional white space (OWS: spaces and tabs). */
static const char *
skip_ows(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* Parses a qvalue ("0", "0.5", "1.000") at p into thousandths; -1 when malformed. */
static int
parse_qvalue(const char *p, const char *end)
{
	if (p >= end || (*p != '0' && *p != '1'))
		return -1;
	int q = (*p - '0') * 1000;
	p++;
	if (p < end && *p == '.') {
		p++;
		int scale = 100, digits = 0;
		while (p < end && isdigit((unsigned char)*p) && digits < 3) {
			q += (*p - '0') * scale;
			scale /= 10;
			digits++;
			p++;
		}
	}
	if (p != end || q > 1000)
		return -1;
	return q;
}

/* The weight of one list element [p, end) after its coding name: ";q=..." with OWS around
 * the semicolon; 1000 when absent, -1 when malformed. */
static int
element_weight(const char *p, const char *end)
{
	p = skip_ows(p);
	if (p == end)
		return 1000;
	if (*p != ';')
		return -1;
	p = skip_ows(p + 1);
	if (end - p < 2 || (p[0] != 'q' && p[0] != 'Q') || p[1] != '=')
		return -1;
	p += 2;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	return parse_qvalue(p, end);
}

bool
compress_accepts_gzip(const char *accept_encoding)
{
	if (accept_encoding == NULL)
		return false;
	int gzip = -1, star = -1, identity = -1; /* -1: not listed */
	const char *p = accept_encoding;
	while (*p != '\0') {
		const char *end = strchr(p, ',');
		if (end == NULL)
			end = p + strlen(p);
		const char *name = skip_ows(p);
		const char *name_end = name;
		while (name_end < end && *name_end != ';' && *name_end != ' ' && *name_end != '\t')
			name_end++;
		size_t n = (size_t)(name_end - name);
		int q = element_weight(name_end, end);
		if (q >= 0 && n > 0) {
			if ((n == 4 && strncasecmp(name, "gzip", 4) == 0) ||
			    (n == 6 && strncasecmp(name, "x-gzip", 6) == 0))
				gzip = q > gzip ? q : gzip;
			else if (n == 1 && *name == '*')
				star = q;
			else if (n == 8 && strncasecmp(name, "identity", 8) == 0)
				identity = q;
		}
		p = *end ? end + 1 : end;
	}
	int q = gzip >= 0 ? gzip : star;
	return q > 0 && q >= identity;
}

bool
compress_type_ok(const char *content_type)
{
	if (content_type == NULL)
		return false;
	size_t n = strcspn(content_type, "; \t");
	static const char *const exact[] = {
	    "application/json", "application/xml",	 "application/javascript",
	    "image/svg+xml",	"application/xhtml+xml",
	};
	if (n > 5 && strncasecmp(content_type, "text/", 5) == 0)
		return true;
	for (size_t i = 0; i < sizeof exact / sizeof exact[0]; i++)
		if (strlen(exact[i]) == n && strncasecmp(content_type, exact[i], n) == 0)
			return true;
	/* application/activity+json, ld+json, jrd+json, xrd+xml, ... */
	if (n > 12 && strncasecmp(content_type, "application/", 12) == 0)
		return (n > 5 && strncasecmp(content_type + n - 5, "+json", 5) == 0) ||
		       (n > 4 && strncasecmp(content_type + n - 4, "+xml", 4) == 0);
	return false;
}

/* One deflate stream per thread, reset between bodies: making one allocates ~270 KB, which
 * per response would cost more than the compression of a small page. */
struct gz_stream {
	z_stream z;
	int level;
};

static pthread_key_t stream_key;
static pthread_once_t stream_once = PTHREAD_ONCE_INIT;

static void
stream_free(void *p)
{
	struct gz_stream *s = p;
	deflateEnd(&s->z);
	free(s);
}

static void
stream_key_init(void)
{
	if (pthread_key_create(&stream_key, stream_free) != 0)
		abort();
}

static struct gz_stream *
thread_stream(int level)
{
	pthread_once(&stream_once, stream_key_init);
	struct gz_stream *s = pthread_getspecific(stream_key);
	if (s != NULL) {
		if (deflateReset(&s->z) != Z_OK)
			return NULL;
		if (s->level != level) {
			if (deflateParams(&s->z, level, Z_DEFAULT_STRATEGY) != Z_OK)
				return NULL;
			s->level = level;
		}
		return s;
	}
	if ((s = calloc(1, sizeof *s)) == NULL)
		return NULL;
	/* 15 + 16: the largest window, with a gzip header and trailer */
	if (deflateInit2(&s->z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		free(s);
		return NULL;
	}
	s->level = level;
	if (pthread_setspecific(stream_key, s) != 0) {
		stream_free(s);
		return NULL;
	}
	return s;
}

unsigned char *
compress_gzip(const void *in, size_t len, int level, size_t *out_len)
{
	if (level < 1 || level > 9 || len > UINT32_MAX)
		return NULL;
	struct gz_stream *s = thread_stream(level);
	if (s == NULL)
		return NULL;
	uLong bound = deflateBound(&s->z, (uLong)len);
	unsigned char *out = malloc(bound);
	if (out == NULL)
		return NULL;
	s->z.next_in = (Bytef *)(uintptr_t)in;
	s->z.avail_in = (uInt)len;
	s->z.next_out = out;
	s->z.avail_out = (uInt)bound;
	if (deflate(&s->z, Z_FINISH) != Z_STREAM_END || s->z.total_out >= len) {
		free(out);
		return NULL;
	}
	*out_len = s->z.total_out;
	return out;
}
