/* streaming.h - the client API's server-sent event streams (api/streaming.c). */
#ifndef PARASOL_API_STREAMING_H
#define PARASOL_API_STREAMING_H

struct app;
struct err;

/* (api_streaming_routes, the routes, is declared with the other groups in api/api.h.) */

/* Starts the events' feed (core/stream.h) with app's caps and heartbeat; until then every
 * stream is refused 503. app must outlive api_streaming_stop. 0, or -1 + err. */
int api_streaming_start(const struct app *app, struct err *err);

/* Stops the feed and frees every stream's state (their connections end with the server:
 * http_server_stop). Call after http_server_stop. */
void api_streaming_stop(void);

#endif
