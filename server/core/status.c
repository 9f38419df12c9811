/* status.c - the rules for posts; SQL lives in db/statuses.c, rendering in core/text.c. */
#include "status.h"

#include <string.h>
#include <strings.h>

#include "core/account.h"
#include "core/deletion.h"
#include "core/events.h"
#include "core/media.h"
#include "core/move.h"
#include "core/notification.h"
#include "core/review.h"
#include "core/text.h"
#include "db/accounts.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/log.h"

const char *const status_action_names[STATUS_ACTION__MAX] = {
	[STATUS_REBLOG] = "reblog",	     [STATUS_UNREBLOG] = "unreblog",
	[STATUS_FAVOURITE] = "favourite",    [STATUS_UNFAVOURITE] = "unfavourite",
	[STATUS_BOOKMARK] = "bookmark",	     [STATUS_UNBOOKMARK] = "unbookmark",
	[STATUS_PIN] = "pin",		     [STATUS_UNPIN] = "unpin",
};

int
status_action_parse(const char *s, enum status_action *out)
{
	for (int i = 0; s != NULL && i < STATUS_ACTION__MAX; i++)
		if (strcmp(s, status_action_names[i]) == 0) {
			*out = (enum status_action)i;
			return 0;
		}
	return -1;
}

/* text_render's mention lookup: approved local members only. */
static int64_t
lookup_member(void *arg, const char *username)
{
	struct arena *a = arg;
	struct err ignored;
	struct account *acct = db_account_get_by_username(a, username, &ignored);
	return acct != NULL && acct->approved ? acct->id : 0;
}

static int
check_draft(const struct status_draft *d, struct err *err)
{
	if (text_is_blank(d->text) && d->nmedia == 0 && d->nuploads == 0)
		return err_set(err, ERR_UNPROCESSABLE, "Write something before posting.",
			       "empty post");
	if (d->nmedia < 0 || d->nuploads < 0 || d->nmedia + d->nuploads > MEDIA_MAX_ATTACHMENTS)
		return err_set(err, ERR_UNPROCESSABLE, "A post can have at most four images.",
			       "too many attachments");
	if (text_length(d->text) > (size_t)d->max_chars)
		return err_set(err, ERR_UNPROCESSABLE,
			       "Your post is longer than this community allows. Please shorten it.",
			       "post too long");
	if (d->spoiler_text != NULL && text_length(d->spoiler_text) > STATUS_SPOILER_MAX)
		return err_set(err, ERR_UNPROCESSABLE,
			       "A content warning can have at most 500 characters.",
			       "content warning too long");
	if ((unsigned)d->visibility >= VIS__MAX)
		return err_set(err, ERR_UNPROCESSABLE, "Choose who can see the post.",
			       "bad visibility");
	return 0;
}

/* The content warning as stored: trimmed of surrounding blank space, "" for none. */
static const char *
spoiler_of(const struct status_draft *d)
{
	return d->spoiler_text == NULL || text_is_blank(d->spoiler_text) ? "" : d->spoiler_text;
}

/* The remote accounts a text mentions, as written ("user@domain") and as found. */
struct remote_found {
	struct arena *arena;
	const char **written;
	const struct account **accounts;
	size_t n;
};

/* text_render_linked's remote lookup: the profile (else the actor) of an account found. */
static const char *
remote_href(void *arg, const char *acct)
{
	const struct remote_found *found = arg;
	for (size_t i = 0; i < found->n; i++)
		if (strcasecmp(found->written[i], acct) == 0)
			return found->accounts[i]->url ? found->accounts[i]->url
						       : found->accounts[i]->uri;
	return NULL;
}

static int64_t
lookup_member_found(void *arg, const char *username)
{
	return lookup_member(((struct remote_found *)arg)->arena, username);
}

/* Renders a member's text: local mentions linked, then the remote accounts it mentions
 * ("@user@domain") looked up (and fetched when new) — before the post's transaction starts —
 * and linked as peers expect; addresses that resolve to nobody stay plain text. *ids gets the
 * remote accounts' ids; returns how many. */
static int
render_text(struct arena *a, const char *text, struct text_out *t, int64_t **ids)
{
	text_render(a, text, lookup_member, a, t);
	*ids = arena_alloc(a, sizeof **ids * (t->nremote + 1));
	struct remote_found found = {
	    .arena = a,
	    .written = arena_alloc(a, sizeof *found.written * (t->nremote + 1)),
	    .accounts = arena_alloc(a, sizeof *found.accounts * (t->nremote + 1)),
	};
	int n = 0;
	for (size_t i = 0; i < t->nremote; i++) {
		struct err ignored;
		struct account *acct = account_lookup_remote(a, t->remote_mentions[i], &ignored);
		if (acct == NULL || (acct->url == NULL && acct->uri == NULL))
			continue;
		found.written[found.n] = t->remote_mentions[i];
		found.accounts[found.n++] = acct;
		(*ids)[n++] = acct->id;
	}
	if (found.n > 0)
		text_render_linked(a, text, lookup_member_found, remote_href, &found, t);
	return n;
}

/* Records the mentions (local, and the remote ones already resolved) and tags of a post. */
static int
save_refs(struct arena *a, int64_t id, const struct text_out *t, const int64_t *remote,
	  int nremote, struct err *err)
{
	for (size_t i = 0; i < t->nmentions; i++)
		if (db_status_add_mention(a, id, t->mention_ids[i], err) != 0)
			return -1;
	for (int i = 0; i < nremote; i++)
		if (db_status_add_mention(a, id, remote[i], err) != 0)
			return -1;
	for (size_t i = 0; i < t->ntags; i++)
		if (db_status_add_tag(a, id, t->tags[i], err) != 0)
			return -1;
	return 0;
}

/* Notifications are a courtesy: a failure is logged, not returned, once the post exists. */
static void
notify(struct arena *a, int64_t to, int64_t from, enum notification_type type, int64_t status)
{
	struct err err;
	if (notification_add(a, to, from, type, status, &err) != 0)
		log_msg(LOG_WARN, "notification not stored: %s", err.detail);
}

static int create(struct arena *a, const struct account *author, const struct status_draft *d,
		  int64_t *id_out, struct err *err);

int
status_create(struct arena *a, const struct account *author, const struct status_draft *d,
	      int64_t *id_out, struct err *err)
{
	if (create(a, author, d, id_out, err) == 0)
		return 0;
	media_discard(d->media, d->nmedia); /* written for this post, never recorded */
	return -1;
}

static int
create(struct arena *a, const struct account *author, const struct status_draft *d,
       int64_t *id_out, struct err *err)
{
	/* a member who moved away posts from the new account (core/move.h) */
	if (move_check_may_post(a, author, err) != 0 || check_draft(d, err) != 0)
		return -1;
	int64_t reply_account = 0;
	if (d->in_reply_to_id != 0) {
		struct status *parent = status_get(a, author->id, d->in_reply_to_id, err);
		if (parent == NULL)
			return err->code == ERR_NOT_FOUND
				       ? err_set(err, ERR_NOT_FOUND,
						 "The post you are replying to is not there any more.",
						 "reply to an invisible post")
				       : -1;
		reply_account = parent->author.id;
	}
	struct text_out t;
	int64_t *remote;
	int nremote = render_text(a, d->text, &t, &remote); /* may ask peers: before BEGIN */
	if (db_begin(err) != 0)
		return -1;
	/* The post and its deliveries to peers are one transaction: both or neither. */
	struct event ev = {.kind = EV_STATUS_CREATED, .actor_id = author->id};
	if (deletion_hold_live(a, author->id, err) != 0 ||
	    db_status_insert(a, author->id, d->text, t.html, spoiler_of(d), d->sensitive,
			     d->visibility, d->in_reply_to_id, reply_account, id_out, err) != 0 ||
	    save_refs(a, *id_out, &t, remote, nremote, err) != 0 ||
	    media_record_attachments(a, d->media, d->nmedia, *id_out, err) != 0 ||
	    media_attach_uploads(a, author->id, d->uploads, d->nuploads, *id_out, d->nmedia,
				 err) != 0 ||
	    expiry_set(a, *id_out, d->expiry, err) != 0 ||
	    (ev.status_id = *id_out, events_emit(a, &ev, err)) != 0 || db_commit(err) != 0) {
		db_rollback();
		return -1;
	}
	review_check_status(a, *id_out); /* files it for review only; failures are logged */
	if (reply_account != 0)
		notify(a, reply_account, author->id, NOTIF_REPLY, *id_out);
	for (size_t i = 0; i < t.nmentions; i++)
		if (t.mention_ids[i] != reply_account)
			notify(a, t.mention_ids[i], author->id, NOTIF_MENTION, *id_out);
	return 0;
}

struct status *
status_get(struct arena *a, int64_t viewer_id, int64_t id, struct err *err)
{
	struct status *list;
	int n = db_status_list(a, DB_TL_ONE, viewer_id, id, NULL, 0, 0, 1, false, &list, err);
	if (n < 0)
		return NULL;
	if (n == 0) {
		err_set(err, ERR_NOT_FOUND, "This post does not exist or is not visible to you.",
			"no visible status");
		return NULL;
	}
	return &list[0];
}

struct status *
status_get_own(struct arena *a, const struct account *author, int64_t id, struct err *err)
{
	struct status *st = status_get(a, author->id, id, err);
	if (st != NULL && st->author.id != author->id) {
		err_set(err, ERR_FORBIDDEN, "Only the author can change this post.",
			"not the author");
		return NULL;
	}
	return st;
}

static bool
contains(const int64_t *ids, int n, int64_t id)
{
	for (int i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

int
status_edit(struct arena *a, const struct account *author, int64_t id,
	    const struct status_draft *d, struct err *err)
{
	struct status *st = status_get_own(a, author, id, err);
	if (st == NULL)
		return -1;
	struct status_draft checked = *d;
	checked.visibility = st->visibility; /* an edit never widens or narrows the audience */
	/* the post keeps its images, so its text may be empty if it has some */
	struct media_row *media;
	checked.media = NULL;
	checked.uploads = NULL; /* an edit keeps the post's images as they are */
	checked.nuploads = 0;
	checked.nmedia = media_of_statuses(a, &id, 1, &media, err);
	if (checked.nmedia < 0)
		return -1;
	if (check_draft(&checked, err) != 0)
		return -1;
	int64_t *before;
	int nbefore = db_status_mentions(a, id, &before, err);
	if (nbefore < 0)
		return -1;
	struct text_out t;
	int64_t *remote;
	int nremote = render_text(a, d->text, &t, &remote); /* may ask peers: before BEGIN */
	if (db_begin(err) != 0)
		return -1;
	struct event ev = {.kind = EV_STATUS_UPDATED, .actor_id = author->id, .status_id = id};
	if (db_status_update(a, id, d->text, t.html, spoiler_of(d), d->sensitive, err) < 0 ||
	    db_status_clear_refs(a, id, err) != 0 ||
	    save_refs(a, id, &t, remote, nremote, err) != 0 ||
	    events_emit(a, &ev, err) != 0 || db_commit(err) != 0) {
		db_rollback();
		return -1;
	}
	review_check_status(a, id); /* files it for review only; failures are logged */
	for (size_t i = 0; i < t.nmentions; i++)
		if (!contains(before, nbefore, t.mention_ids[i]) &&
		    t.mention_ids[i] != st->in_reply_to_account_id)
			notify(a, t.mention_ids[i], author->id, NOTIF_MENTION, id);
	return 0;
}

bool
status_history_readable(const struct account *viewer, const struct status *st)
{
	return viewer != NULL && (viewer->id == st->author.id || viewer->role >= ROLE_MODERATOR);
}

int
status_history(struct arena *a, const struct account *viewer, int64_t id,
	       struct status_version **out, struct err *err)
{
	struct status *st = status_get(a, viewer ? viewer->id : 0, id, err);
	if (st == NULL)
		return -1;
	if (!status_history_readable(viewer, st))
		return err_set(err, ERR_FORBIDDEN,
			       "Only the author and the moderators can read a post's earlier "
			       "versions.",
			       "history of another's post");
	return db_status_versions(a, id, out, err);
}

int
status_erase_version(struct arena *a, const struct account *author, int64_t id,
		     int64_t edit_id, struct err *err)
{
	if (status_get_own(a, author, id, err) == NULL)
		return -1;
	int n = db_status_version_delete(a, id, edit_id, err);
	if (n < 0)
		return -1;
	if (n == 0)
		return err_set(err, ERR_NOT_FOUND, "This earlier version does not exist any more.",
			       "no such status edit");
	return 0;
}

int
status_delete(struct arena *a, const struct account *author, int64_t id, struct err *err)
{
	if (status_get_own(a, author, id, err) == NULL)
		return -1;
	if (db_begin(err) != 0)
		return -1;
	/* Peers hear of it first, while the post (and who it reached) can still be read; the
	 * deliveries and the deletion are one transaction. */
	struct event ev = {.kind = EV_STATUS_DELETING, .actor_id = author->id, .status_id = id};
	if (events_emit(a, &ev, err) != 0)
		goto fail;
	int n = db_status_delete(a, id, author->id, err);
	if (n < 0)
		goto fail;
	if (n == 0) {
		err_set(err, ERR_NOT_FOUND, "This post does not exist any more.",
			"status gone before delete");
		goto fail;
	}
	if (db_commit(err) != 0)
		return -1;
	media_empty_trash(a); /* its images' files, queued by the cascade */
	return 0;
fail:
	db_rollback();
	return -1;
}

static int
act_reblog(struct arena *a, const struct account *member, const struct status *st,
	   struct err *err)
{
	if (st->visibility != VIS_PUBLIC && st->visibility != VIS_UNLISTED)
		return err_set(err, ERR_UNPROCESSABLE,
			       "Only public and unlisted posts can be boosted.", "boost refused");
	int64_t boost = 0;
	int made = db_status_reblog(a, member->id, st->id, st->visibility, &boost, err);
	if (made < 0)
		return -1;
	if (made > 0) {
		notify(a, st->author.id, member->id, NOTIF_REBLOG, st->id);
		struct event ev = {.kind = EV_REBLOG,
				   .actor_id = member->id,
				   .status_id = st->id,
				   .object_id = boost};
		return events_emit(a, &ev, err);
	}
	return 0;
}

static int
act_pin(struct arena *a, const struct account *member, const struct status *st,
	struct err *err)
{
	if (st->author.id != member->id)
		return err_set(err, ERR_FORBIDDEN, "You can only pin your own posts.",
			       "pin of another's post");
	if (st->visibility == VIS_DIRECT)
		return err_set(err, ERR_UNPROCESSABLE, "Direct messages can't be pinned.",
			       "pin of a direct post");
	int rc = db_status_pin(a, member->id, st->id, STATUS_MAX_PINS, err);
	if (rc < 0)
		return -1;
	if (rc == 2)
		return err_set(err, ERR_UNPROCESSABLE,
			       "You can pin up to five posts. Unpin one first.", "too many pins");
	return 0;
}

/* Tells the layers above that member did something to a post (events.h); object the row
 * (the like, the boost) made or taken back. */
static int
tell(struct arena *a, enum event_kind kind, int64_t member, int64_t status, int64_t object,
     struct err *err)
{
	struct event ev = {.kind = kind, .actor_id = member, .status_id = status,
			   .object_id = object};
	return events_emit(a, &ev, err);
}

/* The action's change and the deliveries it queues (events.h), inside the caller's
 * transaction. */
static int
act(struct arena *a, const struct account *member, const struct status *st,
    enum status_action action, struct err *err)
{
	int rc = 0;
	int64_t row = 0;
	switch (action) {
	case STATUS_REBLOG:
		return act_reblog(a, member, st, err);
	case STATUS_UNREBLOG:
		rc = db_status_unmark(a, DB_MARK_REBLOG, member->id, st->id, &row, err);
		if (rc > 0)
			rc = tell(a, EV_UNREBLOG, member->id, st->id, row, err);
		break;
	case STATUS_FAVOURITE:
		rc = db_status_mark(a, DB_MARK_FAVOURITE, member->id, st->id, &row, err);
		if (rc > 0) {
			notify(a, st->author.id, member->id, NOTIF_FAVOURITE, st->id);
			rc = tell(a, EV_FAVOURITE, member->id, st->id, row, err);
		}
		break;
	case STATUS_UNFAVOURITE:
		rc = db_status_unmark(a, DB_MARK_FAVOURITE, member->id, st->id, &row, err);
		if (rc > 0)
			rc = tell(a, EV_UNFAVOURITE, member->id, st->id, row, err);
		break;
	case STATUS_BOOKMARK:
		rc = db_status_mark(a, DB_MARK_BOOKMARK, member->id, st->id, NULL, err);
		break;
	case STATUS_UNBOOKMARK:
		rc = db_status_unmark(a, DB_MARK_BOOKMARK, member->id, st->id, NULL, err);
		break;
	case STATUS_PIN:
		return act_pin(a, member, st, err);
	case STATUS_UNPIN:
		rc = db_status_unmark(a, DB_MARK_PIN, member->id, st->id, NULL, err);
		break;
	default:
		return err_set(err, ERR_NOT_FOUND, NULL, "bad status action");
	}
	return rc < 0 ? -1 : 0;
}

int
status_act(struct arena *a, const struct account *member, int64_t id,
	   enum status_action action, struct err *err)
{
	struct status *st = status_get(a, member->id, id, err);
	if (st == NULL)
		return -1;
	/* The mark and its deliveries to peers: both or neither, whenever the process dies. */
	if (db_begin(err) != 0)
		return -1;
	if (act(a, member, st, action, err) != 0 || db_commit(err) != 0) {
		db_rollback();
		return -1;
	}
	return 0;
}
