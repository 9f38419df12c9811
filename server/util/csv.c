/* csv.c - see csv.h. */
#include "util/csv.h"

#include <stdbool.h>
#include <string.h>

#include "util/arena.h"
#include "util/utf8.h"

static const char *const names[CSV__MAX] = {
    [CSV_OK] = "ok",
    [CSV_EMPTY] = "empty",
    [CSV_TOO_BIG] = "too big",
    [CSV_NUL] = "NUL byte",
    [CSV_NOT_UTF8] = "not UTF-8",
    [CSV_BINARY] = "control character",
    [CSV_TOO_MANY_ROWS] = "too many rows",
    [CSV_TOO_MANY_FIELDS] = "too many fields",
    [CSV_FIELD_TOO_LONG] = "field too long",
    [CSV_STRAY_QUOTE] = "stray quote",
    [CSV_AFTER_QUOTE] = "text after a closing quote",
    [CSV_OPEN_QUOTE] = "quote never closed",
    [CSV_BARE_CR] = "CR without LF",
};

const char *
csv_error_name(enum csv_error e)
{
	return (unsigned)e < CSV__MAX ? names[e] : "?";
}

/* The line (1-based) of position at in text. */
static size_t
line_of(const char *text, const char *at)
{
	size_t line = 1;
	for (const char *p = text; p < at; p++)
		line += *p == '\n';
	return line;
}

/* Checks the encoding line by line (a LF never ends a UTF-8 sequence early), so that the
 * line of the first bad byte can be named. */
static enum csv_error
check_bytes(const char *p, const char *end, const char **bad)
{
	const char *nul = memchr(p, '\0', (size_t)(end - p));
	if (nul != NULL) {
		*bad = nul;
		return CSV_NUL;
	}
	for (const char *s = p; s < end;) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *e = nl ? nl : end;
		if (!utf8_valid(s, (size_t)(e - s))) {
			*bad = s;
			return CSV_NOT_UTF8;
		}
		s = nl ? nl + 1 : end;
	}
	for (const char *s = p; s < end; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f) {
			*bad = s;
			return CSV_BINARY;
		}
	}
	return CSV_OK;
}

/* A growing array in the arena: doubled by copying (the old block stays in the arena until
 * it is freed, at most as much again). */
static void *
grow(struct arena *a, void *old, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return old;
	size_t ncap = *cap ? *cap * 2 : 8;
	void *fresh = arena_alloc(a, ncap * size);
	if (old != NULL)
		memcpy(fresh, old, n * size);
	*cap = ncap;
	return fresh;
}

struct reader {
	struct arena *a;
	const struct csv_limits *lim;
	const char *p, *end;
	size_t line;
	size_t err_line;
};

/* Reads one field at r->p into *out. *eor is set when the record ends after it (a line
 * break or the end of the text). */
static enum csv_error
read_field(struct reader *r, char **out, bool *eor)
{
	const char *p = r->p, *end = r->end;
	char *buf;
	size_t n = 0;
	if (p < end && *p == '"') {
		size_t start_line = r->line;
		const char *close = ++p;
		/* the unquoted length is at most the span up to the end of the text */
		buf = arena_alloc(r->a, (size_t)(end - p) + 1);
		for (;;) {
			if (close >= end) {
				r->err_line = start_line;
				return CSV_OPEN_QUOTE;
			}
			if (*close == '"') {
				if (close + 1 < end && close[1] == '"') {
					buf[n++] = '"';
					close += 2;
					continue;
				}
				close++;
				break;
			}
			r->line += *close == '\n';
			buf[n++] = *close++;
		}
		p = close;
		if (p < end && *p != ',' && *p != '\n' && *p != '\r') {
			r->err_line = r->line;
			return CSV_AFTER_QUOTE;
		}
	} else {
		const char *s = p;
		while (p < end && *p != ',' && *p != '\n' && *p != '\r' && *p != '"')
			p++;
		if (p < end && *p == '"') {
			r->err_line = r->line;
			return CSV_STRAY_QUOTE;
		}
		n = (size_t)(p - s);
		buf = arena_alloc(r->a, n + 1);
		memcpy(buf, s, n);
	}
	buf[n] = '\0';
	if (n > r->lim->max_field_bytes) {
		r->err_line = r->line;
		return CSV_FIELD_TOO_LONG;
	}
	*eor = true;
	if (p >= end) {
		/* the last record without a line break */
	} else if (*p == ',') {
		*eor = false;
		p++;
	} else if (*p == '\n') {
		r->line++;
		p++;
	} else if (p + 1 < end && p[1] == '\n') { /* *p is '\r' */
		r->line++;
		p += 2;
	} else {
		r->err_line = r->line;
		return CSV_BARE_CR;
	}
	r->p = p;
	*out = buf;
	return CSV_OK;
}

enum csv_error
csv_parse(struct arena *a, const char *data, size_t len, const struct csv_limits *lim,
	  struct csv_table *out, size_t *line)
{
	out->rows = NULL;
	out->nrows = 0;
	size_t dummy;
	if (line == NULL)
		line = &dummy;
	*line = 0;
	if (len > lim->max_bytes)
		return CSV_TOO_BIG;
	const char *p = data, *end = data + len;
	if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	const char *bad = NULL;
	enum csv_error e = check_bytes(p, end, &bad);
	if (e != CSV_OK) {
		*line = line_of(p, bad);
		return e;
	}
	struct reader r = {.a = a, .lim = lim, .p = p, .end = end, .line = 1};
	struct csv_row *rows = NULL;
	size_t nrows = 0, cap = 0;
	while (r.p < end) {
		if (*r.p == '\n' || (*r.p == '\r' && r.p + 1 < end && r.p[1] == '\n')) {
			r.p += *r.p == '\r' ? 2 : 1; /* an empty line */
			r.line++;
			continue;
		}
		if (nrows == lim->max_rows) {
			*line = r.line;
			return CSV_TOO_MANY_ROWS;
		}
		struct csv_row row = {.line = r.line};
		size_t fcap = 0;
		bool eor = false;
		while (!eor) {
			if (row.nfields == lim->max_fields) {
				*line = row.line;
				return CSV_TOO_MANY_FIELDS;
			}
			row.fields = grow(a, row.fields, &fcap, row.nfields, sizeof *row.fields);
			e = read_field(&r, &row.fields[row.nfields], &eor);
			if (e != CSV_OK) {
				*line = r.err_line;
				return e;
			}
			row.nfields++;
		}
		rows = grow(a, rows, &cap, nrows, sizeof *rows);
		rows[nrows++] = row;
	}
	if (nrows == 0)
		return CSV_EMPTY;
	out->rows = rows;
	out->nrows = nrows;
	return CSV_OK;
}
