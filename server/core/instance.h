/* instance.h - what the node says about itself on its public pages. Today the values come
 * from the configuration; the admin settings page (members issue) will store overrides. */
#ifndef PARASOL_INSTANCE_H
#define PARASOL_INSTANCE_H

struct arena;
struct config;
struct err;

struct instance_info {
	const char *name;
	const char *description;
	long member_count; /* -1 when the database could not be asked */
	int registrations_open;
};

/* Fills info for the public pages; never fails (a database outage gives member_count -1). */
void instance_info(struct arena *a, const struct config *cfg, struct instance_info *info);

#endif
