/* invite.c - making invite codes. Redeeming them belongs to registration (core/account). */
#include "invite.h"


#include "db/invites.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/token.h"

#define CODE_BYTES 32

char *
invite_create(struct arena *a, const struct invite_opts *opts, struct err *err)
{
	char *code = token_random(a, CODE_BYTES, err);
	if (code == NULL)
		return NULL;
	char *prefix = arena_printf(a, "%.*s", INVITE_PREFIX_CHARS, code);
	if (db_invite_insert(a, token_hash(a, code), prefix, opts->created_by,
			     role_name(opts->role), opts->max_uses, opts->expires_days, err) != 0)
		return NULL;
	return code;
}

int
invite_check(struct arena *a, const char *code, enum invite_state *state, enum role *role,
	     struct err *err)
{
	const char *granted = NULL;
	int n = db_invite_state(a, token_hash(a, code), &granted, err);
	if (n == -1)
		return -1;
	*state = n == 1 ? INVITE_USABLE : n == 0 ? INVITE_UNUSABLE : INVITE_UNKNOWN;
	if (role != NULL && (granted == NULL || role_parse(granted, role) != 0))
		*role = ROLE_MEMBER;
	return 0;
}

char *
invite_url(struct arena *a, const char *base_url, const char *code)
{
	return arena_printf(a, "%s/register?invite=%s", base_url, code);
}

int
invite_list(struct arena *a, int64_t max_id, int limit, struct invite_row **out, bool *more,
	    struct err *err)
{
	int n = db_invite_list(a, max_id, limit + 1, out, err);
	if (n < 0)
		return -1;
	*more = n > limit;
	return *more ? limit : n;
}

int
invite_revoke(struct arena *a, int64_t id, struct err *err)
{
	int n = db_invite_revoke(a, id, err);
	if (n < 0)
		return -1;
	if (n == 0)
		return err_set(err, ERR_NOT_FOUND, "There is no such invite.", "no invite %lld",
			       (long long)id);
	return 0;
}
