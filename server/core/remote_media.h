/* remote_media.h - images of posts from other servers, shown through this node.
 *
 * When a remote post is stored, its attachments are recorded (ap/attachments.c reads them):
 * images by URL, anything else (video, audio, unknown types, URLs that are not http(s)) only
 * by its type, never fetched. Each image URL is one row in remote_files however many posts
 * show it, and a media_fetch job (ap/media_fetch.c: the outbound-fetch rules, media_max_bytes)
 * brings its bytes, which go through the same libvips pipeline as members' uploads
 * (media_prepare: nothing but pixels kept) into media_dir. Pages only ever name /media/...
 * of this node; until an image is there they show its alt text and a placeholder.
 *
 * The cache is held within remote_media_cache_kb (the images shown longest ago are evicted
 * first) and remote_media_days since an image was last shown; an evicted image is queued
 * again when a page shows it. A domain with the reject-media policy, or one this node does
 * not federate with, gets nothing fetched and nothing shown, and its cached files are
 * removed (reject-media: by a trigger when it is turned on; defederation: by the sweep).
 * Deleting a post (a peer's Delete, an account purged) deletes the files no other post
 * shows. Remote accounts' avatars and headers are cached the same way (remote_profile_media),
 * shown only on their profile pages. */
#ifndef PARASOL_CORE_REMOTE_MEDIA_H
#define PARASOL_CORE_REMOTE_MEDIA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/remote_media.h"

struct arena;
struct err;

#define REMOTE_MEDIA_URL_MAX 2048   /* longer URLs are not fetched */
#define REMOTE_MEDIA_LABEL_MAX 100  /* characters of an "other" attachment's type kept */

struct remote_media_config {
	int64_t cache_bytes; /* the cap on cached files */
	int days;	     /* evicted when not shown for this long */
};

/* Sets the cap and the expiry. Call once at start (before the workers run). */
void remote_media_setup(const struct remote_media_config *cfg);

/* One attachment as a peer declared it (ap/attachments.c). */
struct remote_media_decl {
	bool image;		 /* fetch url as an image; else only list type_label */
	const char *url;	 /* an http(s) URL when image */
	const char *type_label;	 /* what it is, for "attachment not shown: ..." */
	const char *description; /* alt text, "" for none */
};

/* Records the n (at most 4) attachments of the remote post status_id by an author of
 * domain, inside the caller's transaction, and queues a fetch of each image URL not known
 * before, unless remote_media_allowed refuses domain. 0 or -1 + err. */
int remote_media_record(struct arena *a, int64_t status_id, const char *domain,
			const struct remote_media_decl *decl, int n, struct err *err);

/* Whether images from domain may be fetched and shown: false when it has the reject-media
 * policy or this node does not federate with it (or the database can't tell). */
bool remote_media_allowed(struct arena *a, const char *domain);

/* How a page shows one remote attachment. */
enum remote_show {
	REMOTE_SHOW_IMAGE,    /* the cached image: /media/file_name, /media/thumb_name */
	REMOTE_SHOW_LOADING,  /* not fetched yet (or evicted and queued again) */
	REMOTE_SHOW_REJECTED, /* its server's media are not shown here */
	REMOTE_SHOW_FAILED,   /* it could not be fetched or was no image we read */
	REMOTE_SHOW_OTHER,    /* not an image: only its type is named */
};

/* The remote attachments of the n posts ids, by post and position (*out arena-owned), each
 * with how to show it in (*shows)[i]. Marks them shown now and queues the fetch of those
 * that were evicted (the page itself never fetches), except inside a read-only snapshot
 * (db_in_snapshot; see remote_media_mark_shown). Count or -1 + err. */
int remote_media_of_statuses(struct arena *a, const int64_t *ids, int n,
			     struct remote_attachment **out, enum remote_show **shows,
			     struct err *err);

/* Marks the remote images of the n posts ids shown now, as remote_media_of_statuses does
 * (the cache's expiry counts from the last showing; an evicted image is queued again).
 * remote_media_of_statuses can't inside a member page's read-only snapshot
 * (core/pagecheck.h): such a page calls this after its snapshot, and whenever it is served
 * again from the cache. Failures are logged. */
void remote_media_mark_shown(struct arena *a, const int64_t *ids, int n);

/* Makes url (NULL: none) the remote account's avatar or header (purpose: "avatar",
 * "header"), queueing its fetch as remote_media_record does. Called when an actor document
 * is stored (ap/resolve.c). Failures are logged: the account is stored without it. */
void remote_media_set_profile(struct arena *a, int64_t account_id, const char *domain,
			      const char *purpose, const char *url);

/* The cached thumbnail's file name of the remote account's avatar or header, or NULL when
 * there is none, it is not fetched yet (its fetch is queued again when it was evicted) or
 * its server's media are refused. Marks it shown. */
const char *remote_media_profile(struct arena *a, int64_t account_id, const char *purpose);

/* The worker's part, after ap/media_fetch.c fetched url's bytes: re-encodes and stores them
 * and records the files, then evicts what passes the cap. 0 when done (also when url is no
 * longer wanted), -1 + err: ERR_TOO_LARGE / ERR_UNPROCESSABLE (not an image we read, bomb,
 * damaged: the caller marks it failed), ERR_UNAVAILABLE (disk full, database), ERR_INTERNAL. */
int remote_media_store(struct arena *a, const char *url, const void *data, size_t len,
		       struct err *err);

/* Marks url as not to be had (reason: for the log and the row, never content). */
void remote_media_failed(struct arena *a, const char *url, const char *reason);

/* The sweep's part (core/sweep.c): evicts images not shown for the configured days, those of
 * domains refused now, and whatever passes the cap, then unlinks the files. Count or -1. */
int remote_media_sweep(struct arena *a, struct err *err);

#endif
