/* settings.c - placeholder until written. */
#include "web/settings.h"

int
web_settings_routes(struct router *r)
{
	(void)r;
	return 0;
}
