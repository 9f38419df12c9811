/* body.c - the three body formats members' browsers, apps and peers send. */
#include "body.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "http/router.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/utf8.h"

static int
add_field(struct arena *a, struct body *out, struct body_field f, struct err *err)
{
	/* Text fields must be UTF-8 (the database and the pages are); files may be anything. */
	if (f.filename == NULL && (!utf8_valid(f.name, strlen(f.name)) ||
				   !utf8_valid(f.value, f.len)))
		return err_set(err, ERR_INVALID, "The form data is not valid UTF-8 text.",
			       "form field not utf-8");
	if (out->nfields == BODY_MAX_FIELDS)
		return err_set(err, ERR_INVALID, "The form has too many fields.", "over %d fields",
			       BODY_MAX_FIELDS);
	if (out->fields == NULL)
		out->fields = arena_alloc(a, BODY_MAX_FIELDS * sizeof *out->fields);
	out->fields[out->nfields++] = f;
	return 0;
}

int
body_parse_urlencoded(struct arena *a, const char *data, size_t len, struct body *out,
		      struct err *err)
{
	out->kind = BODY_FORM;
	size_t i = 0;
	while (i < len) {
		size_t end = i;
		while (end < len && data[end] != '&')
			end++;
		if (end > i) {
			const char *eq = memchr(data + i, '=', end - i);
			size_t klen = eq ? (size_t)(eq - (data + i)) : end - i;
			struct body_field f = {0};
			f.name = router_decode(a, data + i, klen, 1);
			f.value = eq ? router_decode(a, eq + 1, (size_t)(data + end - eq - 1), 1)
				     : arena_strdup(a, "");
			if (f.name == NULL || f.value == NULL)
				return err_set(err, ERR_INVALID,
					       "The form data has a malformed %-escape.",
					       "bad urlencoded escape");
			f.len = strlen(f.value);
			if (add_field(a, out, f, err) != 0)
				return -1;
		}
		i = end + 1;
	}
	return 0;
}

/* Finds parameter name (e.g. "boundary") in a header value like
 * `multipart/form-data; boundary="abc"`, honouring quotes (a ';' inside a quoted value does
 * not start a parameter); returns an arena copy or NULL. */
static char *
header_param(struct arena *a, const char *value, const char *name)
{
	size_t nlen = strlen(name);
	const char *p = value;
	while ((p = strpbrk(p, ";\"")) != NULL) {
		if (*p == '"') { /* skip a quoted string outside parameters */
			const char *end = strchr(p + 1, '"');
			if (end == NULL)
				return NULL;
			p = end + 1;
			continue;
		}
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		size_t klen = strcspn(p, "=;");
		int match = klen == nlen && strncasecmp(p, name, nlen) == 0 && p[nlen] == '=';
		p += klen;
		if (*p != '=')
			continue;
		p++;
		const char *v = p;
		size_t vlen;
		if (*p == '"') {
			const char *end = strchr(p + 1, '"');
			if (end == NULL)
				return NULL;
			v = p + 1;
			vlen = (size_t)(end - v);
			p = end + 1;
		} else {
			vlen = strcspn(p, "; \t");
			p += vlen;
		}
		if (match)
			return vlen ? arena_strndup(a, v, vlen) : NULL;
	}
	return NULL;
}

static const char *
memfind(const char *hay, size_t hlen, const char *needle, size_t nlen)
{
	if (nlen == 0 || hlen < nlen)
		return NULL;
	for (const char *p = hay; p + nlen <= hay + hlen; p++) {
		p = memchr(p, needle[0], (size_t)(hay + hlen - p));
		if (p == NULL || p + nlen > hay + hlen)
			return NULL;
		if (memcmp(p, needle, nlen) == 0)
			return p;
	}
	return NULL;
}

/* Parses the header block of one part (between the delimiter line and the blank line). */
static int
part_headers(struct arena *a, const char *h, size_t hlen, struct body_field *f, struct err *err)
{
	const char *end = h + hlen;
	while (h < end) {
		const char *eol = memfind(h, (size_t)(end - h), "\r\n", 2);
		if (eol == NULL)
			eol = end;
		char *line = arena_strndup(a, h, (size_t)(eol - h));
		char *colon = strchr(line, ':');
		if (colon == NULL)
			return err_set(err, ERR_INVALID, "A multipart part has a malformed header.",
				       "multipart header without colon");
		*colon = '\0';
		char *v = colon + 1;
		while (*v == ' ' || *v == '\t')
			v++;
		if (strcasecmp(line, "Content-Disposition") == 0) {
			if (strncasecmp(v, "form-data", 9) != 0)
				return err_set(err, ERR_INVALID,
					       "A multipart part is not form-data.",
					       "bad content-disposition");
			f->name = header_param(a, v, "name");
			f->filename = header_param(a, v, "filename");
		} else if (strcasecmp(line, "Content-Type") == 0) {
			f->content_type = arena_strdup(a, v);
		}
		h = eol + 2;
	}
	if (f->name == NULL)
		return err_set(err, ERR_INVALID, "A multipart part has no field name.",
			       "multipart part without name");
	return 0;
}

int
body_parse_multipart(struct arena *a, const char *content_type, const char *data, size_t len,
		     struct body *out, struct err *err)
{
	out->kind = BODY_FORM;
	const char *boundary = header_param(a, content_type, "boundary");
	if (boundary == NULL || strlen(boundary) > 200)
		return err_set(err, ERR_INVALID, "The multipart body has no valid boundary.",
			       "missing multipart boundary");
	char *delim = arena_printf(a, "--%s", boundary);
	size_t dlen = strlen(delim);
	const char *end = data + len;
	const char *p = memfind(data, len, delim, dlen);
	if (p == NULL)
		goto malformed;
	p += dlen;
	for (;;) {
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			return 0; /* closing delimiter */
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
			goto malformed;
		p += 2;
		const char *hend = memfind(p, (size_t)(end - p), "\r\n\r\n", 4);
		if (hend == NULL)
			goto malformed;
		struct body_field f = {0};
		if (part_headers(a, p, (size_t)(hend - p), &f, err) != 0)
			return -1;
		const char *content = hend + 4;
		char *next_delim = arena_printf(a, "\r\n%s", delim);
		const char *next = memfind(content, (size_t)(end - content), next_delim, dlen + 2);
		if (next == NULL)
			goto malformed;
		f.len = (size_t)(next - content);
		f.value = arena_strndup(a, content, f.len);
		if (add_field(a, out, f, err) != 0)
			return -1;
		p = next + 2 + dlen;
	}
malformed:
	return err_set(err, ERR_INVALID, "The multipart body is malformed.",
		       "multipart framing error");
}

static void
json_release(void *p)
{
	json_decref(p);
}

int
body_parse_json(struct arena *a, const char *data, size_t len, struct body *out,
		struct err *err)
{
	json_error_t jerr;
	json_t *doc = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
	if (doc == NULL) {
		char msg[256];
		snprintf(msg, sizeof msg, "The JSON body is invalid at line %d, column %d: %s",
			 jerr.line, jerr.column, jerr.text);
		return err_set(err, ERR_INVALID, msg, "bad json body");
	}
	arena_defer(a, json_release, doc);
	out->kind = BODY_JSON;
	out->json = doc;
	return 0;
}

/* Compares the media type of a Content-Type value (before any ';'), case-insensitively. */
static int
media_type_is(const char *content_type, const char *type)
{
	size_t n = strlen(type);
	if (strncasecmp(content_type, type, n) != 0)
		return 0;
	char c = content_type[n];
	return c == '\0' || c == ';' || c == ' ' || c == '\t';
}

int
body_parse(struct arena *a, const char *content_type, const char *data, size_t len,
	   struct body *out, struct err *err)
{
	memset(out, 0, sizeof *out);
	out->raw = data;
	out->raw_len = len;
	if (content_type == NULL || *content_type == '\0') {
		if (len == 0)
			return 0;
		return err_set(err, ERR_UNPROCESSABLE, "The request body has no Content-Type.",
			       "body without content type");
	}
	if (media_type_is(content_type, "application/x-www-form-urlencoded"))
		return body_parse_urlencoded(a, data, len, out, err);
	if (media_type_is(content_type, "multipart/form-data"))
		return body_parse_multipart(a, content_type, data, len, out, err);
	if (media_type_is(content_type, "application/json") ||
	    media_type_is(content_type, "application/activity+json") ||
	    media_type_is(content_type, "application/ld+json"))
		return body_parse_json(a, data, len, out, err);
	if (len == 0)
		return 0; /* a type we don't parse, with nothing to parse */
	return err_set(err, ERR_UNPROCESSABLE, "This content type is not supported here.",
		       "unsupported content type");
}

const struct body_field *
body_field(const struct body *b, const char *name)
{
	for (size_t i = 0; i < b->nfields; i++)
		if (strcmp(b->fields[i].name, name) == 0)
			return &b->fields[i];
	return NULL;
}

const char *
body_value(const struct body *b, const char *name)
{
	const struct body_field *f = body_field(b, name);
	return f ? f->value : NULL;
}
