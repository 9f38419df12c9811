/* media.h - SQL for the media and media_trash tables (migrations/0028_media.sql). */
#ifndef PARASOL_DB_MEDIA_H
#define PARASOL_DB_MEDIA_H

#include <stdint.h>

struct arena;
struct err;

/* One stored image: an attachment of a post, an avatar or a header. */
struct media_row {
	int64_t id;
	int64_t account_id;
	int64_t status_id; /* 0 for an avatar or a header */
	const char *purpose; /* "attachment", "avatar" or "header" */
	int position;	     /* 0..3 among a post's attachments */
	const char *file_name, *thumb_name;
	const char *media_type;
	int width, height, thumb_width, thumb_height;
	const char *blurhash;
	const char *description; /* alt text, "" for none */
};

/* Inserts m (its id is made by the database and put in *id_out when not NULL).
 * An avatar or header replaces the account's earlier one in the same statement sequence (its
 * files go to the trash). 0 or -1 + err. */
int db_media_insert(struct arena *a, const struct media_row *m, int64_t *id_out,
		    struct err *err);

/* The attachments of the n posts ids, ordered by post and position; *out arena-owned.
 * The count or -1 + err. */
int db_media_of_statuses(struct arena *a, const int64_t *ids, int n, struct media_row **out,
			 struct err *err);

/* The account's avatar or header (purpose), or NULL (err->code ERR_NONE when there is none,
 * else the failure). Arena-owned. */
struct media_row *db_media_profile(struct arena *a, int64_t account_id, const char *purpose,
				   struct err *err);

/* Removes the account's avatar or header (its files go to the trash). Rows removed or -1. */
int db_media_profile_delete(struct arena *a, int64_t account_id, const char *purpose,
			    struct err *err);

/* The attachment id (attached to a post or not), or NULL (err->code ERR_NONE when there is
 * none, else the failure). Arena-owned. */
struct media_row *db_media_get(struct arena *a, int64_t id, struct err *err);

/* Sets the alt text of account_id's attachment id while it belongs to no post. Rows changed
 * (0: no such upload of theirs, or attached already) or -1. */
int db_media_describe(struct arena *a, int64_t account_id, int64_t id, const char *description,
		      struct err *err);

/* Makes account_id's unattached upload id the attachment at position of status_id. Rows
 * changed (0: not theirs, attached already or no such upload) or -1. */
int db_media_attach(struct arena *a, int64_t account_id, int64_t id, int64_t status_id,
		    int position, struct err *err);

/* Deletes the uploads that still belong to no post and were made before the Unix time
 * before (their files go to the trash). Rows deleted or -1. */
int db_media_purge_unattached(struct arena *a, int64_t before, struct err *err);

/* Up to limit file names waiting in the trash, oldest first; *out arena-owned. Count or -1. */
int db_media_trash_list(struct arena *a, int limit, const char ***out, struct err *err);

/* Forgets a trash entry once its file is gone. 0 or -1 + err. */
int db_media_trash_done(struct arena *a, const char *name, struct err *err);

#endif
