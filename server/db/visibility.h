/* visibility.h - who may see a post, as SQL. The rule itself is one SQL function,
 * status_visible_to() (migrations/0002_members.sql), so that every query — web pages, the
 * client API, federation — filters rows the same way; this header names it for C. */
#ifndef PARASOL_DB_VISIBILITY_H
#define PARASOL_DB_VISIBILITY_H

#include "db/model.h"

/* A SQL boolean expression: may the account whose id is the SQL expression `viewer` (a
 * parameter such as "$1::bigint", NULL for visitors) see the statuses row aliased `alias`?
 * Both arguments must be string literals: the expression is built at compile time. */
#define VISIBLE_TO(alias, viewer)                                                           \
	"status_visible_to(" alias ".account_id, " alias ".visibility, " alias ".id, " viewer \
	")"

#endif
