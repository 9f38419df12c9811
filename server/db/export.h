/* export.h - SQL for a member's export (ap/archive.h): their own posts, the accounts they
 * follow, that follow them, that they block and mute, and their bookmarks, each read in
 * keyset pages so that a big account is read a page at a time. Database errors only. */
#ifndef PARASOL_DB_EXPORT_H
#define PARASOL_DB_EXPORT_H

#include <stdbool.h>
#include <stdint.h>

struct arena;
struct err;

/* The ids of account_id's own posts (every visibility, never boosts) below before_id
 * (0: from the newest), newest first, at most limit. *out arena-owned. Count or -1 + err. */
int db_export_status_ids(struct arena *a, int64_t account_id, int64_t before_id, int limit,
			 int64_t **out, struct err *err);

/* The lists of accounts an export holds. */
enum db_export_list {
	DB_EXPORT_FOLLOWING, /* accounts the member follows */
	DB_EXPORT_FOLLOWERS, /* accounts that follow the member */
	DB_EXPORT_BLOCKS,    /* accounts the member blocks */
	DB_EXPORT_MUTES,     /* accounts the member mutes */
};

/* One account of such a list. */
struct db_export_account {
	int64_t row_id;	      /* the follow, block or mute: the key of the next page */
	const char *username; /* as on its server */
	const char *domain;   /* NULL for this node's members */
	const char *uri;      /* its actor id; NULL for this node's members */
};

/* The accounts of list `which` of account_id whose row id is above after_id, oldest row
 * first, at most limit; deleted accounts are left out. *out arena-owned. Count or -1 + err. */
int db_export_accounts(struct arena *a, int64_t account_id, enum db_export_list which,
		       int64_t after_id, int limit, struct db_export_account **out,
		       struct err *err);

/* One bookmarked post. */
struct db_export_bookmark {
	int64_t row_id; /* the bookmark: the key of the next page */
	int64_t status_id;
	const char *username; /* the author's, for a local post's URI */
	const char *uri;      /* a remote post's id; NULL for a local post */
};

/* account_id's bookmarks above after_id, oldest first, at most limit. *out arena-owned.
 * Count or -1 + err. */
int db_export_bookmarks(struct arena *a, int64_t account_id, int64_t after_id, int limit,
			struct db_export_bookmark **out, struct err *err);

/* account_id's own bad-date alerts (migration 0045) above after_id, oldest first, at most
 * limit: ids[i] and json[i], each alert as a JSON object (what it says, its identifiers as
 * written, consent, state, dates; the question thread's messages). Arena-owned. Count or
 * -1 + err. */
int db_export_alerts(struct arena *a, int64_t account_id, int64_t after_id, int limit,
		     int64_t **ids, const char ***json, struct err *err);

#endif
