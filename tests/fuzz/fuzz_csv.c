/* fuzz_csv.c - the CSV reader (util/csv.c) that members' import files meet first: whatever
 * the bytes, it never reads past them; a refusal leaves nothing behind; an accepted table
 * has at least one row, rows within the limits, fields of UTF-8 without NUL or control
 * characters (tab, CR and LF aside), lines in order; and written back with RFC 4180 quoting
 * it reads back the same. */
#include "fuzz.h"

#include "util/arena.h"
#include "util/csv.h"
#include "util/strbuf.h"
#include "util/utf8.h"

static const struct csv_limits LIM = {
    .max_bytes = 1 << 16, .max_rows = 64, .max_fields = 6, .max_field_bytes = 256};

/* The table written as CSV: every field quoted, quotes doubled, rows ended by CRLF. */
static void
write_back(struct strbuf *sb, const struct csv_table *t)
{
	for (size_t i = 0; i < t->nrows; i++) {
		for (size_t j = 0; j < t->rows[i].nfields; j++) {
			if (j > 0)
				strbuf_putc(sb, ',');
			strbuf_putc(sb, '"');
			for (const char *p = t->rows[i].fields[j]; *p; p++) {
				if (*p == '"')
					strbuf_putc(sb, '"');
				strbuf_putc(sb, *p);
			}
			strbuf_putc(sb, '"');
		}
		strbuf_puts(sb, "\r\n");
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a copy of exactly size bytes, so that ASan sees any read past the end */
	char *copy = malloc(size ? size : 1);
	if (size)
		memcpy(copy, data, size);
	struct arena *a = arena_new();
	struct csv_table t;
	size_t line = 0;
	enum csv_error e = csv_parse(a, copy, size, &LIM, &t, &line);
	if (e != CSV_OK) {
		FUZZ_ASSERT(e > CSV_OK && e < CSV__MAX, "an unknown error %d", (int)e);
		FUZZ_ASSERT(t.nrows == 0 && t.rows == NULL, "a refusal with rows");
		goto done;
	}
	FUZZ_ASSERT(t.nrows > 0 && t.nrows <= LIM.max_rows, "%zu rows", t.nrows);
	size_t last = 0;
	for (size_t i = 0; i < t.nrows; i++) {
		const struct csv_row *r = &t.rows[i];
		FUZZ_ASSERT(r->nfields > 0 && r->nfields <= LIM.max_fields, "%zu fields", r->nfields);
		FUZZ_ASSERT(r->line > last, "row %zu on line %zu after line %zu", i, r->line, last);
		last = r->line;
		for (size_t j = 0; j < r->nfields; j++) {
			size_t n = strlen(r->fields[j]);
			FUZZ_ASSERT(n <= LIM.max_field_bytes, "a field of %zu bytes", n);
			FUZZ_ASSERT(utf8_valid(r->fields[j], n), "a field that is not UTF-8");
			for (size_t k = 0; k < n; k++) {
				unsigned char c = (unsigned char)r->fields[j][k];
				FUZZ_ASSERT(c >= 0x20 || c == '\t' || c == '\r' || c == '\n',
					    "a control character 0x%02x", c);
			}
		}
	}
	struct strbuf sb;
	strbuf_init(&sb, a);
	write_back(&sb, &t);
	struct csv_limits wide = LIM;
	wide.max_bytes = sb.len; /* quoting makes it longer */
	struct csv_table again;
	e = csv_parse(a, sb.data, sb.len, &wide, &again, NULL);
	FUZZ_ASSERT(e == CSV_OK, "the table written back is refused: %s", csv_error_name(e));
	FUZZ_ASSERT(again.nrows == t.nrows, "%zu rows read back, %zu written", again.nrows,
		    t.nrows);
	for (size_t i = 0; i < t.nrows; i++) {
		FUZZ_ASSERT(again.rows[i].nfields == t.rows[i].nfields, "row %zu's width changed", i);
		for (size_t j = 0; j < t.rows[i].nfields; j++)
			FUZZ_ASSERT(strcmp(again.rows[i].fields[j], t.rows[i].fields[j]) == 0,
				    "row %zu field %zu changed", i, j);
	}
done:
	arena_free(a);
	free(copy);
	return 0;
}
