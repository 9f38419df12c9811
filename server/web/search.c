/* search.c - placeholder until written. */
#include "web/search.h"

int
web_search_routes(struct router *r)
{
	(void)r;
	return 0;
}
