/* status_refs.h - SQL reading the accounts posts mention and the tags they carry, for many
 * posts at once (the client API's status entities). */
#ifndef PARASOL_DB_STATUS_REFS_H
#define PARASOL_DB_STATUS_REFS_H

#include <stdint.h>

struct arena;
struct err;

/* One account a post mentions. */
struct status_mention {
	int64_t status_id;
	int64_t account_id;
	const char *username;
	const char *domain; /* NULL for a member here */
};

/* One tag a post carries, as stored. */
struct status_tag {
	int64_t status_id;
	const char *name;
};

/* The mentions of the n posts ids, by post then account; *out arena-owned. Count or -1. */
int db_status_mentions_of(struct arena *a, const int64_t *ids, int n, struct status_mention **out,
			  struct err *err);

/* The tags of the n posts ids, by post then name; *out arena-owned. Count or -1. */
int db_status_tags_of(struct arena *a, const int64_t *ids, int n, struct status_tag **out,
		      struct err *err);

#endif
