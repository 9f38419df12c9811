/* model.c - name tables of the model enums. */
#include "model.h"

#include <string.h>

static const char *const role_names[ROLE__MAX] = {"member", "moderator", "admin"};

const char *
role_name(enum role r)
{
	return r >= 0 && r < ROLE__MAX ? role_names[r] : "member";
}

int
role_parse(const char *s, enum role *out)
{
	for (int i = 0; i < ROLE__MAX; i++)
		if (strcmp(s, role_names[i]) == 0) {
			*out = (enum role)i;
			return 0;
		}
	return -1;
}

static const char *const names[VIS__MAX] = {"public", "unlisted", "private", "members",
					    "direct"};

const char *
visibility_name(enum visibility v)
{
	return v >= 0 && v < VIS__MAX ? names[v] : "direct";
}

int
visibility_parse(const char *s, enum visibility *out)
{
	for (int i = 0; s != NULL && i < VIS__MAX; i++)
		if (strcmp(s, names[i]) == 0) {
			*out = (enum visibility)i;
			return 0;
		}
	return -1;
}
