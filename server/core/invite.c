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
	if (db_invite_insert(a, token_hash(a, code), opts->created_by, role_name(opts->role),
			     opts->max_uses, opts->expires_days, err) != 0)
		return NULL;
	return code;
}

char *
invite_url(struct arena *a, const char *base_url, const char *code)
{
	return arena_printf(a, "%s/register?invite=%s", base_url, code);
}
