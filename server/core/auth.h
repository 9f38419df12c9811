/* auth.h - signing in with a username and password, and recovering an account with a
 * recovery code. Rate limiting is the caller's (http/ratelimit.h keeps it in memory). */
#ifndef PARASOL_AUTH_H
#define PARASOL_AUTH_H

#include <stdbool.h>
#include <stdint.h>

#include "db/model.h"

struct arena;
struct err;

/* Checks the credentials. On success returns the account; otherwise NULL with
 * ERR_UNAUTHORIZED (one message for a wrong username or password, so names can't be probed)
 * or ERR_FORBIDDEN when the account still waits for approval. */
struct account *auth_login(struct arena *a, const char *username, const char *password,
			   struct err *err);

/* Changes member_id's password after checking the current one (ERR_FORBIDDEN when it is
 * wrong, ERR_UNPROCESSABLE when the new one is too short or long), ends every session of the
 * account and starts a new one for this browser (user_agent, persistent: as session_create),
 * all in one transaction: on any failure the password and every session stay as they were.
 * Returns the new session's token (arena), NULL + err. */
char *auth_change_password(struct arena *a, int64_t member_id, const char *current,
			   const char *new_password, const char *user_agent, bool persistent,
			   struct err *err);

/* Sets a new password with an unused recovery code (used up by this), and signs the account
 * out everywhere. ERR_UNAUTHORIZED for a wrong name or code. */
int auth_recover(struct arena *a, const char *username, const char *code,
		 const char *new_password, struct err *err);

#endif
