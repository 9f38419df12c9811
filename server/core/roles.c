/* roles.c - granting and removing the moderator role and the support-worker mark: the checks,
 * and the transaction that changes the account and logs it together. */
#include "core/roles.h"

#include <string.h>

#include "core/account.h"
#include "db/db.h"
#include "db/moderation.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/utf8.h"

static int
check_admin(const struct account *admin, struct err *err)
{
	if (admin == NULL || admin->role != ROLE_ADMIN)
		return err_set(err, ERR_FORBIDDEN, "Only admins can change roles.",
			       "roles: not an admin");
	return 0;
}

int
roles_check_reason(struct arena *a, const char **reason, struct err *err)
{
	const char *r = *reason ? *reason : "";
	if (!utf8_valid(r, strlen(r)))
		return err_set(err, ERR_UNPROCESSABLE, "The text is not valid UTF-8.",
			       "roles: bad utf-8 in the reason");
	r = arena_strtrim(a, r);
	size_t n = utf8_chars(r);
	if (n == 0)
		return err_set(err, ERR_UNPROCESSABLE, "Give a reason for the change.",
			       "roles: no reason");
	if (n > ROLE_REASON_MAX)
		return err_set(err, ERR_UNPROCESSABLE, "A reason can have at most 1000 characters.",
			       "roles: reason of %zu characters", n);
	*reason = r;
	return 0;
}

/* The account handle names, for a grant: NULL + err when there is none, or it can't be a
 * moderator whatever its role. */
static struct account *
find(struct arena *a, const char *handle, struct err *err)
{
	handle = arena_strtrim(a, handle);
	if (*handle == '@')
		handle++;
	if (*handle == '\0') {
		err_set(err, ERR_UNPROCESSABLE, "Enter the username of the member.",
			"roles: no username");
		return NULL;
	}
	struct account *acct = NULL;
	if (utf8_valid(handle, strlen(handle)))
		acct = account_by_handle(a, handle, err);
	else
		err_set(err, ERR_NOT_FOUND, NULL, "roles: bad utf-8 in the name");
	if (acct == NULL) {
		if (err->code == ERR_NOT_FOUND) /* one message, whatever the lookup said */
			err_set(err, ERR_NOT_FOUND, "No account has that name.",
				"roles: no such account");
		return NULL;
	}
	return acct;
}

/* Gives t (locked) role, logs it as kind and commits. 0 or -1 + err. */
static int
change(struct arena *a, const struct account *admin, const struct role_target *t, enum role role,
       const char *kind, const char *reason, int64_t *id, struct err *err)
{
	struct mod_action_new row = {
		.kind = kind, .moderator_id = admin->id, .target_id = t->id, .reason = reason};
	if (db_role_set(a, t->id, role, err) != 0 || db_mod_action_insert(a, &row, id, err) != 0)
		return -1;
	return db_commit(err);
}

/* For a grant: checks admin and reason, finds handle's account and locks it in a new
 * transaction; refuses one gone, remote (remote_msg, an English msgid) or still waiting for
 * approval. 0 with *t, inside the transaction; or -1 + err, none open. */
static int
grant_target(struct arena *a, const struct account *admin, const char *handle,
	     const char **reason, const char *remote_msg, struct role_target *t, struct err *err)
{
	if (check_admin(admin, err) != 0 || roles_check_reason(a, reason, err) != 0)
		return -1;
	struct account *acct = find(a, handle ? handle : "", err);
	if (acct == NULL || db_begin(err) != 0)
		return -1;
	int found = db_role_target_lock(a, acct->id, t, err);
	if (found == 0)
		err_set(err, ERR_NOT_FOUND, "No account has that name.", "roles: account gone");
	else if (found > 0 && t->remote)
		err_set(err, ERR_UNPROCESSABLE, remote_msg, "roles: %lld is remote", (long long)t->id);
	else if (found > 0 && !t->approved)
		err_set(err, ERR_UNPROCESSABLE, "That account is still waiting for approval.",
			"roles: %lld is pending", (long long)t->id);
	else if (found > 0)
		return 0;
	db_rollback();
	return -1;
}

/* For a revoke: checks admin and reason and locks account target_id in a new transaction.
 * 0 with *t, inside the transaction; or -1 + err (ERR_NOT_FOUND: no such account), none
 * open. */
static int
revoke_target(struct arena *a, const struct account *admin, int64_t target_id,
	      const char **reason, struct role_target *t, struct err *err)
{
	if (check_admin(admin, err) != 0 || roles_check_reason(a, reason, err) != 0 ||
	    db_begin(err) != 0)
		return -1;
	int found = db_role_target_lock(a, target_id, t, err);
	if (found > 0)
		return 0;
	if (found == 0)
		err_set(err, ERR_NOT_FOUND, "There is no such account.", "roles: no account %lld",
			(long long)target_id);
	db_rollback();
	return -1;
}

int
roles_grant_moderator(struct arena *a, const struct account *admin, const char *handle,
		      const char *reason, int64_t *id, struct err *err)
{
	struct role_target t;
	if (grant_target(a, admin, handle, &reason,
			 N_("Only members of this server can be moderators."), &t, err) != 0)
		return -1;
	if (t.role == ROLE_MODERATOR)
		err_set(err, ERR_CONFLICT, "That account is a moderator already.",
			"roles: %lld is a moderator", (long long)t.id);
	else if (t.role == ROLE_ADMIN)
		err_set(err, ERR_CONFLICT, "That account is an admin already.",
			"roles: %lld is an admin", (long long)t.id);
	else if (t.suspended)
		err_set(err, ERR_UNPROCESSABLE, "A suspended account can't be made a moderator.",
			"roles: %lld is suspended", (long long)t.id);
	else if (change(a, admin, &t, ROLE_MODERATOR, "grant_moderator", reason, id, err) == 0)
		return 0;
	db_rollback();
	return -1;
}

int
roles_revoke_moderator(struct arena *a, const struct account *admin, int64_t target_id,
		       const char *reason, int64_t *id, struct err *err)
{
	struct role_target t;
	if (revoke_target(a, admin, target_id, &reason, &t, err) != 0)
		return -1;
	if (t.role == ROLE_ADMIN)
		err_set(err, ERR_UNPROCESSABLE, "An admin can't be demoted on this page.",
			"roles: %lld is an admin", (long long)t.id);
	else if (t.role != ROLE_MODERATOR)
		err_set(err, ERR_CONFLICT, "That account is not a moderator.",
			"roles: %lld is not a moderator", (long long)t.id);
	else if (change(a, admin, &t, ROLE_MEMBER, "revoke_moderator", reason, id, err) == 0)
		return 0;
	db_rollback();
	return -1;
}

/* The mod_actions row of a support-worker mark change of t, and the commit. */
static int
log_mark(struct arena *a, const struct account *admin, const struct role_target *t,
	 const char *kind, const char *reason, int64_t *id, struct err *err)
{
	struct mod_action_new row = {
		.kind = kind, .moderator_id = admin->id, .target_id = t->id, .reason = reason};
	if (db_mod_action_insert(a, &row, id, err) != 0)
		return -1;
	return db_commit(err);
}

int
roles_grant_support_worker(struct arena *a, const struct account *admin, const char *handle,
			   const char *reason, int64_t *id, struct err *err)
{
	struct role_target t;
	if (grant_target(a, admin, handle, &reason,
			 N_("Only members of this server can be support workers."), &t, err) != 0)
		return -1;
	int set = 0;
	if (t.suspended)
		err_set(err, ERR_UNPROCESSABLE, "A suspended account can't be made a support worker.",
			"roles: %lld is suspended", (long long)t.id);
	else if ((set = db_support_worker_set(a, t.id, true, err)) == 0)
		err_set(err, ERR_CONFLICT, "That account is a support worker already.",
			"roles: %lld is a support worker", (long long)t.id);
	else if (set > 0 && log_mark(a, admin, &t, "grant_support_worker", reason, id, err) == 0)
		return 0;
	db_rollback();
	return -1;
}

int
roles_revoke_support_worker(struct arena *a, const struct account *admin, int64_t target_id,
			    const char *reason, int64_t *id, struct err *err)
{
	struct role_target t;
	if (revoke_target(a, admin, target_id, &reason, &t, err) != 0)
		return -1;
	int set = db_support_worker_set(a, t.id, false, err);
	if (set == 0)
		err_set(err, ERR_CONFLICT, "That account is not a support worker.",
			"roles: %lld is not a support worker", (long long)t.id);
	else if (set > 0 && log_mark(a, admin, &t, "revoke_support_worker", reason, id, err) == 0)
		return 0;
	db_rollback();
	return -1;
}

int
roles_is_support_worker(struct arena *a, const struct account *acct, struct err *err)
{
	return acct == NULL ? 0 : db_support_worker_is(a, acct->id, err);
}

int
roles_support_workers(struct arena *a, struct roles_staff_page *p, struct err *err)
{
	int n = db_support_workers(a, ROLES_STAFF_PAGE + 1, &p->items, err);
	if (n < 0)
		return -1;
	p->has_more = n > ROLES_STAFF_PAGE;
	p->n = p->has_more ? ROLES_STAFF_PAGE : n;
	return 0;
}

int
roles_staff(struct arena *a, const char *after, struct roles_staff_page *p, struct err *err)
{
	int n = db_roles_staff(a, after, ROLES_STAFF_PAGE + 1, &p->items, err);
	if (n < 0)
		return -1;
	p->has_more = n > ROLES_STAFF_PAGE;
	p->n = p->has_more ? ROLES_STAFF_PAGE : n;
	return 0;
}

int
roles_changes(struct arena *a, int64_t max_id, struct roles_changes_page *p, struct err *err)
{
	int n = db_role_changes(a, max_id, ROLES_CHANGES_PAGE + 1, &p->items, err);
	if (n < 0)
		return -1;
	p->has_older = n > ROLES_CHANGES_PAGE;
	p->n = p->has_older ? ROLES_CHANGES_PAGE : n;
	return 0;
}
