/* compress.h - gzip for responses (zlib): what the client accepts, which responses are worth
 * compressing, and the compression itself. */
#ifndef PARASOL_COMPRESS_H
#define PARASOL_COMPRESS_H

#include <stdbool.h>
#include <stddef.h>

/* Bodies shorter than this are sent as they are: the gzip header and the CPU cost outweigh
 * what a few hundred bytes would save. */
#define COMPRESS_MIN_BYTES 1024

/* Whether an Accept-Encoding header (RFC 9110 section 12.5.3) lets us send gzip: gzip (or
 * x-gzip) listed with a q-value above 0, or not listed and "*" above 0; and identity not
 * explicitly preferred with a higher q-value. NULL, an empty header, "gzip;q=0" and
 * malformed elements (skipped) say no. Pure and thread-safe. */
bool compress_accepts_gzip(const char *accept_encoding);

/* Whether a Content-Type names text worth compressing: any text/ type, and the JSON and XML types
 * (application/json, activity+json, ld+json, jrd+json, xrd+xml, xml, javascript, and any
 * +json or +xml suffix), image/svg+xml. Parameters are ignored; NULL says no. */
bool compress_type_ok(const char *content_type);

/* Compresses len bytes at in as one gzip member at level (1 fastest .. 9 smallest) into a
 * buffer from malloc that the caller frees; *out_len is its length. NULL when zlib fails or
 * the result would not be smaller than the input. Thread-safe: each thread keeps one zlib
 * stream, freed when the thread ends. */
unsigned char *compress_gzip(const void *in, size_t len, int level, size_t *out_len);

#endif
