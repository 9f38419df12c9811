/* social.c - placeholder until written. */
#include "web/social.h"

int
web_social_routes(struct router *r)
{
	(void)r;
	return 0;
}
