/* notifications.c - placeholder until written. */
#include "web/notifications.h"

int
web_notifications_routes(struct router *r)
{
	(void)r;
	return 0;
}
