/* etag.h - entity tags for responses and If-None-Match (RFC 9110 sections 8.8.3, 13.1.2). */
#ifndef PARASOL_ETAG_H
#define PARASOL_ETAG_H

#include <stdbool.h>
#include <stddef.h>

/* Room for the tags etag_of and etag_variant write, with the NUL. */
#define ETAG_MAX 48

/* Writes a strong tag for a body into out[ETAG_MAX]: "\"" + 16 hex digits of two fast
 * checksums (CRC-32 and Adler-32 of the bytes) + "\"". Pure. */
void etag_of(const void *body, size_t len, char out[ETAG_MAX]);

/* Writes tag with suffix inside its quotes ("\"abc\"" + "-gz" -> "\"abc-gz\"") into
 * out[ETAG_MAX], so that another encoding of the same body has a tag of its own. Returns -1
 * (out untouched) when tag isn't a quoted tag or the result doesn't fit. */
int etag_variant(const char *tag, const char *suffix, char out[ETAG_MAX]);

/* Whether an If-None-Match header matches tag, a current representation's entity tag: "*",
 * or any listed tag equal to it by the weak comparison (a "W/" prefix on either side is
 * ignored). Malformed list elements are skipped; NULL matches nothing. Pure. */
bool etag_none_match(const char *if_none_match, const char *tag);

#endif
