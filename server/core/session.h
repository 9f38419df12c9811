/* session.h - signed-in sessions. The cookie holds a random 256-bit token; the database holds
 * only its SHA-256, the account, the expiry, when it began and a coarse label of the browser
 * ("Firefox, Android"): no address, no user agent, no history. */
#ifndef PARASOL_SESSION_H
#define PARASOL_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "db/model.h"

struct arena;
struct err;

#include "db/sessions.h"

#define SESSION_DAYS 14
/* A session the member asked not to keep on the device ends after this many idle hours. */
#define SESSION_IDLE_HOURS 2
/* The cookie's name on plain http (loopback development) and, with the __Host- prefix (only
 * ever sent over https, for this host, for every path), on a node served over https. */
#define SESSION_COOKIE "parasol_session"
#define SESSION_COOKIE_HTTPS "__Host-parasol_session"

/* Starts a session for account_id, labelled from user_agent (NULL: none; only the coarse
 * label of session_label is kept); persistent: kept SESSION_DAYS, else until
 * SESSION_IDLE_HOURS without use. replaces: the token of the session this browser held
 * before (NULL or unknown: none), whoever's it was; it ends in the same transaction, so a
 * browser that signs in again leaves no live session behind. Inside the caller's
 * transaction, if any. Returns the token for the cookie (arena), NULL + err (nothing
 * changed). */
char *session_create(struct arena *a, int64_t account_id, const char *user_agent,
		     bool persistent, const char *replaces, struct err *err);

/* The approved account a token signs in, or NULL: ERR_NOT_FOUND for no, unknown or expired
 * tokens, ERR_UNAVAILABLE when the database is down. *session (may be NULL) gets the
 * session's row. */
struct account *session_account(struct arena *a, const char *token, struct session_row *session,
				struct err *err);

/* The browser family and system of a User-Agent, e.g. "Firefox, Android" (static or arena
 * string): never a version or a device. "" when neither is recognised. */
const char *session_label(struct arena *a, const char *user_agent);

/* The account's live sessions, newest first (count, or -1 + err). */
int session_list(struct arena *a, int64_t account_id, struct session_row **out,
		 struct err *err);

/* Ends the account's session id; ERR_NOT_FOUND when it has no such session. */
int session_end_id(struct arena *a, int64_t account_id, int64_t id, struct err *err);

/* Ends the session of token (signing out); unknown tokens are not an error. */
int session_end(struct arena *a, const char *token, struct err *err);

/* Ends every session of an account ("sign out everywhere", password recovery), and every
 * token its apps hold (core/oauth.h), in one transaction. */
int session_end_all(struct arena *a, int64_t account_id, struct err *err);

/* Ends every session of an account but the one of token (the member's own, when they turn
 * two-factor on), and every token its apps hold. 0 or -1 + err. */
int session_end_others(struct arena *a, int64_t account_id, const char *token, struct err *err);

#endif
