/* roles.h - admins make members moderators and take the role back, with a reason, and mark
 * members as support workers (who may file bad-date alerts for members who agreed, issue 14)
 * and take the mark back. Each change updates the account and writes its mod_actions row
 * (grant_moderator, revoke_moderator, grant_support_worker, revoke_support_worker) in one
 * transaction, and takes effect on the member's next request.
 * Admins themselves are made only with the command line or an admin invite. */
#ifndef PARASOL_CORE_ROLES_H
#define PARASOL_CORE_ROLES_H

#include <stdbool.h>
#include <stdint.h>

#include "db/roles.h" /* struct staff_row, struct role_change_row */

struct account;
struct arena;
struct err;

#define ROLE_REASON_MAX 1000  /* characters (code points), as mod_actions.reason allows */
#define ROLES_STAFF_PAGE 50   /* admins and moderators a page */
#define ROLES_CHANGES_PAGE 20 /* role changes a page */

/* Checks a reason for a role change and trims it (*reason is replaced by the trimmed copy in
 * the arena; NULL reads as ""): ERR_UNPROCESSABLE when it is empty, longer than
 * ROLE_REASON_MAX characters or not UTF-8. The grant and revoke below check it too; the web
 * page calls it first to tell which field was wrong. 0 or -1 + err. */
int roles_check_reason(struct arena *a, const char **reason, struct err *err);

/* admin makes the member named handle ("name", "@name"; "name@domain" is a remote account)
 * a moderator, giving reason (trimmed; 1..ROLE_REASON_MAX characters). Errors, with nothing
 * changed: ERR_FORBIDDEN when admin is not an admin; ERR_UNPROCESSABLE for an empty or long
 * reason, an empty name, a remote, pending or suspended account; ERR_NOT_FOUND when no
 * account has the name; ERR_CONFLICT when it is a moderator or an admin already. *id gets
 * the mod_actions row's id (may be NULL). 0 or -1 + err. */
int roles_grant_moderator(struct arena *a, const struct account *admin, const char *handle,
			  const char *reason, int64_t *id, struct err *err);

/* admin takes the moderator role of account target_id back (it becomes a member), giving
 * reason (checked as above). Errors, with nothing changed: ERR_FORBIDDEN when admin is not
 * an admin; ERR_UNPROCESSABLE for the reason, or when target is an admin (admins are not
 * demoted here); ERR_NOT_FOUND when there is no such account; ERR_CONFLICT when it is not a
 * moderator. *id as above. 0 or -1 + err. */
int roles_revoke_moderator(struct arena *a, const struct account *admin, int64_t target_id,
			   const char *reason, int64_t *id, struct err *err);

/* admin marks the member named handle (as above) as a support worker, with reason. Errors,
 * with nothing changed: ERR_FORBIDDEN when admin is not an admin; ERR_UNPROCESSABLE for the
 * reason, an empty name, a remote, pending or suspended account; ERR_NOT_FOUND when no
 * account has the name; ERR_CONFLICT when it is marked already. *id as above. 0 or -1 + err. */
int roles_grant_support_worker(struct arena *a, const struct account *admin, const char *handle,
			       const char *reason, int64_t *id, struct err *err);

/* admin takes the support-worker mark of account target_id back, with reason. Errors, with
 * nothing changed: ERR_FORBIDDEN, ERR_UNPROCESSABLE for the reason, ERR_NOT_FOUND when there
 * is no such account, ERR_CONFLICT when it is not marked. *id as above. 0 or -1 + err. */
int roles_revoke_support_worker(struct arena *a, const struct account *admin, int64_t target_id,
				const char *reason, int64_t *id, struct err *err);

/* Whether acct (NULL: nobody) is marked as a support worker: 1, 0, or -1 + err. */
int roles_is_support_worker(struct arena *a, const struct account *acct, struct err *err);

/* A page of the local admins and moderators, by username. */
struct roles_staff_page {
	struct staff_row *items;
	int n;
	bool has_more; /* more after items[n - 1] */
};

/* Admins and moderators after the username after (NULL: the first ones), ROLES_STAFF_PAGE
 * at most. Arena-owned. 0 or -1 + err. */
int roles_staff(struct arena *a, const char *after, struct roles_staff_page *p, struct err *err);

/* The support workers by username, ROLES_STAFF_PAGE at most (has_more: there are more).
 * Arena-owned. 0 or -1 + err. */
int roles_support_workers(struct arena *a, struct roles_staff_page *p, struct err *err);

/* A page of role changes, newest first. */
struct roles_changes_page {
	struct role_change_row *items;
	int n;
	bool has_older; /* older changes after items[n - 1] */
};

/* Role changes older than max_id (0: the newest), ROLES_CHANGES_PAGE at most. Arena-owned.
 * 0 or -1 + err. */
int roles_changes(struct arena *a, int64_t max_id, struct roles_changes_page *p, struct err *err);

#endif
