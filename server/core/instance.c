/* instance.c - the node's public description. */
#include "instance.h"

#include "config.h"
#include "core/account.h"
#include "util/err.h"

void
instance_info(struct arena *a, const struct config *cfg, struct instance_info *info)
{
	struct err err;
	info->name = cfg->instance_name;
	info->description = cfg->instance_description;
	info->member_count = account_count(a, &err);
	info->registrations_open = 0; /* invite-only until the admin settings exist */
}
