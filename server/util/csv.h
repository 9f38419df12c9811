/* csv.h - a strict reader of CSV text (RFC 4180), for files members upload (core/import.h).
 *
 * Fields are separated by ',' and records by CRLF or LF; a field may be quoted with '"'
 * (then it may hold ',', line breaks and '""' for a quote). The text must be UTF-8 (a leading
 * byte-order mark is skipped) with no NUL and no control character but tab, CR and LF: a
 * picture or other binary file renamed .csv is refused as such. Refused too: a quote inside
 * an unquoted field, text after a closing quote, a quote never closed, a CR without LF, and
 * anything past the limits. Empty lines are skipped. Nothing here knows what the columns
 * mean; the caller checks the header and the values. */
#ifndef PARASOL_UTIL_CSV_H
#define PARASOL_UTIL_CSV_H

#include <stddef.h>

struct arena;

/* Why a text was refused (csv_parse); CSV__MAX is the count. */
enum csv_error {
	CSV_OK,
	CSV_EMPTY,	     /* no record at all (nothing, a BOM, only empty lines) */
	CSV_TOO_BIG,	     /* more than max_bytes */
	CSV_NUL,	     /* a NUL byte */
	CSV_NOT_UTF8,	     /* bytes that are not UTF-8 */
	CSV_BINARY,	     /* a control character other than tab, CR and LF */
	CSV_TOO_MANY_ROWS,   /* more than max_rows records */
	CSV_TOO_MANY_FIELDS, /* a record with more than max_fields fields */
	CSV_FIELD_TOO_LONG,  /* a field of more than max_field_bytes bytes */
	CSV_STRAY_QUOTE,     /* a '"' inside a field that does not start with one */
	CSV_AFTER_QUOTE,     /* a closed quoted field followed by something else than , or EOL */
	CSV_OPEN_QUOTE,	     /* a quoted field still open at the end of the text */
	CSV_BARE_CR,	     /* a CR not followed by LF outside quotes */
	CSV__MAX
};

struct csv_limits {
	size_t max_bytes;	/* the text's size, BOM included */
	size_t max_rows;	/* records, a header included */
	size_t max_fields;	/* fields in one record */
	size_t max_field_bytes; /* bytes in one field, after unquoting */
};

/* One record: its fields, unquoted and NUL-terminated, and the line it starts on (1-based,
 * counting every line break, those inside quoted fields too). */
struct csv_row {
	char **fields;
	size_t nfields;
	size_t line;
};

struct csv_table {
	struct csv_row *rows; /* arena-owned */
	size_t nrows;
};

/* Reads data[0..len) into out (everything in arena a). Returns CSV_OK, or the first problem
 * found with *line (unless NULL) set to the line it was found on (0 for a problem of the
 * whole text: CSV_TOO_BIG, CSV_EMPTY); out is then empty. The size is checked before
 * anything else, then the encoding of the whole text, then the records in order. */
enum csv_error csv_parse(struct arena *a, const char *data, size_t len,
			 const struct csv_limits *lim, struct csv_table *out, size_t *line);

/* A short English name of e for logs ("stray quote"), never NULL. */
const char *csv_error_name(enum csv_error e);

#endif
