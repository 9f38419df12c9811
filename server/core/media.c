/* media.c - the rules for members' images; see media.h. */
#include "media.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>

#include "core/deletion.h"
#include "core/events.h"
#include "db/db.h"
#include "media/store.h"
#include "util/arena.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/log.h"
#include "util/utf8.h"

static char *dir;
static struct image_limits limits;

/* The members whose image is being decoded now (at most one each): a short list, since
 * image_process runs IMAGE_CONCURRENCY decoders at once and refuses the rest at once. */
#define BUSY_MAX 256
static pthread_mutex_t busy_lock = PTHREAD_MUTEX_INITIALIZER;
static int64_t busy[BUSY_MAX];
static int nbusy;

/* Marks account_id's decode as started, unless one is already under way (ERR_RATE_LIMITED)
 * or too many members decode at once (ERR_UNAVAILABLE). 0 or -1 + err. */
static int
busy_take(int64_t account_id, struct err *err)
{
	int rc = 0;
	pthread_mutex_lock(&busy_lock);
	for (int i = 0; i < nbusy && rc == 0; i++)
		if (busy[i] == account_id)
			rc = err_set(err, ERR_RATE_LIMITED, media_one_at_a_time_msg,
				     "member %lld: an image of theirs is being decoded already",
				     (long long)account_id);
	if (rc == 0 && nbusy == BUSY_MAX)
		rc = err_set(err, ERR_UNAVAILABLE,
			     N_("Too many images are being prepared right now. Please try again "
				"in a minute."),
			     "image refused: %d members' images being decoded", nbusy);
	if (rc == 0)
		busy[nbusy++] = account_id;
	pthread_mutex_unlock(&busy_lock);
	return rc;
}

static void
busy_give(int64_t account_id)
{
	pthread_mutex_lock(&busy_lock);
	for (int i = 0; i < nbusy; i++)
		if (busy[i] == account_id) {
			busy[i] = busy[--nbusy];
			break;
		}
	pthread_mutex_unlock(&busy_lock);
}

const char media_one_at_a_time_msg[] =
    N_("Your previous image is still being prepared. Please wait a few seconds, then send "
       "this one again.");

int
media_setup(const struct media_config *cfg, struct err *err)
{
	if (store_init(cfg->dir, err) != 0 || image_init(cfg->program, err) != 0)
		return -1;
	free(dir);
	dir = strdup(cfg->dir);
	if (dir == NULL)
		return err_set(err, ERR_INTERNAL, NULL, "out of memory");
	limits = (struct image_limits){.max_bytes = cfg->max_bytes,
				       .max_pixels = cfg->max_pixels,
				       .max_side = MEDIA_MAX_SIDE,
				       .thumb_side = MEDIA_THUMB_SIDE};
	return 0;
}

const char *
media_dir(void)
{
	return dir;
}

int64_t
media_file_size(const char *name)
{
	struct stat st;
	if (dir == NULL || !store_name_valid(name))
		return 0;
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	return stat(path, &st) == 0 ? (int64_t)st.st_size : 0;
}

size_t
media_max_bytes(void)
{
	return limits.max_bytes;
}

int
media_prepare(struct arena *a, int64_t account_id, const char *purpose, const void *data,
	      size_t len, const char *description, struct media_row *out, struct err *err)
{
	memset(out, 0, sizeof *out);
	if (dir == NULL)
		return err_set(err, ERR_INTERNAL, NULL, "media_setup was not called");
	if (description == NULL)
		description = "";
	if (utf8_chars(description) > MEDIA_DESCRIPTION_MAX)
		return err_set(err, ERR_UNPROCESSABLE,
			       "An image description can have at most 1500 characters.",
			       "alt text too long");
	struct image_result img;
	/* One decode at a time per member, so that one member's flood of uploads can't take
	 * every decoder from the others; images from peers (account 0) are the worker's. */
	if (account_id != 0 && busy_take(account_id, err) != 0)
		return -1;
	int decoded = image_process(data, len, &limits, &img, err);
	if (account_id != 0)
		busy_give(account_id);
	if (decoded != 0)
		return -1;
	int rc = -1;
	char *full = store_new_name(a, img.full.ext, err);
	char *thumb = full ? store_new_name(a, img.thumb.ext, err) : NULL;
	if (thumb == NULL)
		goto done;
	if (store_write(dir, full, img.full.data, img.full.len, err) != 0)
		goto done;
	if (store_write(dir, thumb, img.thumb.data, img.thumb.len, err) != 0) {
		struct err ignored;
		store_remove(dir, full, &ignored);
		goto done;
	}
	*out = (struct media_row){
	    .account_id = account_id,
	    .purpose = purpose,
	    .file_name = full,
	    .thumb_name = thumb,
	    .media_type = img.full.media_type,
	    .width = img.full.width,
	    .height = img.full.height,
	    .thumb_width = img.thumb.width,
	    .thumb_height = img.thumb.height,
	    .blurhash = arena_strdup(a, img.blurhash),
	    .description = arena_strdup(a, description),
	};
	rc = 0;
done:
	image_result_free(&img);
	return rc;
}

void
media_discard(const struct media_row *rows, int n)
{
	for (int i = 0; i < n; i++) {
		struct err e;
		if ((rows[i].file_name && store_remove(dir, rows[i].file_name, &e) != 0) ||
		    (rows[i].thumb_name && store_remove(dir, rows[i].thumb_name, &e) != 0))
			log_msg(LOG_WARN, "media file not removed: %s", e.detail);
	}
}

int
media_record_attachments(struct arena *a, struct media_row *rows, int n, int64_t status_id,
			 struct err *err)
{
	for (int i = 0; i < n; i++) {
		rows[i].status_id = status_id;
		rows[i].position = i;
		if (db_media_insert(a, &rows[i], &rows[i].id, err) != 0)
			return -1;
	}
	return 0;
}

int
media_set_profile(struct arena *a, int64_t account_id, const char *purpose, const void *data,
		  size_t len, struct err *err)
{
	struct media_row row;
	if (media_prepare(a, account_id, purpose, data, len, "", &row, err) != 0)
		return -1;
	/* peers hear of the new picture (an Update of the actor) in the same transaction */
	struct event ev = {.kind = EV_PROFILE_UPDATED, .actor_id = account_id};
	if (db_begin(err) != 0 || deletion_hold_live(a, account_id, err) != 0 ||
	    db_media_insert(a, &row, &row.id, err) != 0 ||
	    events_emit(a, &ev, err) != 0 || db_commit(err) != 0) {
		db_rollback();
		media_discard(&row, 1);
		return -1;
	}
	media_empty_trash(a); /* the replaced image's files */
	return 0;
}

int
media_remove_profile(struct arena *a, int64_t account_id, const char *purpose, struct err *err)
{
	struct event ev = {.kind = EV_PROFILE_UPDATED, .actor_id = account_id};
	if (db_begin(err) != 0 || db_media_profile_delete(a, account_id, purpose, err) < 0 ||
	    events_emit(a, &ev, err) != 0 || db_commit(err) != 0) {
		db_rollback();
		return -1;
	}
	media_empty_trash(a);
	return 0;
}

int
media_upload(struct arena *a, int64_t account_id, const void *data, size_t len,
	     const char *description, struct media_row *out, struct err *err)
{
	if (media_prepare(a, account_id, "attachment", data, len, description, out, err) != 0)
		return -1;
	/* an account deleted while the image was decoded gets no row (deletion_hold_live) */
	if (db_begin(err) != 0 || deletion_hold_live(a, account_id, err) != 0 ||
	    db_media_insert(a, out, &out->id, err) != 0 || db_commit(err) != 0) {
		db_rollback();
		media_discard(out, 1);
		return -1;
	}
	return 0;
}

struct media_row *
media_get_own(struct arena *a, int64_t account_id, int64_t id, struct err *err)
{
	struct media_row *m = db_media_get(a, id, err);
	if (m != NULL && m->account_id == account_id)
		return m;
	if (m != NULL || err->code == ERR_NONE)
		err_set(err, ERR_NOT_FOUND, "Record not found", "no upload %lld of account %lld",
			(long long)id, (long long)account_id);
	return NULL;
}

int
media_describe(struct arena *a, int64_t account_id, int64_t id, const char *description,
	       struct err *err)
{
	if (utf8_chars(description) > MEDIA_DESCRIPTION_MAX)
		return err_set(err, ERR_UNPROCESSABLE,
			       "An image description can have at most 1500 characters.",
			       "alt text too long");
	int n = db_media_describe(a, account_id, id, description, err);
	if (n < 0)
		return -1;
	return n == 0 ? err_set(err, ERR_NOT_FOUND, "Record not found",
				"no unattached upload %lld of account %lld", (long long)id,
				(long long)account_id)
		      : 0;
}

int
media_attach_uploads(struct arena *a, int64_t account_id, const int64_t *ids, int n,
		     int64_t status_id, int first, struct err *err)
{
	for (int i = 0; i < n; i++) {
		int done = db_media_attach(a, account_id, ids[i], status_id, first + i, err);
		if (done < 0)
			return -1;
		if (done == 0)
			return err_set(
			    err, ERR_UNPROCESSABLE,
			    "An image to attach is not one you uploaded, or another post "
			    "has it already.",
			    "media id %lld: not an unattached upload of account %lld",
			    (long long)ids[i], (long long)account_id);
	}
	return 0;
}

int
media_of_statuses(struct arena *a, const int64_t *ids, int n, struct media_row **out,
		  struct err *err)
{
	return db_media_of_statuses(a, ids, n, out, err);
}

struct media_row *
media_profile(struct arena *a, int64_t account_id, const char *purpose)
{
	struct err err;
	struct media_row *m = db_media_profile(a, account_id, purpose, &err);
	if (m == NULL && err.code != ERR_NONE)
		log_msg(LOG_WARN, "profile image not read: %s", err.detail);
	return m;
}

/* Unlinks the files in the trash and forgets them: the count or -1 + err. */
static int
empty_trash(struct arena *a, struct err *err)
{
	if (dir == NULL)
		return 0; /* a process that serves no media (checkconf, migrate) */
	int removed = 0;
	for (;;) {
		const char **names;
		int n = db_media_trash_list(a, 100, &names, err);
		if (n <= 0)
			return n < 0 ? -1 : removed;
		for (int i = 0; i < n; i++) {
			if (store_name_valid(names[i]) && store_remove(dir, names[i], err) != 0)
				return -1;
			if (db_media_trash_done(a, names[i], err) != 0)
				return -1;
			removed++;
		}
		if (n < 100)
			return removed;
	}
}

int
media_empty_trash(struct arena *a)
{
	struct err err;
	int n = empty_trash(a, &err);
	if (n < 0) {
		log_msg(LOG_WARN, "media trash not emptied: %s", err.detail);
		return 0;
	}
	return n;
}

int
media_sweep(struct arena *a, struct err *err)
{
	if (dir == NULL)
		return 0;
	if (db_media_purge_unattached(a, clock_now() - MEDIA_UNATTACHED_SECONDS, err) < 0)
		return -1;
	return empty_trash(a, err);
}
