/* statuses.c - pages for posts: compose (POST /statuses), the thread page, edit, history,
 * delete and the action buttons. The rules are in core/status.c; this file reads forms and
 * fills templates. */
#include "web/statuses.h"

#include <microhttpd.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "core/account.h"
#include "core/expiry.h"
#include "core/media.h"
#include "core/remote_media.h"
#include "core/status.h"
#include "core/text.h"
#include "core/timeline.h"
#include "http/body.h"
#include "http/request.h"
#include "http/router.h"
#include "util/arena.h"
#include "util/log.h"
#include "util/i18n.h"
#include "util/id.h"
#include "util/tmpl.h"
#include "web/confirm.h"
#include "web/media.h"
#include "web/web.h"

const char *
web_status_url(struct req *req, const char *acct, int64_t id)
{
	char buf[ID_STRLEN];
	return arena_printf(req->arena, "%s/%s", web_account_path(req->arena, acct),
			    id_format(id, buf));
}

/* This node's post length limit (config post_max_chars). */
static int
post_max_chars(const struct req *req)
{
	const struct app *app = req->app;
	return app->cfg.post_max_chars;
}

static void
set_visibility_flags(struct tval *v, enum visibility vis)
{
	tval_set_bool(v, "vis_public", vis == VIS_PUBLIC);
	tval_set_bool(v, "vis_unlisted", vis == VIS_UNLISTED);
	tval_set_bool(v, "vis_private", vis == VIS_PRIVATE);
	tval_set_bool(v, "vis_members", vis == VIS_MEMBERS);
	tval_set_bool(v, "vis_direct", vis == VIS_DIRECT);
}

/* What a page says in place of a remote image it doesn't show (core/remote_media.h). */
static const char *
remote_note(struct req *req, const struct remote_attachment *m, enum remote_show show)
{
	switch (show) {
	case REMOTE_SHOW_LOADING:
		return i18n_gettext(req->lang, N_("Image not loaded yet"));
	case REMOTE_SHOW_REJECTED:
		return i18n_gettext(req->lang, N_("Media from this server is not shown"));
	case REMOTE_SHOW_FAILED:
		return i18n_gettext(req->lang, N_("This image could not be loaded"));
	case REMOTE_SHOW_OTHER:
	default:
		return arena_printf(req->arena, "%s %s",
				    i18n_gettext(req->lang, N_("Attachment not shown:")),
				    m->type_label);
	}
}

/* The images of a post as the template shows them: the thumbnail (lazy-loaded) linking to
 * the full image, always with an alt text (the member's, else a plain "image"). A remote
 * post's attachments come from this node's cache only; one not shown is a note with its alt
 * text. */
static void
set_media(struct req *req, struct tval *v, const struct media_row *m, int n,
	  const struct remote_attachment *rm, const enum remote_show *shows, int nremote)
{
	struct arena *a = req->arena;
	struct tval *list = tval_list(a);
	for (int i = 0; i < n + nremote; i++) {
		const char *file, *thumb, *desc;
		int tw = 0, th = 0;
		bool shown = true;
		const char *note = "";
		if (i < n) {
			file = m[i].file_name, thumb = m[i].thumb_name, desc = m[i].description;
			tw = m[i].thumb_width, th = m[i].thumb_height;
		} else {
			const struct remote_attachment *r = &rm[i - n];
			shown = shows[i - n] == REMOTE_SHOW_IMAGE;
			file = r->file_name, thumb = r->thumb_name, desc = r->description;
			tw = r->thumb_width, th = r->thumb_height;
			if (!shown)
				note = remote_note(req, r, shows[i - n]);
		}
		struct tval *item = tval_obj(a);
		tval_set_bool(item, "shown", shown);
		tval_set_str(item, "note", note);
		tval_set_str(item, "desc", desc ? desc : "");
		if (shown) {
			tval_set_str(item, "url", arena_printf(a, "/media/%s", file));
			tval_set_str(item, "thumb_url", arena_printf(a, "/media/%s", thumb));
			tval_set_int(item, "width", tw);
			tval_set_int(item, "height", th);
		}
		tval_set_str(item, "alt",
			     desc && *desc ? desc
					   : i18n_gettext(req->lang, N_("An image without a description")));
		tval_push(list, item);
	}
	tval_set(v, "media", list);
	tval_set_bool(v, "has_media", n + nremote > 0);
}

/* A post's images of both kinds, ready for status_view. */
struct post_media {
	const struct media_row *local;
	int nlocal;
	const struct remote_attachment *remote;
	const enum remote_show *shows;
	int nremote;
};

static struct tval *status_view(struct req *req, const struct status *st, const char *back,
				const struct post_media *pm);

/* The images of the n posts ids, local and remote, read in two queries; failures are logged
 * and leave the posts without images rather than no page. */
static void
read_media(struct req *req, const int64_t *ids, int n, struct media_row **local, int *nlocal,
	   struct remote_attachment **remote, enum remote_show **shows, int *nremote)
{
	struct err err;
	*nlocal = media_of_statuses(req->arena, ids, n, local, &err);
	if (*nlocal < 0) {
		log_msg(LOG_WARN, "images of posts not read: %s", err.detail);
		*nlocal = 0;
	}
	*nremote = remote_media_of_statuses(req->arena, ids, n, remote, shows, &err);
	if (*nremote < 0) {
		log_msg(LOG_WARN, "remote images of posts not read: %s", err.detail);
		*nremote = 0;
	}
}

struct tval *
web_status_view(struct req *req, const struct status *st, const char *back)
{
	struct post_media pm = {0};
	struct media_row *local = NULL;
	struct remote_attachment *remote = NULL;
	enum remote_show *shows = NULL;
	read_media(req, &st->id, 1, &local, &pm.nlocal, &remote, &shows, &pm.nremote);
	pm.local = local, pm.remote = remote, pm.shows = shows;
	return status_view(req, st, back, &pm);
}

static struct tval *
status_view(struct req *req, const struct status *st, const char *back,
	    const struct post_media *pm)
{
	struct arena *a = req->arena;
	struct tval *v = tval_obj(a);
	char buf[ID_STRLEN];
	bool member = req->viewer != NULL;
	bool own = member && req->viewer->id == st->author.id;
	web_page_shows_status(req, st->id);
	web_page_shows_status(req, st->key);		 /* the boost, when it is one */
	web_page_shows_status(req, st->in_reply_to_id); /* whose author's name it shows */
	web_page_shows_account(req, st->booster_id);
	tval_set_str(v, "id", id_format(st->id, buf));
	/* a boost is the boosted post again: its element gets the boost's id (b-KEY), so that
	 * ids stay unique when the post itself is on the page too */
	if (st->key != 0 && st->key != st->id)
		tval_set_str(v, "dom_id", arena_printf(a, "b-%s", id_format(st->key, buf)));
	else
		tval_set_str(v, "dom_id", arena_printf(a, "s-%s", buf));
	id_format(st->id, buf);
	tval_set_str(v, "url", web_status_url(req, account_handle(req->arena, &st->author), st->id));
	tval_set(v, "author", web_account_view(req, &st->author));
	tval_set_str(v, "created_at", web_time(req, st->created_at));
	tval_set_str(v, "created_iso", st->created_at);
	tval_set_bool(v, "edited", st->edited_at != NULL);
	/* Only those who may read the earlier versions get a link to them. */
	tval_set_str(v, "history_url",
		     status_history_readable(req->viewer, st)
			 ? arena_printf(a, "/statuses/%s/history", id_format(st->id, buf))
			 : "");
	set_visibility_flags(v, st->visibility);
	tval_set_str(v, "spoiler_text", st->spoiler_text);
	tval_set_bool(v, "sensitive", st->sensitive);
	tval_set_html(v, "content", st->content); /* core/text.c output, nothing else */
	tval_set_str(v, "booster_name", "");
	if (st->booster_id != 0 && st->booster_acct != NULL) {
		const char *name =
		    st->booster_name && *st->booster_name ? st->booster_name : st->booster_acct;
		tval_set_str(v, "booster_name", name);
		tval_set_str(v, "booster_url", web_account_path(a, st->booster_acct));
	}
	tval_set_str(v, "reply_to_url", "");
	if (st->in_reply_to_id != 0 && st->in_reply_to_acct != NULL) {
		tval_set_str(v, "reply_to_url",
			     web_status_url(req, st->in_reply_to_acct, st->in_reply_to_id));
		tval_set_str(v, "reply_to_username", st->in_reply_to_acct);
	}
	tval_set_int(v, "replies_count", st->replies_count);
	tval_set_int(v, "reblogs_count", st->reblogs_count);
	tval_set_int(v, "favourites_count", st->favourites_count);
	tval_set_bool(v, "actions", member && back != NULL);
	tval_set_bool(v, "can_boost",
		      member && (st->visibility == VIS_PUBLIC || st->visibility == VIS_UNLISTED));
	tval_set_bool(v, "reblogged", st->reblogged);
	tval_set_bool(v, "favourited", st->favourited);
	tval_set_bool(v, "bookmarked", st->bookmarked);
	tval_set_bool(v, "pinned", st->pinned);
	tval_set_bool(v, "pinned_here", false);
	tval_set_bool(v, "own", own);
	/* only its author is told when it deletes itself */
	tval_set_str(v, "expires_at", own && st->expires_at ? web_time(req, st->expires_at) : "");
	tval_set_str(v, "expires_iso", own && st->expires_at ? st->expires_at : "");
	tval_set_bool(v, "can_pin", own && st->visibility != VIS_DIRECT);
	tval_set_str(v, "boost_action", st->reblogged ? "unreblog" : "reblog");
	tval_set_str(v, "like_action", st->favourited ? "unfavourite" : "favourite");
	tval_set_str(v, "bookmark_action", st->bookmarked ? "unbookmark" : "bookmark");
	tval_set_str(v, "pin_action", st->pinned ? "unpin" : "pin");
	tval_set_str(v, "back", back);
	set_media(req, v, pm->local, pm->nlocal, pm->remote, pm->shows, pm->nremote);
	return v;
}

struct tval *
web_status_list(struct req *req, const struct status *items, int n, const char *back)
{
	struct tval *list = tval_list(req->arena);
	/* two queries for the images of the whole page */
	int64_t *ids = arena_alloc(req->arena, sizeof *ids * (size_t)(n > 0 ? n : 1));
	for (int i = 0; i < n; i++)
		ids[i] = items[i].id;
	struct media_row *media = NULL;
	struct remote_attachment *remote = NULL;
	enum remote_show *shows = NULL;
	int nmedia, nremote;
	read_media(req, ids, n, &media, &nmedia, &remote, &shows, &nremote);
	for (int i = 0; i < n; i++) {
		struct post_media pm = {0};
		int first = 0;
		while (first < nmedia && media[first].status_id != items[i].id)
			first++;
		while (first + pm.nlocal < nmedia && media[first + pm.nlocal].status_id == items[i].id)
			pm.nlocal++;
		pm.local = media + first;
		first = 0;
		while (first < nremote && remote[first].status_id != items[i].id)
			first++;
		while (first + pm.nremote < nremote &&
		       remote[first + pm.nremote].status_id == items[i].id)
			pm.nremote++;
		pm.remote = remote + first;
		pm.shows = shows + first;
		tval_push(list, status_view(req, &items[i], back, &pm));
	}
	return list;
}

/* The expiry the member chose as their default in the settings; never when it can't be read
 * (logged: the form still works, and the member sees what is selected). */
static enum post_expiry
default_expiry(struct req *req)
{
	struct expiry_settings s;
	struct err err;
	if (expiry_settings_get(req->arena, req->viewer->id, &s, &err) != 0) {
		log_msg(LOG_WARN, "expiry settings not read: %s", err.detail);
		return EXPIRY_NEVER;
	}
	return s.default_expiry;
}

struct tval *
web_compose_view(struct req *req, const struct status_draft *d, const char *back)
{
	struct tval *c = tval_obj(req->arena);
	char buf[ID_STRLEN];
	enum visibility vis = d ? d->visibility : req->viewer->default_visibility;
	tval_set_str(c, "text", d && d->text ? d->text : "");
	tval_set_str(c, "spoiler_text", d && d->spoiler_text ? d->spoiler_text : "");
	tval_set_bool(c, "sensitive", d && d->sensitive);
	tval_set_str(c, "in_reply_to_id",
		     d && d->in_reply_to_id ? id_format(d->in_reply_to_id, buf) : "");
	tval_set_str(c, "back", back);
	tval_set_int(c, "max_chars", post_max_chars(req));
	set_visibility_flags(c, vis);
	enum post_expiry expiry = d ? d->expiry : default_expiry(req);
	static const char *const expiry_keys[EXPIRY__MAX] = {"exp_never", "exp_1h", "exp_1d",
							     "exp_1w", "exp_1m"};
	for (int e = 0; e < EXPIRY__MAX; e++)
		tval_set_bool(c, expiry_keys[e], (enum post_expiry)e == expiry);
	struct tval *slots = tval_list(req->arena);
	for (int i = 1; i <= MEDIA_MAX_ATTACHMENTS; i++) {
		struct tval *slot = tval_obj(req->arena);
		tval_set_int(slot, "n", i);
		tval_push(slots, slot);
	}
	tval_set(c, "image_slots", slots);
	return c;
}

/* What a reply to author's post starts with: "@name " for a member here, "@name@domain " for a
 * remote account, so that the reply mentions the author, never a member of the same name. */
static const char *
reply_prefill(struct req *req, const struct account *author)
{
	return arena_printf(req->arena, "@%s ", account_handle(req->arena, author));
}

static int64_t
viewer_id(const struct req *req)
{
	return req->viewer ? req->viewer->id : 0;
}

/* Reads the compose or edit form into d. -1 + ERR_INVALID for malformed ids, ERR_UNPROCESSABLE
 * for an unknown visibility. */
static int
read_draft(struct req *req, struct status_draft *d)
{
	memset(d, 0, sizeof *d);
	d->max_chars = post_max_chars(req);
	d->text = req_form(req, "text");
	if (d->text == NULL)
		d->text = "";
	d->spoiler_text = req_form(req, "spoiler_text");
	const char *sensitive = req_form(req, "sensitive");
	d->sensitive = sensitive != NULL && *sensitive != '\0';
	d->visibility = req->viewer->default_visibility;
	const char *vis = req_form(req, "visibility");
	if (vis != NULL && *vis != '\0' && visibility_parse(vis, &d->visibility) != 0)
		return err_set(&req->err, ERR_UNPROCESSABLE, "Choose who can see the post.",
			       "bad visibility");
	const char *reply = req_form(req, "in_reply_to_id");
	if (reply != NULL && *reply != '\0' && id_parse(reply, &d->in_reply_to_id) != 0)
		return err_set(&req->err, ERR_INVALID, NULL, "malformed in_reply_to_id");
	/* a form without the field (an older page) gets the member's default */
	const char *expiry = req_form(req, "expires_in");
	if (expiry == NULL)
		d->expiry = default_expiry(req);
	else if (expiry_parse(expiry, &d->expiry, &req->err) != 0)
		return -1;
	return 0;
}

/* Reads and stores the compose form's images (fields image1..image4, each with alt1..alt4;
 * a field with no file chosen is skipped) into d. On failure the files of the images already
 * stored are removed and err says which image was refused and why. *missing_alt is set when
 * an image has no description. */
static int
read_images(struct req *req, struct status_draft *d, bool *missing_alt, struct err *err)
{
	*missing_alt = false;
	d->media = arena_alloc(req->arena, sizeof *d->media * MEDIA_MAX_ATTACHMENTS);
	d->nmedia = 0;
	if (req->body.kind != BODY_FORM)
		return 0;
	for (int i = 1; i <= MEDIA_MAX_ATTACHMENTS + 1; i++) {
		char name[32];
		snprintf(name, sizeof name, "image%d", i);
		const struct body_field *f = body_field(&req->body, name);
		if (f == NULL || f->filename == NULL || (f->len == 0 && *f->filename == '\0'))
			continue;
		if (d->nmedia == MEDIA_MAX_ATTACHMENTS) {
			err_set(err, ERR_UNPROCESSABLE, "A post can have at most four images.",
				"too many images");
			goto fail;
		}
		snprintf(name, sizeof name, "alt%d", i);
		const char *alt = req_form(req, name);
		if (alt == NULL || text_is_blank(alt))
			*missing_alt = true;
		if (media_prepare(req->arena, req->viewer->id, "attachment", f->value, f->len,
				  alt && !text_is_blank(alt) ? alt : "", &d->media[d->nmedia],
				  err) != 0)
			goto fail;
		d->nmedia++;
	}
	return 0;
fail:
	media_discard(d->media, d->nmedia);
	d->nmedia = 0;
	return -1;
}

/* The image slots of a compose form sent back after an error: each description as it was
 * typed (alt1..alt4), and "images_again" set when a file had been chosen, since no browser
 * can send a file input back filled: the page says to choose the images again. */
static void
compose_keep_images(struct req *req, struct tval *c)
{
	struct tval *slots = tval_list(req->arena);
	bool chosen = false;
	for (int i = 1; i <= MEDIA_MAX_ATTACHMENTS; i++) {
		char name[32];
		struct tval *slot = tval_obj(req->arena);
		tval_set_int(slot, "n", i);
		snprintf(name, sizeof name, "alt%d", i);
		const char *alt = req_form(req, name);
		tval_set_str(slot, "alt", alt ? alt : "");
		snprintf(name, sizeof name, "image%d", i);
		const struct body_field *f = req->body.kind == BODY_FORM ?
			body_field(&req->body, name) : NULL;
		if (f != NULL && f->filename != NULL && (f->len > 0 || *f->filename != '\0'))
			chosen = true;
		tval_push(slots, slot);
	}
	tval_set(c, "image_slots", slots);
	tval_set_bool(c, "images_again", chosen);
}

/* The compose page again, with what was typed (the images' descriptions too) and the error. */
static int
compose_error(struct req *req, const struct status_draft *d, const struct err *err)
{
	struct tval *ctx = tval_obj(req->arena);
	struct tval *c = web_compose_view(req, d, web_back(req, "/home"));
	compose_keep_images(req, c);
	tval_set(ctx, "compose", c);
	return web_render_form_error(req, "compose_page", N_("New post"), ctx, err);
}

static int
compose_post(struct req *req)
{
	if (!req->viewer)
		return web_need_signin(req);
	struct status_draft d;
	if (read_draft(req, &d) != 0) {
		if (req->err.code != ERR_UNPROCESSABLE)
			return -1;
		struct err err = req->err;
		err_clear(&req->err);
		return compose_error(req, &d, &err);
	}
	struct err err;
	int64_t id;
	bool missing_alt;
	if (read_images(req, &d, &missing_alt, &err) != 0)
		return !web_media_refused(req, &err) ? compose_error(req, &d, &err)
						     : req->err.code != ERR_NONE ? -1 : 0;
	if (status_create(req->arena, req->viewer, &d, &id, &err) != 0) {
		if (err.code != ERR_UNPROCESSABLE) {
			req->err = err;
			return -1;
		}
		return compose_error(req, &d, &err);
	}
	return web_redirect(req, web_back(req, "/home"), missing_alt ? "posted_no_alt" : "posted");
}

static int
compose_page(struct req *req)
{
	if (!req->viewer)
		return web_need_signin(req);
	struct tval *ctx = tval_obj(req->arena);
	struct status_draft d = {.visibility = req->viewer->default_visibility,
				 .expiry = default_expiry(req)};
	const char *reply = req_query(req, "in_reply_to_id");
	if (reply != NULL && *reply != '\0') {
		if (id_parse(reply, &d.in_reply_to_id) != 0)
			return err_set(&req->err, ERR_INVALID, NULL, "malformed in_reply_to_id");
		struct status *parent = status_get(req->arena, req->viewer->id, d.in_reply_to_id,
						   &req->err);
		if (parent == NULL)
			return -1;
		tval_set(ctx, "reply_to", web_status_view(req, parent, NULL));
		if (parent->author.id != req->viewer->id)
			d.text = reply_prefill(req, &parent->author);
		if (parent->visibility > d.visibility)
			d.visibility = parent->visibility;
	}
	tval_set(ctx, "compose", web_compose_view(req, &d, "/home"));
	return web_render(req, MHD_HTTP_OK, "compose_page", N_("New post"), ctx);
}

static int
thread(struct req *req)
{
	int64_t id;
	if (web_path_id(req, &id) != 0)
		return -1;
	struct thread t;
	if (timeline_thread(req->arena, viewer_id(req), id, &t, &req->err) != 0)
		return -1;
	/* "/@name/ID" for a member's post, "/@name@domain/ID" for a remote one. */
	const char *name = req_param(req, "name");
	const char *acct = account_handle(req->arena, &t.focus->author);
	if (name == NULL || strcasecmp(name, acct) != 0)
		return err_set(&req->err, ERR_NOT_FOUND, NULL, "status under another name");
	const char *back = web_status_url(req, acct, id);
	struct tval *ctx = tval_obj(req->arena);
	tval_set(ctx, "ancestors", web_status_list(req, t.ancestors, t.nancestors, back));
	tval_set(ctx, "focus", web_status_view(req, t.focus, back));
	tval_set(ctx, "descendants", web_status_list(req, t.descendants, t.ndescendants, back));
	tval_set_bool(ctx, "has_descendants", t.ndescendants > 0);
	/* a public post of a member of this node who chose "indexable" */
	const struct account *author = &t.focus->author;
	if (author->domain == NULL && author->indexable && !author->suspended &&
	    t.focus->visibility == VIS_PUBLIC)
		web_welcome_search_engines(req, ctx);
	if (req->viewer != NULL) {
		struct status_draft d = {.visibility = req->viewer->default_visibility,
					 .in_reply_to_id = id,
					 .expiry = default_expiry(req)};
		if (t.focus->author.id != req->viewer->id)
			d.text = reply_prefill(req, &t.focus->author);
		if (t.focus->visibility > d.visibility)
			d.visibility = t.focus->visibility;
		tval_set(ctx, "compose", web_compose_view(req, &d, back));
	}
	return web_render(req, MHD_HTTP_OK, "thread", N_("Post"), ctx);
}

/* POST /statuses/:id/:action */
static int
act(struct req *req)
{
	if (!req->viewer)
		return web_need_signin(req);
	int64_t id;
	enum status_action action;
	if (web_path_id(req, &id) != 0)
		return -1;
	if (status_action_parse(req_param(req, "action"), &action) != 0)
		return err_set(&req->err, ERR_NOT_FOUND, NULL, "unknown status action");
	if (status_act(req->arena, req->viewer, id, action, &req->err) != 0)
		return -1;
	static const char *const notices[STATUS_ACTION__MAX] = {
		[STATUS_REBLOG] = "boosted",	     [STATUS_UNREBLOG] = "unboosted",
		[STATUS_FAVOURITE] = "liked",	     [STATUS_UNFAVOURITE] = "unliked",
		[STATUS_BOOKMARK] = "bookmarked",    [STATUS_UNBOOKMARK] = "unbookmarked",
		[STATUS_PIN] = "pinned",	     [STATUS_UNPIN] = "unpinned",
	};
	return web_redirect(req, web_back_to_status(req, "/home", id), notices[action]);
}

static struct tval *
edit_ctx(struct req *req, const struct status *st, const struct status_draft *d)
{
	struct tval *ctx = tval_obj(req->arena);
	char buf[ID_STRLEN];
	tval_set_str(ctx, "id", id_format(st->id, buf));
	tval_set_str(ctx, "url",
		     web_status_url(req, account_handle(req->arena, &st->author), st->id));
	tval_set_str(ctx, "text", d ? d->text : st->text);
	tval_set_str(ctx, "spoiler_text", d ? d->spoiler_text : st->spoiler_text);
	tval_set_bool(ctx, "sensitive", d ? d->sensitive : st->sensitive);
	tval_set_int(ctx, "max_chars", post_max_chars(req));
	return ctx;
}

static int
edit_page(struct req *req)
{
	if (!req->viewer)
		return web_need_signin(req);
	int64_t id;
	if (web_path_id(req, &id) != 0)
		return -1;
	struct status *st = status_get_own(req->arena, req->viewer, id, &req->err);
	if (st == NULL)
		return -1;
	return web_render(req, MHD_HTTP_OK, "status_edit", N_("Edit your post"),
			  edit_ctx(req, st, NULL));
}

static int
edit_post(struct req *req)
{
	if (!req->viewer)
		return web_need_signin(req);
	int64_t id;
	if (web_path_id(req, &id) != 0)
		return -1;
	struct status *st = status_get_own(req->arena, req->viewer, id, &req->err);
	if (st == NULL)
		return -1;
	struct status_draft d = {.text = req_form(req, "text"),
				 .spoiler_text = req_form(req, "spoiler_text"),
				 .visibility = st->visibility,
				 .max_chars = post_max_chars(req)};
	const char *sensitive = req_form(req, "sensitive");
	d.sensitive = sensitive != NULL && *sensitive != '\0';
	if (d.text == NULL)
		d.text = "";
	struct err err;
	if (status_edit(req->arena, req->viewer, id, &d, &err) != 0) {
		if (err.code != ERR_UNPROCESSABLE) {
			req->err = err;
			return -1;
		}
		return web_render_form_error(req, "status_edit", N_("Edit your post"),
					     edit_ctx(req, st, &d), &err);
	}
	return web_redirect(req, web_status_url(req, account_handle(req->arena, &st->author), id),
			    "edited");
}

static int
history(struct req *req)
{
	int64_t id;
	if (web_path_id(req, &id) != 0)
		return -1;
	struct status *st = status_get(req->arena, viewer_id(req), id, &req->err);
	if (st == NULL)
		return -1;
	if (!req->viewer)
		return web_need_signin(req);
	struct status_version *versions;
	int n = status_history(req->arena, req->viewer, id, &versions, &req->err);
	if (n < 0)
		return -1;
	bool own = req->viewer->id == st->author.id;
	struct tval *ctx = tval_obj(req->arena);
	struct tval *list = tval_list(req->arena);
	char buf[ID_STRLEN], vbuf[ID_STRLEN];
	for (int i = 0; i < n; i++) {
		struct tval *v = tval_obj(req->arena);
		tval_set_bool(v, "can_erase", own && !versions[i].current);
		tval_set_str(v, "erase_url",
			     arena_printf(req->arena, "/statuses/%s/history/%s/erase",
					  id_format(id, buf), id_format(versions[i].id, vbuf)));
		tval_set_str(v, "created_iso", versions[i].created_at);
		tval_set_html(v, "content", versions[i].content); /* core/text.c output */
		tval_set_str(v, "spoiler_text", versions[i].spoiler_text);
		tval_set_bool(v, "sensitive", versions[i].sensitive);
		tval_set_str(v, "created_at", web_time(req, versions[i].created_at));
		tval_set_bool(v, "current", versions[i].current);
		tval_push(list, v);
	}
	tval_set(ctx, "versions", list);
	tval_set_bool(ctx, "own", own);
	tval_set_str(ctx, "url", web_status_url(req, account_handle(req->arena, &st->author), id));
	return web_render(req, MHD_HTTP_OK, "status_history", N_("Edit history"), ctx);
}

/* The confirmation page of erasing version edit_id of the viewer's post id (web/confirm.h):
 * it shows the version; 403 when the post is another's, 404 when it has no such earlier
 * version. */
static int
erase_confirm_page(struct req *req, int64_t id, int64_t edit_id, const char *back)
{
	struct status *st = status_get(req->arena, req->viewer->id, id, &req->err);
	if (st == NULL)
		return -1;
	if (st->author.id != req->viewer->id)
		return err_set(&req->err, ERR_FORBIDDEN, NULL, "not the author");
	struct status_version *versions;
	int n = status_history(req->arena, req->viewer, id, &versions, &req->err);
	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		if (versions[i].current || versions[i].id != edit_id)
			continue;
		struct tval *ctx = tval_obj(req->arena), *v = tval_obj(req->arena);
		tval_set_str(v, "created_at", web_time(req, versions[i].created_at));
		tval_set_html(v, "content", versions[i].content); /* core/text.c output */
		tval_set_str(v, "spoiler_text", versions[i].spoiler_text);
		tval_set(ctx, "earlier", v);
		return web_confirm_page(req, N_("Erase this version?"), ctx, back);
	}
	return err_set(&req->err, ERR_NOT_FOUND, NULL, "no such earlier version");
}

/* POST /statuses/:id/history/:version/erase: the author erases one earlier version, after
 * a confirmation page (it can't be undone). */
static int
erase_version(struct req *req)
{
	if (!req->viewer)
		return web_need_signin(req);
	int64_t id, edit_id;
	if (web_path_id(req, &id) != 0)
		return -1;
	const char *version = req_param(req, "version");
	if (version == NULL || id_parse(version, &edit_id) != 0 || edit_id <= 0)
		return err_set(&req->err, ERR_INVALID, "The request was malformed.",
			       "bad version id");
	char buf[ID_STRLEN];
	const char *back = arena_printf(req->arena, "/statuses/%s/history", id_format(id, buf));
	if (!web_confirmed(req))
		return erase_confirm_page(req, id, edit_id, back);
	if (status_erase_version(req->arena, req->viewer, id, edit_id, &req->err) != 0)
		return -1;
	return web_redirect(req, back, "version_erased");
}

static int
delete_page(struct req *req)
{
	if (!req->viewer)
		return web_need_signin(req);
	int64_t id;
	if (web_path_id(req, &id) != 0)
		return -1;
	struct status *st = status_get_own(req->arena, req->viewer, id, &req->err);
	if (st == NULL)
		return -1;
	struct tval *ctx = tval_obj(req->arena);
	tval_set(ctx, "status", web_status_view(req, st, NULL)); /* no live buttons here */
	return web_render(req, MHD_HTTP_OK, "status_delete", N_("Delete this post?"), ctx);
}

static int
delete_post(struct req *req)
{
	if (!req->viewer)
		return web_need_signin(req);
	int64_t id;
	if (web_path_id(req, &id) != 0)
		return -1;
	if (status_delete(req->arena, req->viewer, id, &req->err) != 0)
		return -1;
	return web_redirect(req, web_account_path(req->arena, req->viewer->username), "deleted");
}

int
web_statuses_routes(struct router *r)
{
	int rc = 0;
	rc |= router_add(r, "POST", "/statuses", compose_post);
	rc |= router_add(r, "GET", "/statuses/new", compose_page);
	rc |= router_add(r, "GET", "/statuses/:id/edit", edit_page);
	rc |= router_add(r, "POST", "/statuses/:id/edit", edit_post);
	rc |= router_add(r, "GET", "/statuses/:id/history", history);
	rc |= router_add(r, "POST", "/statuses/:id/history/:version/erase", erase_version);
	rc |= router_add(r, "GET", "/statuses/:id/delete", delete_page);
	rc |= router_add(r, "POST", "/statuses/:id/delete", delete_post);
	rc |= router_add(r, "POST", "/statuses/:id/:action", act);
	rc |= router_add(r, "GET", "/@:name/:id", thread);
	return rc ? -1 : 0;
}
