/* statuses.c - placeholder until written. */
#include "web/statuses.h"

int
web_statuses_routes(struct router *r)
{
	(void)r;
	return 0;
}
