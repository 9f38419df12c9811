/* roles.h - SQL for roles: locking an account while its role changes, the change itself and
 * its mod_actions row, the list of admins and moderators, and the log of role changes. */
#ifndef PARASOL_DB_ROLES_H
#define PARASOL_DB_ROLES_H

#include <stdbool.h>
#include <stdint.h>

#include "db/model.h"

struct arena;
struct err;

/* An account as a role change needs it, read under a row lock. */
struct role_target {
	int64_t id;
	const char *username;
	bool remote; /* an account of another server */
	bool approved;
	bool suspended;
	enum role role;
};

/* Loads account id and locks its row until the transaction ends (call inside one).
 * 1 found, 0 no such account, or -1 + err. Strings are arena-owned. */
int db_role_target_lock(struct arena *a, int64_t id, struct role_target *out, struct err *err);

/* Sets account id's role. 0, or -1 + err. */
int db_role_set(struct arena *a, int64_t id, enum role role, struct err *err);

/* A member of staff: a local admin or moderator. */
struct staff_row {
	int64_t id;
	const char *username;
	const char *display_name; /* "" when unset */
	enum role role;
};

/* Local admins and moderators ordered by username (case-insensitively), after the one named
 * after (NULL: from the start), at most limit. *out is arena-owned. The count, or -1 + err. */
int db_roles_staff(struct arena *a, const char *after, int limit, struct staff_row **out,
		   struct err *err);

/* A logged role change. */
struct role_change_row {
	int64_t id;
	bool grant;	   /* grant_moderator or grant_support_worker, else a revoke */
	bool support;	   /* the support-worker mark (else the moderator role) */
	const char *admin; /* the acting admin's username; NULL once the account is gone */
	const char *target_acct;
	const char *reason;
	const char *created_at; /* ISO 8601, UTC */
};

/* Role changes (the moderator role and the support-worker mark) with ids below max_id (0: no bound), newest first, at most limit. *out is
 * arena-owned. The count, or -1 + err. */
int db_role_changes(struct arena *a, int64_t max_id, int limit, struct role_change_row **out,
		    struct err *err);

/* Marks (on) or unmarks account id as a support worker (may file alerts for members).
 * 1 it changed, 0 it was so already, or -1 + err. */
int db_support_worker_set(struct arena *a, int64_t id, bool on, struct err *err);

/* 1 when account id is marked as a support worker, 0 not, or -1 + err. */
int db_support_worker_is(struct arena *a, int64_t id, struct err *err);

/* The support workers (role is theirs) ordered by username, at most limit. *out is
 * arena-owned. The count, or -1 + err. */
int db_support_workers(struct arena *a, int limit, struct staff_row **out, struct err *err);

#endif
