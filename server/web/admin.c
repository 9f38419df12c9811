/* admin.c - placeholder until written. */
#include "web/admin.h"

int
web_admin_routes(struct router *r)
{
	(void)r;
	return 0;
}
