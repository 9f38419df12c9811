/* auth.c - placeholder */
#include "web/auth.h"
int
web_auth_routes(struct router *r)
{
	(void)r;
	return 0;
}
