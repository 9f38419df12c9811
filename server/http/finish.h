/* finish.h - the last steps of a response before http/server.c queues it: the default
 * Cache-Control, Vary, the ETag, gzip, and 304 Not Modified. */
#ifndef PARASOL_FINISH_H
#define PARASOL_FINISH_H

#include <stdbool.h>

struct req;

/* Completes req->resp as the handler left it:
 * - Cache-Control, unless the handler set one: no-store for a signed-in member's pages,
 *   no-cache (store, but ask again each time) for everything else;
 * - for a compressible type (compress_type_ok) with a body: Vary: Accept-Encoding, and
 *   when Accept-Encoding allows gzip and the body has COMPRESS_MIN_BYTES or more, the body
 *   is replaced by its gzip variant (resp.gz_body when the handler made one, else
 *   compressed now at gzip_level into memory the arena owns) with Content-Encoding: gzip;
 * - for a 200 answer to GET or HEAD, a strong ETag: the handler's, else a hash of the
 *   body before compression; the gzip variant's tag has "-gz" inside the quotes.
 * A 204, a 304 and 1xx never get a body, Vary or compression. */
void finish_response(struct req *req, int gzip_level);

/* Whether the request's If-None-Match matches the finished response's ETag and a 304 may
 * answer instead: a 200 to GET or HEAD that sets no cookie (a 304 must not lose one). */
bool finish_not_modified(struct req *req);

/* Turns the finished response into a 304 without a body; the headers stay (ETag, Vary,
 * Cache-Control, Content-Language, ...) except Content-Type and Content-Encoding, which
 * describe a body no longer there. */
void finish_make_304(struct req *req);

#endif
