/* verify.h - who signed an incoming request. Checks, in order: an RFC 9421 signature is
 * refused with 401 (Fedify then retries with draft-cavage); the Signature header parses and
 * passes the key-free checks (signed headers, Digest, Date within HTTPSIG_CLOCK_SKEW of now);
 * the signed Host is this server's (base_url's host and port, so a request signed for
 * another server is refused 401 here); the signer's
 * domain is an allowed peer — otherwise the attempt is counted (domain only) and the request
 * refused 403 before anything is fetched or stored (an RFC 9421 signature too, by the domain
 * of its keyid); the key (stored, else fetched) verifies the signature, and when a stored key
 * fails the actor is fetched once more (key rotation). Keys are fetched by the threads of
 * ap/keyfetch.h, never on the request's thread: a request waits for them only briefly and is
 * otherwise answered 401 at once (the peer retries). */
#ifndef PARASOL_AP_VERIFY_H
#define PARASOL_AP_VERIFY_H

#include <stddef.h>

#include "db/model.h"

struct req;

/* The remote account that signed req, or NULL with req->err: ERR_UNAUTHORIZED (401: no,
 * malformed or failing signature, or its key not fetched yet), ERR_FORBIDDEN (403: not an allowed peer), ERR_UNAVAILABLE
 * (the key could not be fetched). body is the request body for POSTs (NULL for GETs). */
struct account *ap_verify_request(struct req *req, const char *body, size_t body_len);

/* Starts / stops the key-fetching threads (ap/keyfetch.h) for `serve`: start before the HTTP
 * server, stop after it. 0, or -1 when the threads can't start. */
int ap_verify_start(void);
void ap_verify_stop(void);

#endif
