/* health.h - whether this node can serve: today, whether PostgreSQL answers. */
#ifndef PARASOL_HEALTH_H
#define PARASOL_HEALTH_H

#include <stdbool.h>

struct err;

/* true when every dependency answers; false + err (ERR_UNAVAILABLE) otherwise. */
bool health_check(struct err *err);

#endif
