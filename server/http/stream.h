/* stream.h - answers that go on: a response whose body is written later, piece by piece, by
 * any thread (server-sent events: the client API's streaming). No thread waits for a stream:
 * while its buffer is empty the connection is suspended (libmicrohttpd's
 * MHD_suspend_connection, from the response's reader), and a write resumes it. The body is
 * sent chunked; it ends when the owner closes the stream, when the client goes (noticed at
 * the next write: a suspended connection is not watched), or when the server stops
 * (http_server_stop closes every stream and waits, briefly, for their connections to end). */
#ifndef PARASOL_HTTP_STREAM_H
#define PARASOL_HTTP_STREAM_H

#include <stdbool.h>
#include <stddef.h>

struct req;
struct http_stream;

/* Bytes a stream may hold unsent; a client that reads slower than this is cut off. */
#define HTTP_STREAM_BUFFER_MAX (256 * 1024)

/* Makes req's answer a stream: status 200 with content_type (static) and the headers set so
 * far; no gzip, no ETag, never cached. Returns the stream with one reference for the
 * caller (http_stream_unref), or NULL when memory runs out (req is then unanswered). The
 * handler returns 0 at once; the body comes from http_stream_write. */
struct http_stream *req_stream(struct req *req, const char *content_type);

/* Appends len bytes to the body and wakes the connection. 0, or -1 when the stream is over
 * (closed, its client gone, the server stopping) or the client fell HTTP_STREAM_BUFFER_MAX
 * behind (the stream is then closed). Thread-safe. */
int http_stream_write(struct http_stream *s, const char *data, size_t len);

/* Whether the stream may still be written to. */
bool http_stream_open(struct http_stream *s);

/* Ends the body once what was written is sent. Thread-safe; idempotent. */
void http_stream_close(struct http_stream *s);

/* Drops the caller's reference. */
void http_stream_unref(struct http_stream *s);

/* For http/server.c: the libmicrohttpd response for req's stream (a new one the caller
 * destroys after queueing it), and the end of the server: every stream closed, waiting up
 * to wait_ms for their connections to finish. */
struct MHD_Response;
struct MHD_Response *http_stream_response(struct req *req);
void http_streams_close_all(int wait_ms);

#endif
