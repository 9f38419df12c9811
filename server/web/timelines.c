/* timelines.c - placeholder until written. */
#include "web/timelines.h"

int
web_timelines_routes(struct router *r)
{
	(void)r;
	return 0;
}
