/* invite.h - invite codes: how members join in the default invite-only mode, and how the
 * first admin is made. A code is shown once; only its SHA-256 is stored. */
#ifndef PARASOL_INVITE_H
#define PARASOL_INVITE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/account.h"
#include "db/invites.h" /* struct invite_row */

struct arena;
struct err;

struct invite_opts {
	int64_t created_by; /* account id, 0 for the command line */
	enum role role;	    /* the role the new account gets */
	int max_uses;	    /* 0: unlimited */
	int expires_days;   /* 0: never */
};

/* Creates an invite and returns its code (43 URL-safe characters, 256 random bits), owned
 * by the arena; NULL + err. */
char *invite_create(struct arena *a, const struct invite_opts *opts, struct err *err);

/* How long an admin invite made without --days lasts: the first-admin link ./dev run
 * prints is dead after a day. */
#define INVITE_ADMIN_DAYS 1

/* How many characters of a code are kept to name the invite on the admin pages. */
#define INVITE_PREFIX_CHARS 6

enum invite_state { INVITE_UNKNOWN, INVITE_UNUSABLE, INVITE_USABLE };

/* Whether code can be used to sign up, without using it; *role (may be NULL) gets the role
 * it grants when usable. 0 (with *state) or -1 + err. */
int invite_check(struct arena *a, const char *code, enum invite_state *state, enum role *role,
		 struct err *err);

/* The sign-up URL for a code under base_url, owned by the arena. */
char *invite_url(struct arena *a, const char *base_url, const char *code);

/* Lists invites for the admin pages, newest first, below max_id (0: from the newest), at
 * most limit: never their codes. *more tells whether older ones follow. The count, or -1 +
 * err; *out is arena-owned. */
int invite_list(struct arena *a, int64_t max_id, int limit, struct invite_row **out,
		bool *more, struct err *err);

/* Revokes invite id: its link stops working at once (revoking twice is fine).
 * ERR_NOT_FOUND when there is no such invite. */
int invite_revoke(struct arena *a, int64_t id, struct err *err);

#endif
