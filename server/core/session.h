/* session.h - signed-in sessions. The cookie holds a random 256-bit token; the database holds
 * only its SHA-256, the account and the expiry: no address, no user agent, no history. */
#ifndef PARASOL_SESSION_H
#define PARASOL_SESSION_H

#include <stdint.h>

#include "db/model.h"

struct arena;
struct err;

#define SESSION_DAYS 14
#define SESSION_COOKIE "parasol_session"

/* Starts a session for account_id; returns the token for the cookie (arena), NULL + err. */
char *session_create(struct arena *a, int64_t account_id, struct err *err);

/* The approved account a token signs in, or NULL: ERR_NOT_FOUND for no, unknown or expired
 * tokens, ERR_UNAVAILABLE when the database is down. */
struct account *session_account(struct arena *a, const char *token, struct err *err);

/* Ends the session of token (signing out); unknown tokens are not an error. */
int session_end(struct arena *a, const char *token, struct err *err);

/* Ends every session of an account ("sign out everywhere", password recovery). */
int session_end_all(struct arena *a, int64_t account_id, struct err *err);

#endif
