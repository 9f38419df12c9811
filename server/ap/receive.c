/* receive.c - applying inbound activities. */
#include "ap/receive.h"

#include <stdbool.h>
#include <string.h>

#include "ap/ap.h"
#include "ap/attachments.h"
#include "ap/alerts.h"
#include "ap/flag.h"
#include "ap/move.h"
#include "ap/outbound.h"
#include "ap/props.h"
#include "ap/resolve.h"
#include "core/account.h"
#include "core/media.h"
#include "core/remote_media.h"
#include "core/notification.h"
#include "core/reports.h"
#include "core/review.h"
#include "db/blocks.h"
#include "db/db.h"
#include "db/federation.h"
#include "db/statuses.h"
#include "jobs/worker.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/sanitize.h"
#include "util/utf8.h"

static const char *
str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

/* The URI the property key of obj names first (ap/props.h: a value or an array of them). */
static const char *
ref(const json_t *obj, const char *key)
{
	return ap_prop_first_ref(obj, key);
}

/* The first value of the property key of obj (an embedded object or a URI), or NULL. */
static const json_t *
first(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);
	return ap_prop_count(v) > 0 ? ap_prop_item(v, 0) : NULL;
}

/* The local member a URI of ours names ("<base>/users/<name>"), or NULL. */
static struct account *
local_actor(struct arena *a, const char *uri)
{
	const char *base = ap_base_url();
	size_t n = strlen(base);
	if (uri == NULL || strncmp(uri, base, n) != 0 || strncmp(uri + n, "/users/", 7) != 0)
		return NULL;
	const char *name = uri + n + 7;
	if (*name == '\0' || strchr(name, '/') != NULL)
		return NULL;
	struct err ignored;
	struct account *acct = account_by_username(a, name, &ignored);
	return acct != NULL && acct->approved ? acct : NULL;
}

/* The post a URI names: one of ours ("<base>/users/<name>/statuses/<id>") or a stored remote
 * one. 0 when unknown. */
static int64_t
status_by_uri(struct arena *a, const char *uri, int64_t *author, struct err *err)
{
	const char *base = ap_base_url(), *mark = uri ? strstr(uri, "/statuses/") : NULL;
	size_t n = strlen(base);
	int64_t id;
	if (mark != NULL && strncmp(uri, base, n) == 0 && id_parse(mark + 10, &id) == 0) {
		struct db_ap_status st;
		if (db_ap_status(a, id, &st, err) != 0)
			return err->code == ERR_NOT_FOUND ? 0 : -1;
		*author = st.account_id;
		return id;
	}
	return uri ? db_status_id_by_uri(a, uri, author, err) : 0;
}

static int
notify(struct arena *a, int64_t to, int64_t from, enum notification_type type, int64_t status)
{
	struct err ignored;
	notification_add(a, to, from, type, status, &ignored);
	return 0;
}

/* ---- follows ---- */

static int
on_follow(struct arena *a, const json_t *act, const struct account *from, struct err *err)
{
	struct account *target = local_actor(a, ref(act, "object"));
	const char *follow_id = str(act, "id");
	if (target == NULL || follow_id == NULL)
		return 0; /* not one of ours: nothing to do */
	int64_t request_id = 0;
	int rc = db_follow_remote(a, from->id, target->id, follow_id, target->locked, &request_id,
				  err);
	if (rc < 0)
		return -1;
	if (rc == 1)
		notify(a, target->id, from->id,
		       target->locked ? NOTIF_FOLLOW_REQUEST : NOTIF_FOLLOW, 0);
	if (target->locked && rc != 2)
		return 0; /* the member decides; core/follow.c sends Accept or Reject then */
	struct event ev = {.kind = rc == 2 ? EV_FOLLOW_REJECTED : EV_FOLLOW_ACCEPTED,
			   .actor_id = target->id,
			   .target_id = from->id,
			   .request_id = request_id,
			   .activity_uri = follow_id};
	return ap_outbound_event(a, &ev, err);
}

/* Accept or Reject of a Follow one of our members sent. */
static int
on_answer(struct arena *a, const json_t *act, const struct account *from, bool accepted,
	  struct err *err)
{
	const json_t *obj = first(act, "object");
	struct account *follower = local_actor(a, ref(obj, "actor"));
	if (follower == NULL) {
		/* Only the Follow's id came back: "<base>/follows/<request id>". */
		const char *fid = ap_prop_ref(obj);
		const char *base = ap_base_url();
		size_t n = strlen(base);
		int64_t req;
		if (fid == NULL || strncmp(fid, base, n) != 0 || strncmp(fid + n, "/follows/", 9) != 0 ||
		    id_parse(fid + n + 9, &req) != 0)
			return 0;
		int64_t who = db_follow_request_follower(a, req, from->id, err);
		if (who < 0)
			return -1;
		if (who == 0)
			return 0;
		return db_follow_request_resolve(a, who, from->id, accepted, err) < 0 ? -1 : 0;
	}
	return db_follow_request_resolve(a, follower->id, from->id, accepted, err) < 0 ? -1 : 0;
}

static int64_t fetch_boosted(struct arena *a, const char *uri, const struct account *booster,
			     struct err *err);

/* Like or Announce (boost) of a post stored here, by a remote account: kept, and its author
 * told when it is one of our members. Reactions to posts we don't have are ignored. */
static int
on_reaction(struct arena *a, const json_t *act, const struct account *from, bool like,
	    bool undo, struct err *err)
{
	int64_t author = 0;
	const char *object = ref(act, "object");
	int64_t id = status_by_uri(a, object, &author, err);
	if (id == 0 && !like && !undo && object != NULL)
		id = fetch_boosted(a, object, from, err);
	if (id <= 0)
		return (int)id;
	struct db_ap_status st;
	if (db_ap_status(a, id, &st, err) != 0)
		return -1;
	if (st.visibility != VIS_PUBLIC && st.visibility != VIS_UNLISTED)
		return 0; /* only those can be boosted, and only their likes are federated */
	int rc;
	if (undo)
		rc = db_status_unmark(a, like ? DB_MARK_FAVOURITE : DB_MARK_REBLOG, from->id, id,
				      NULL, err);
	else if (like)
		rc = db_status_mark(a, DB_MARK_FAVOURITE, from->id, id, NULL, err);
	else
		rc = db_status_reblog(a, from->id, id, st.visibility, NULL, err);
	if (rc < 0)
		return -1;
	if (rc > 0 && !undo && st.domain == NULL)
		notify(a, author, from->id, like ? NOTIF_FAVOURITE : NOTIF_REBLOG, id);
	return 0;
}

/* A remote account blocks one of our members: kept (their posts stop reaching each other
 * through VISIBLE_TO), and follows both ways end. The member is not told. */
static int
on_block(struct arena *a, const json_t *act, const struct account *from, struct err *err)
{
	struct account *target = local_actor(a, ref(act, "object"));
	if (target == NULL)
		return 0;
	return db_block_insert(a, from->id, target->id, NULL, err) < 0 ? -1 : 0;
}

static int
on_undo(struct arena *a, const json_t *act, const struct account *from, struct err *err)
{
	const json_t *obj = first(act, "object");
	if (ap_prop_is_type(obj, "Block")) {
		struct account *target = local_actor(a, ref(obj, "object"));
		return target ? (db_block_delete(a, from->id, target->id, NULL, err) < 0 ? -1 : 0)
			      : 0;
	}
	bool like = ap_prop_is_type(obj, "Like");
	if (like || ap_prop_is_type(obj, "Announce")) {
		if (ref(obj, "actor") == NULL || strcmp(ref(obj, "actor"), from->uri) != 0)
			return err_set(err, ERR_FORBIDDEN, NULL, "undo of someone else's activity");
		return on_reaction(a, obj, from, like, true, err);
	}
	if (!ap_prop_is_type(obj, "Follow"))
		return 0;
	struct account *target = local_actor(a, ref(obj, "object"));
	if (target == NULL)
		return 0;
	return db_follow_request_resolve(a, from->id, target->id, false, err) < 0 ? -1 : 0;
}

/* ---- reports ---- */

/* Flag: the peer reports one of our members, maybe with some of their posts, to our
 * moderators. Only our own URIs in the object count, and of our posts only those the peer's
 * accounts could have seen (db_status_seen_by_domain; the others are treated as unknown):
 * the first member named, else the author of the first such post named; with it, the first
 * of that member's such posts named.
 * A Flag without an id, or naming nobody here, is acknowledged and dropped. Only the
 * sender's domain is kept, never its account. */
static int
on_flag(struct arena *a, const json_t *act, const struct account *from, struct err *err)
{
	const char *flag_id = str(act, "id"), *base = ap_base_url();
	const char **uris;
	int n = ap_flag_object_uris(a, act, &uris);
	if (flag_id == NULL || n == 0 || from->domain == NULL)
		return 0;
	struct account *target = NULL;
	for (int i = 0; i < n && target == NULL; i++)
		target = local_actor(a, uris[i]);
	int64_t status = 0;
	for (int i = 0; i < n && status == 0; i++) {
		int64_t author = 0;
		if (strncmp(uris[i], base, strlen(base)) != 0)
			continue; /* not ours */
		int64_t id = status_by_uri(a, uris[i], &author, err);
		if (id < 0)
			return -1;
		/* A post the peer's accounts could never have seen counts as one that doesn't
		 * exist: a Flag can't be used to learn of it, nor to report it. */
		int seen = id > 0 ? db_status_seen_by_domain(a, id, from->domain, err) : 0;
		if (seen < 0)
			return -1;
		if (seen == 0)
			continue;
		if (target == NULL) {
			struct err ignored;
			struct account *acct = account_by_id(a, author, &ignored);
			if (acct == NULL || acct->domain != NULL || !acct->approved)
				continue;
			target = acct;
		}
		if (author == target->id)
			status = id;
	}
	if (target == NULL)
		return 0;
	struct peer_report p = {.flag_uri = flag_id,
				.origin_domain = from->domain,
				.target_id = target->id,
				.status_id = status,
				.comment = str(act, "content")};
	return report_from_peer(a, &p, NULL, err) < 0 ? -1 : 0;
}

/* ---- notes ---- */

static bool
is_public(const char *s)
{
	return strcmp(s, AP_PUBLIC) == 0 || strcmp(s, "as:Public") == 0 || strcmp(s, "Public") == 0;
}

/* Mastodon's reading of the addressing (PROTOCOL.md section 4.4): the public collection in
 * to (or bto) is public, in cc, bcc or audience unlisted; from's followers collection without
 * it is followers-only; anything else is direct. Each property may be one value or many. */
static enum visibility
visibility_of(const json_t *note, const struct account *from)
{
	static const char *const keys[] = {"to", "bto", "cc", "bcc", "audience"};
	bool followers = false;
	size_t from_len = from->uri ? strlen(from->uri) : 0;
	for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
		const json_t *v = json_object_get(note, keys[k]);
		for (size_t i = 0, n = ap_prop_count(v); i < n; i++) {
			const char *s = ap_prop_ref(ap_prop_item(v, i));
			if (s == NULL)
				continue;
			if (is_public(s))
				return k < 2 ? VIS_PUBLIC : VIS_UNLISTED;
			if (from_len > 0 && strncmp(s, from->uri, from_len) == 0 &&
			    s[from_len] == '/' && strstr(s + from_len, "/followers") != NULL)
				followers = true;
		}
	}
	return followers ? VIS_PRIVATE : VIS_DIRECT;
}

/* Local members a note mentions (tag entries of type Mention naming our actors), each once. */
static int
local_mentions(struct arena *a, const json_t *note, int64_t *ids, int max)
{
	int n = 0;
	const json_t *tags = json_object_get(note, "tag");
	for (size_t i = 0, count = ap_prop_count(tags); i < count && n < max; i++) {
		const json_t *tag = ap_prop_item(tags, i);
		if (!ap_prop_is_type(tag, "Mention"))
			continue;
		const char *href = str(tag, "href");
		struct account *acct = local_actor(a, href ? href : ap_prop_ref(tag));
		bool seen = false;
		for (int k = 0; acct != NULL && k < n; k++)
			seen = seen || ids[k] == acct->id;
		if (acct != NULL && !seen)
			ids[n++] = acct->id;
	}
	return n;
}

/* The note's url when it is a string on the note's own host, else NULL. */
static const char *
url_or_null(const json_t *note)
{
	const char *url = ap_prop_first_url(note, "url");
	const char *id = str(note, "id");
	if (url == NULL || id == NULL)
		return NULL;
	struct arena *scratch = arena_new();
	const char *du = ap_url_domain(scratch, url), *di = ap_url_domain(scratch, id);
	bool same = du != NULL && di != NULL && strcmp(du, di) == 0;
	arena_free(scratch);
	return same ? url : NULL;
}

static const char *
plain(struct arena *a, const char *html, size_t max_chars)
{
	struct err ignored;
	const char *t = html ? html_to_text(a, html, strlen(html), &ignored) : NULL;
	if (t == NULL)
		return "";
	size_t chars = 0, i = 0;
	for (; t[i]; i++)
		if (((unsigned char)t[i] & 0xC0) != 0x80 && chars++ == max_chars)
			break;
	return arena_strndup(a, t, i);
}

/* Stores a Note by from (checked: attributed to from, id on from's host), sanitised. Unless
 * wanted, it is stored only when a member follows from, is mentioned or is replied to.
 * *id_out gets the post's id (0 when it was not stored). 0 or -1. */
static int
store_note(struct arena *a, const json_t *note, const struct account *from, bool wanted,
	   int64_t *id_out, struct err *err)
{
	*id_out = 0;
	const char *uri = str(note, "id");
	const char *author = ref(note, "attributedTo");
	if (uri == NULL || !ap_prop_is_type(note, "Note"))
		return 0;
	if (author == NULL || strcmp(author, from->uri) != 0)
		return err_set(err, ERR_FORBIDDEN, NULL, "note attributed to someone else");
	char *domain = ap_url_domain(a, uri);
	if (domain == NULL || strcmp(domain, from->domain) != 0)
		return err_set(err, ERR_FORBIDDEN, NULL, "note id on another host");
	int64_t existing_author;
	int64_t existing = db_status_id_by_uri(a, uri, &existing_author, err);
	if (existing != 0) {
		*id_out = existing > 0 ? existing : 0;
		return existing < 0 ? -1 : 0; /* already stored */
	}
	int64_t mentions[32];
	int nmentions = local_mentions(a, note, mentions, 32);
	int64_t parent_author = 0;
	int64_t parent = status_by_uri(a, ref(note, "inReplyTo"), &parent_author, err);
	if (parent < 0)
		return -1;
	int followed = wanted ? 1 : db_has_local_follower(a, from->id, err);
	if (followed < 0)
		return -1;
	if (!followed && nmentions == 0 && parent == 0)
		return 0; /* nobody here asked for it */
	const char *content = str(note, "content");
	struct err serr;
	char *html = html_sanitize(a, content ? content : "", content ? strlen(content) : 0, &serr);
	if (html == NULL)
		return err_set(err, ERR_INVALID, NULL, "note content refused: %s", serr.detail);
	int64_t id;
	enum visibility vis = visibility_of(note, from);
	struct remote_media_decl media[4];
	bool sensitive = json_is_true(json_object_get(note, "sensitive"));
	int nmedia = ap_attachments_read(a, note, media, &sensitive);
	if (db_begin(err) != 0)
		return -1;
	if (db_status_insert(a, from->id, plain(a, content, 100000), html,
			     plain(a, str(note, "summary"), 500), sensitive, vis, parent,
			     parent_author, &id, err) != 0 ||
	    db_status_set_uri(a, id, uri, url_or_null(note), err) != 0 ||
	    remote_media_record(a, id, from->domain, media, nmedia, err) != 0) {
		db_rollback();
		return -1;
	}
	for (int i = 0; i < nmentions; i++)
		if (db_status_add_mention(a, id, mentions[i], err) != 0) {
			db_rollback();
			return -1;
		}
	if (db_commit(err) != 0)
		return -1;
	*id_out = id;
	review_check_status(a, id); /* files it for review only; failures are logged */
	if (parent != 0 && parent_author != from->id)
		notify(a, parent_author, from->id, NOTIF_REPLY, id);
	for (int i = 0; i < nmentions; i++)
		if (mentions[i] != parent_author)
			notify(a, mentions[i], from->id, NOTIF_MENTION, id);
	return 0;
}

static int
on_create_note(struct arena *a, const json_t *note, const struct account *from, struct err *err)
{
	int64_t id;
	return store_note(a, note, from, false, &id, err);
}

/* A boost by a remote account a member follows, of a post this node doesn't have: the post
 * is fetched from its author's server (an allowed peer, or nothing is fetched) and stored.
 * Returns the post's id, 0 when it can't be had, -1 on a failure worth retrying. */
static int64_t
fetch_boosted(struct arena *a, const char *uri, const struct account *booster, struct err *err)
{
	int followed = db_has_local_follower(a, booster->id, err);
	if (followed <= 0)
		return followed;
	struct err ferr = {0};
	json_t *note = ap_fetch_object(a, uri, &ferr);
	if (note == NULL) {
		if (ferr.code == ERR_UNAVAILABLE) {
			*err = ferr;
			return -1;
		}
		return 0; /* refused, gone or not a document: the boost is dropped */
	}
	const char *author_uri = ref(note, "attributedTo");
	struct account *author = author_uri ? ap_resolve_actor(a, author_uri, false, &ferr) : NULL;
	if (author == NULL)
		return ferr.code == ERR_UNAVAILABLE ? (*err = ferr, -1) : 0;
	if (!ap_prop_is_type(note, "Note") || visibility_of(note, author) > VIS_UNLISTED)
		return 0; /* only public and unlisted posts can be boosted */
	int64_t id;
	if (store_note(a, note, author, true, &id, err) != 0)
		return -1;
	return id;
}

static int
on_delete(struct arena *a, const json_t *act, const struct account *from, struct err *err)
{
	const char *target = ref(act, "object");
	if (target == NULL)
		return 0;
	if (strcmp(target, from->uri) == 0) {
		int rc = db_remote_account_delete(a, from->id, err);
		media_empty_trash(a); /* the files of its posts' images, queued by the cascade */
		return rc;
	}
	int64_t author = 0;
	int64_t id = db_status_id_by_uri(a, target, &author, err);
	if (id <= 0)
		return (int)id; /* 0: not stored, nothing to do */
	if (author != from->id)
		return err_set(err, ERR_FORBIDDEN, NULL, "delete of someone else's post");
	if (db_status_delete(a, id, author, err) < 0)
		return -1;
	media_empty_trash(a); /* its images' files no other post shows */
	return 0;
}

static int
on_update(struct arena *a, const json_t *act, const struct account *from, struct err *err)
{
	const json_t *obj = first(act, "object");
	if (!json_is_object(obj))
		return 0;
	if (!ap_prop_is_type(obj, "Note")) {
		if (ap_prop_ref(obj) && strcmp(ap_prop_ref(obj), from->uri) == 0)
			return ap_resolve_actor(a, from->uri, true, err) ? 0 : -1;
		return 0;
	}
	int64_t author = 0;
	const char *uri = ap_prop_ref(obj);
	int64_t id = uri ? db_status_id_by_uri(a, uri, &author, err) : 0;
	if (id <= 0)
		return (int)id;
	if (author != from->id)
		return err_set(err, ERR_FORBIDDEN, NULL, "update of someone else's post");
	const char *content = str(obj, "content");
	struct err serr;
	char *html = html_sanitize(a, content ? content : "", content ? strlen(content) : 0, &serr);
	if (html == NULL)
		return err_set(err, ERR_INVALID, NULL, "note content refused: %s", serr.detail);
	if (db_status_update(a, id, plain(a, content, 100000), html,
			     plain(a, str(obj, "summary"), 500),
			     json_is_true(json_object_get(obj, "sensitive")), err) < 0)
		return -1;
	review_check_status(a, id); /* files it for review only; failures are logged */
	return 0;
}

int
ap_receive_job(struct arena *a, const json_t *payload, struct err *err)
{
	const json_t *act = json_object_get(payload, "activity");
	const char *signer = str(payload, "signer");
	int64_t signer_id;
	if (!json_is_object(act) || signer == NULL || id_parse(signer, &signer_id) != 0)
		return err_set(err, ERR_INVALID, NULL, "malformed inbox job");
	struct account *from = account_by_id(a, signer_id, err);
	if (from == NULL)
		return err->code == ERR_NOT_FOUND ? 0 : -1; /* the peer's account went away */
	static const char *const known[] = {"Follow", "Accept",	  "Reject", "Undo",
					    "Create", "Delete",	  "Update", "Block",
					    "Like",   "Announce", "Flag",	  "Move"};
	const char *type = ap_prop_type_in(act, known, sizeof known / sizeof known[0]);
	const char *id = str(act, "id");
	if (json_string_value(first(act, "type")) == NULL || from->uri == NULL)
		return err_set(err, ERR_INVALID, NULL, "activity without a type");
	/* A suspended remote account is heard only taking things back. */
	if (from->suspended &&
	    (type == NULL || (strcmp(type, "Delete") != 0 && strcmp(type, "Undo") != 0)))
		return 0;
	if (id != NULL) {
		/* under this job: a run of it again (its worker died after this mark, before
		 * the effects were committed) applies it again; a replay in another job doesn't */
		int fresh = db_activity_seen(a, id, worker_current_job(), err);
		if (fresh <= 0)
			return fresh; /* seen before: done */
	}
	int rc = ap_alert_receive(a, act, from, err); /* a partner's bad-date alert */
	if (rc != 0)
		rc = rc < 0 ? -1 : 0;
	else if (type == NULL)
		rc = 0; /* a kind of activity this node does nothing with */
	else if (strcmp(type, "Follow") == 0)
		rc = on_follow(a, act, from, err);
	else if (strcmp(type, "Accept") == 0)
		rc = on_answer(a, act, from, true, err);
	else if (strcmp(type, "Reject") == 0)
		rc = on_answer(a, act, from, false, err);
	else if (strcmp(type, "Undo") == 0)
		rc = on_undo(a, act, from, err);
	else if (strcmp(type, "Create") == 0)
		rc = on_create_note(a, first(act, "object"), from, err);
	else if (strcmp(type, "Delete") == 0)
		rc = on_delete(a, act, from, err);
	else if (strcmp(type, "Update") == 0)
		rc = on_update(a, act, from, err);
	else if (strcmp(type, "Block") == 0)
		rc = on_block(a, act, from, err);
	else if (strcmp(type, "Like") == 0)
		rc = on_reaction(a, act, from, true, false, err);
	else if (strcmp(type, "Announce") == 0)
		rc = on_reaction(a, act, from, false, false, err);
	else if (strcmp(type, "Flag") == 0)
		rc = on_flag(a, act, from, err);
	else if (strcmp(type, "Move") == 0)
		rc = ap_move_receive(a, act, from, err);
	if (rc != 0 && id != NULL && worker_retryable(err->code))
		db_activity_unsee(a, id); /* let the retry apply it */
	return rc;
}
