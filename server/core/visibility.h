/* visibility.h - who may see a post: the visibility levels (db/model.h) and the one rule
 * every query applies, VISIBLE_TO (db/visibility.h, a SQL expression the planner inlines).
 * core/ code includes this header; db/ code includes db/visibility.h. */
#ifndef PARASOL_VISIBILITY_H
#define PARASOL_VISIBILITY_H

#include "db/model.h"
#include "db/visibility.h"

#endif
