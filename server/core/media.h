/* media.h - members' images: attachments of posts (up to four, each with alt text), avatars
 * and headers. Every image goes through media/image.c (re-encoded, nothing but pixels kept)
 * before its files are written (media/store.c) and its row recorded (db/media.c). Deleting
 * a row by any path (a post, an account, a replaced avatar) queues its files in media_trash
 * (a trigger); media_empty_trash unlinks them after the deleting transaction commits, and
 * the sweep catches up with anything a crash left. */
#ifndef PARASOL_CORE_MEDIA_H
#define PARASOL_CORE_MEDIA_H

#include <stddef.h>
#include <stdint.h>

#include "db/media.h"
#include "media/image.h"

struct arena;
struct err;

#define MEDIA_MAX_ATTACHMENTS 4
#define MEDIA_DESCRIPTION_MAX 1500 /* alt text, in code points (Mastodon's limit) */
#define MEDIA_MAX_SIDE 4096	   /* stored images fit in this square */
#define MEDIA_THUMB_SIDE 640	   /* thumbnails fit in this square */
#define MEDIA_RETRY_SECONDS 5	   /* Retry-After when a member's image waits for their last */
#define MEDIA_UNATTACHED_SECONDS 86400 /* an app's upload no post took is deleted after this */

/* Why a member's upload was refused while another of theirs is being decoded (N_). */
extern const char media_one_at_a_time_msg[];

struct media_config {
	const char *dir; /* media_dir; copied */
	size_t max_bytes;
	long max_pixels;
	const char *program; /* image_program (media/image.h image_init); NULL: found */
};

/* Sets where files go and the limits, makes the directory if needed and finds the image
 * program. Call once at start, before any other function here. 0 or -1 + err. */
int media_setup(const struct media_config *cfg, struct err *err);

/* The media directory (media_setup's copy). */
const char *media_dir(void);

/* The size in bytes of the stored file name, 0 when it is not there. */
int64_t media_file_size(const char *name);

/* The largest image accepted, in bytes (media_max_bytes; 0 before media_setup). */
size_t media_max_bytes(void);

/* Decodes and re-encodes len bytes (in memory), writes the image and its thumbnail under
 * fresh random names, and fills *out for recording (account_id, purpose, description set;
 * status_id and position left to the caller). A member (account_id not 0; 0 is a peer's
 * image fetched by the worker) has at most one image decoded at a time in this process:
 * another of theirs meanwhile is refused at once with ERR_RATE_LIMITED
 * (media_one_at_a_time_msg; answer with Retry-After: MEDIA_RETRY_SECONDS). On failure no
 * file is left: ERR_TOO_LARGE, ERR_UNPROCESSABLE (not an image, damaged, too many pixels,
 * alt text too long), ERR_RATE_LIMITED, ERR_UNAVAILABLE (disk full, too many images at
 * once) or ERR_INTERNAL, with err->safe for the member. */
int media_prepare(struct arena *a, int64_t account_id, const char *purpose, const void *data,
		  size_t len, const char *description, struct media_row *out, struct err *err);

/* Removes the files of n prepared rows that will not be recorded. */
void media_discard(const struct media_row *rows, int n);

/* Records n prepared rows as the attachments of status_id, in order (inside the caller's
 * transaction). 0 or -1 + err. */
int media_record_attachments(struct arena *a, struct media_row *rows, int n, int64_t status_id,
			     struct err *err);

/* Makes len bytes the account's avatar or header (purpose), replacing and deleting the
 * earlier one. 0 or -1 + err as media_prepare; nothing changes on failure. */
int media_set_profile(struct arena *a, int64_t account_id, const char *purpose,
		      const void *data, size_t len, struct err *err);

/* Removes the account's avatar or header (purpose) and its files. 0 or -1 + err. */
int media_remove_profile(struct arena *a, int64_t account_id, const char *purpose,
			 struct err *err);

/* An app's upload (the client API's POST /api/v1/media): prepares the image as
 * media_prepare does and records it as an attachment of no post yet, which only account_id
 * can read, describe and attach (media_attach_uploads), and which the sweep deletes
 * MEDIA_UNATTACHED_SECONDS after it was made when no post took it. *out gets the row (its
 * id set). 0 or -1 + err as media_prepare; nothing is left on failure. */
int media_upload(struct arena *a, int64_t account_id, const void *data, size_t len,
		 const char *description, struct media_row *out, struct err *err);

/* account_id's attachment id (attached to a post or not), or NULL + ERR_NOT_FOUND when
 * there is none or it is someone else's. Arena-owned. */
struct media_row *media_get_own(struct arena *a, int64_t account_id, int64_t id, struct err *err);

/* Sets the alt text of account_id's upload id while no post carries it (a post's images are
 * changed with the post). ERR_UNPROCESSABLE when description is too long, ERR_NOT_FOUND
 * when there is no such upload of theirs or it is attached. 0 or -1 + err. */
int media_describe(struct arena *a, int64_t account_id, int64_t id, const char *description,
		   struct err *err);

/* Inside the caller's transaction: makes account_id's uploads ids[0..n) the attachments of
 * status_id from position first on. ERR_UNPROCESSABLE, naming no id, when one is not an
 * upload of theirs that no post carries (or is listed twice). 0 or -1 + err. */
int media_attach_uploads(struct arena *a, int64_t account_id, const int64_t *ids, int n,
			 int64_t status_id, int first, struct err *err);

/* The attachments of the n posts ids (ordered by post, then position); *out arena-owned.
 * Count or -1 + err. */
int media_of_statuses(struct arena *a, const int64_t *ids, int n, struct media_row **out,
		      struct err *err);

/* The account's avatar or header, or NULL when there is none or on failure (logged). */
struct media_row *media_profile(struct arena *a, int64_t account_id, const char *purpose);

/* Unlinks the files in the trash and forgets them; call after a commit that deleted media
 * rows. Failures are logged and left for the sweep. Returns the files removed. */
int media_empty_trash(struct arena *a);

/* The sweep's part (core/sweep.c): deletes the uploads no post took within
 * MEDIA_UNATTACHED_SECONDS (by clock_now()), then media_empty_trash. Files removed or
 * -1 + err. */
int media_sweep(struct arena *a, struct err *err);

#endif
