/* robots.h - SQL for what robots.txt allows: the members who opened their pages to search
 * engines (accounts.discoverable, accounts.indexable). */
#ifndef PARASOL_DB_ROBOTS_H
#define PARASOL_DB_ROBOTS_H

#include <stdbool.h>

struct arena;
struct err;

struct db_robots_member {
	const char *username;
	bool discoverable; /* the profile page */
	bool indexable;	   /* the public posts' pages */
};

/* This node's approved, unsuspended members who chose discoverable or indexable, by name;
 * at most limit. Count (into *out, arena) or -1 + err. */
int db_robots_members(struct arena *a, int limit, struct db_robots_member **out,
		      struct err *err);

#endif
