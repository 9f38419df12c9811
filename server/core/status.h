/* status.h - posts: writing (with mentions and hashtags), replying, editing with history,
 * deleting, and what members do with posts (boost, like, bookmark, pin). Web pages, the
 * client API and federation all post here, so the limits and visibility checks are one. */
#ifndef PARASOL_CORE_STATUS_H
#define PARASOL_CORE_STATUS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/expiry.h"
#include "db/model.h"
#include "db/statuses.h" /* struct status, struct status_version */

struct arena;
struct err;

#define STATUS_MAX_CHARS_DEFAULT 5000 /* the post_max_chars default, in code points */
#define STATUS_SPOILER_MAX 500	/* content warning limit, in code points */
#define STATUS_MAX_PINS 5

struct media_row;

/* What a member wrote in the compose form. */
struct status_draft {
	const char *text;
	const char *spoiler_text; /* NULL or "" for none */
	bool sensitive;
	enum visibility visibility;
	int64_t in_reply_to_id; /* 0: not a reply */
	int max_chars;		/* this node's limit (config post_max_chars), in code points */
	/* images prepared by media_prepare (core/media.h), in order; status_create records
	 * them with the post, or removes their files when the post is refused */
	struct media_row *media;
	int nmedia;
	/* images the author uploaded beforehand (an app's POST /api/v1/media), by id, placed
	 * after media: status_create attaches them in its transaction (media_attach_uploads) */
	const int64_t *uploads;
	int nuploads;
	enum post_expiry expiry; /* when the post deletes itself; EXPIRY_NEVER (0) by default */
};

/* Publishes a post by author: checks the draft (ERR_UNPROCESSABLE: empty — no text and no
 * image —, too long, over four images; an upload that is not the author's own unattached
 * one), sets its expiry (core/expiry.h), that the
 * replied-to post exists and author may see it (ERR_NOT_FOUND), renders the text, records
 * mentions and tags, and notifies mentioned members and the replied-to author. *id_out gets
 * the new id. 0 or -1 + err. */
int status_create(struct arena *a, const struct account *author, const struct status_draft *d,
		  int64_t *id_out, struct err *err);

/* The post id (never a boost row) if viewer_id (0: a visitor) may see it; NULL +
 * ERR_NOT_FOUND otherwise. Arena-owned. */
struct status *status_get(struct arena *a, int64_t viewer_id, int64_t id, struct err *err);

/* The post id for its author to change: ERR_NOT_FOUND when author can't see it,
 * ERR_FORBIDDEN when it is someone else's. */
struct status *status_get_own(struct arena *a, const struct account *author, int64_t id,
			      struct err *err);

/* Changes text, content warning and sensitive flag of author's post id, keeping the earlier
 * version in the history; newly mentioned members are notified. Same checks as
 * status_create and status_get_own. 0 or -1 + err. */
int status_edit(struct arena *a, const struct account *author, int64_t id,
		const struct status_draft *d, struct err *err);

/* The versions of post id, the current one first; count or -1 + err. Only the author and
 * moderators who can see the post may read them, since an edit may have taken out what
 * identified someone: ERR_NOT_FOUND when viewer (NULL for a visitor) can't see the post,
 * ERR_FORBIDDEN when they may see it but not its history. */
int status_history(struct arena *a, const struct account *viewer, int64_t id,
		   struct status_version **out, struct err *err);

/* Whether viewer may read the history of st (its author, or a moderator). */
bool status_history_readable(const struct account *viewer, const struct status *st);

/* Erases the earlier version edit_id of author's post id for good. The current version
 * can't be erased this way (edit or delete the post). 0 or -1 + err (ERR_NOT_FOUND,
 * ERR_FORBIDDEN). */
int status_erase_version(struct arena *a, const struct account *author, int64_t id,
			 int64_t edit_id, struct err *err);

/* Deletes author's post id for good (boosts, likes, bookmarks and mentions go with it).
 * 0 or -1 + err (ERR_NOT_FOUND, ERR_FORBIDDEN). */
int status_delete(struct arena *a, const struct account *author, int64_t id, struct err *err);

enum status_action {
	STATUS_REBLOG,
	STATUS_UNREBLOG,
	STATUS_FAVOURITE,
	STATUS_UNFAVOURITE,
	STATUS_BOOKMARK,
	STATUS_UNBOOKMARK,
	STATUS_PIN,
	STATUS_UNPIN,
	STATUS_ACTION__MAX
};

/* "reblog", "unreblog", ... as in the URLs; parse returns 0 or -1. */
extern const char *const status_action_names[STATUS_ACTION__MAX];
int status_action_parse(const char *s, enum status_action *out);

/* Does action on post id as member: the post must be visible (ERR_NOT_FOUND); only public
 * and unlisted posts can be boosted, only one's own non-direct posts pinned, at most
 * STATUS_MAX_PINS (ERR_UNPROCESSABLE). Doing it twice is not an error. Boosts and likes
 * notify the author. 0 or -1 + err. */
int status_act(struct arena *a, const struct account *member, int64_t id,
	       enum status_action action, struct err *err);

#endif
