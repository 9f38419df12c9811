/* outbound.c - activities we send, built from local rows. */
#include "ap/outbound.h"

#include <string.h>
#include <stdlib.h>

#include "ap/actor.h"
#include "ap/ap.h"
#include "ap/alerts.h"
#include "ap/flag.h"
#include "ap/keys.h"
#include "ap/move.h"
#include "core/account.h"
#include "db/deletion.h"
#include "db/federation.h"
#include "db/media.h"
#include "jobs/queue.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"

/* Queues activity for inbox; farewell lets it through after the inbox's domain stopped being
 * a peer (deliver.c), for the Reject and Undo that end its follows. */
static int
enqueue(struct arena *a, const char *inbox, const json_t *activity, int64_t signer_id,
	bool farewell, struct err *err)
{
	char buf[ID_STRLEN];
	json_t *payload = json_pack("{s:s,s:O,s:s}", "inbox", inbox, "activity", activity,
				    "signer", id_format(signer_id, buf));
	if (farewell)
		json_object_set_new(payload, "farewell", json_true());
	int64_t id = job_enqueue(a, JOB_DELIVER, payload, 0, err);
	json_decref(payload);
	return id < 0 ? -1 : 0;
}

int
ap_enqueue_delivery(struct arena *a, const char *inbox, const json_t *activity,
		    int64_t signer_id, struct err *err)
{
	return enqueue(a, inbox, activity, signer_id, false, err);
}

/* A new activity id: "<prefix>/<a parasol_id()>", never sent before (receivers drop an id
 * they have seen, so a second like or edit with an old id would be lost). NULL + err. */
static char *
fresh_id(struct arena *a, const char *prefix, struct err *err)
{
	int64_t id = db_fresh_id(a, err);
	if (id < 0)
		return NULL;
	char buf[ID_STRLEN];
	return arena_printf(a, "%s/%s", prefix, id_format(id, buf));
}

/* The inboxes one activity goes to, each once however many reasons it has (a follower who
 * is also mentioned, the replied-to author on a follower's server). */
struct inboxes {
	const char **v;
	int n, cap;
};

static void
inboxes_add(struct arena *a, struct inboxes *s, const char *inbox)
{
	if (inbox == NULL)
		return;
	if (s->n == s->cap) {
		int cap = s->cap ? s->cap * 2 : 16;
		const char **v = arena_alloc(a, sizeof *v * (size_t)cap);
		if (s->n > 0)
			memcpy(v, s->v, sizeof *v * (size_t)s->n);
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = inbox;
}

static int
compare_strings(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Queues activity (not consumed), signed by signer, once per distinct inbox of s. */
static int
inboxes_send(struct arena *a, struct inboxes *s, const json_t *activity, int64_t signer,
	     struct err *err)
{
	if (s->n > 1)
		qsort(s->v, (size_t)s->n, sizeof *s->v, compare_strings);
	for (int i = 0; i < s->n; i++) {
		if (i > 0 && strcmp(s->v[i], s->v[i - 1]) == 0)
			continue;
		if (enqueue(a, s->v[i], activity, signer, false, err) != 0)
			return -1;
	}
	return 0;
}

void
ap_addressing(struct arena *a, const char *username, int vis, json_t **to, json_t **cc)
{
	const char *followers = ap_actor_path_uri(a, ap_base_url(), username, "followers");
	switch (vis) {
	case VIS_PUBLIC:
		*to = json_pack("[s]", AP_PUBLIC);
		*cc = json_pack("[s]", followers);
		break;
	case VIS_UNLISTED:
		*to = json_pack("[s]", followers);
		*cc = json_pack("[s]", AP_PUBLIC);
		break;
	case VIS_PRIVATE:
		*to = json_pack("[s]", followers);
		*cc = json_array();
		break;
	default: /* direct: the mentioned accounts, added by the caller */
		*to = json_array();
		*cc = json_array();
		break;
	}
}

/* Adds the post's mentions as Mention tags and to its addressing: "to" for a direct post,
 * "cc" otherwise. */
static void
add_mentions(struct arena *a, const struct db_ap_status *st, json_t *to, json_t *cc,
	     json_t *tags)
{
	const char *base = ap_base_url();
	for (int i = 0; i < st->nmentions; i++) {
		const struct db_mention *m = &st->mentions[i];
		const char *href = m->uri ? m->uri : ap_actor_uri(a, base, m->username);
		const char *name = arena_printf(a, "@%s@%s", m->username,
						m->domain ? m->domain : ap_local_domain(a, base));
		json_array_append_new(tags, json_pack("{s:s,s:s,s:s}", "type", "Mention", "href",
						      href, "name", name));
		json_array_append_new(st->visibility == VIS_DIRECT ? to : cc, json_string(href));
	}
}

/* Adds the post's hashtags as Hashtag tags linking to our tag pages. */
static void
add_hashtags(struct arena *a, const struct db_ap_status *st, json_t *tags)
{
	for (int i = 0; i < st->ntags; i++)
		json_array_append_new(tags, json_pack("{s:s,s:s,s:s}", "type", "Hashtag", "name",
						      arena_printf(a, "#%s", st->tags[i]), "href",
						      arena_printf(a, "%s/tags/%s", ap_base_url(),
								   st->tags[i])));
}

/* The post's images as Mastodon and Fedify read them: Documents with the media type, the
 * full image's URL on this node, the alt text as name, the size and the blurhash. */
static json_t *
attachments(struct arena *a, const struct db_ap_status *st)
{
	json_t *list = json_array();
	for (int i = 0; i < st->nmedia; i++) {
		const struct media_row *m = &st->media[i];
		json_t *doc = json_pack(
		    "{s:s,s:s,s:s,s:i,s:i,s:s}", "type", "Document", "mediaType", m->media_type,
		    "url", arena_printf(a, "%s/media/%s", ap_base_url(), m->file_name), "width",
		    m->width, "height", m->height, "blurhash", m->blurhash);
		json_object_set_new(doc, "name", m->description && *m->description
						     ? json_string(m->description)
						     : json_null());
		json_array_append_new(list, doc);
	}
	return list;
}

json_t *
ap_note_json(struct arena *a, const struct db_ap_status *st)
{
	const char *base = ap_base_url();
	json_t *to, *cc, *tags = json_array();
	ap_addressing(a, st->username, st->visibility, &to, &cc);
	add_mentions(a, st, to, cc, tags);
	add_hashtags(a, st, tags);
	json_t *note = json_pack(
		"{s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:o, s:o}", "id",
		ap_note_uri(a, base, st->username, st->id), "type", "Note", "attributedTo",
		ap_actor_uri(a, base, st->username), "content",
		ap_absolute_links(a, base, st->content ? st->content : ""), "url",
		arena_printf(a, "%s/@%s/%lld", base, st->username, (long long)st->id), "sensitive",
		st->sensitive, "published", st->published, "to", to, "cc", cc);
	json_object_set_new(note, "tag", tags);
	json_object_set_new(note, "attachment", attachments(a, st));
	json_object_set_new(note, "summary",
			    st->spoiler_text && *st->spoiler_text ? json_string(st->spoiler_text)
								  : json_null());
	if (st->updated != NULL)
		json_object_set_new(note, "updated", json_string(st->updated));
	const char *reply = st->in_reply_to_uri;
	if (reply == NULL && st->in_reply_to_username != NULL)
		reply = ap_note_uri(a, base, st->in_reply_to_username, st->in_reply_to_id);
	json_object_set_new(note, "inReplyTo", reply ? json_string(reply) : json_null());
	return note;
}

/* Wraps object in an activity of type with id by the author of st, addressed like st. */
static json_t *
wrap(struct arena *a, const char *type, const char *id, const struct db_ap_status *st,
     json_t *object)
{
	const char *base = ap_base_url();
	json_t *to = json_incref(json_object_get(object, "to"));
	json_t *cc = json_incref(json_object_get(object, "cc"));
	if (to == NULL || cc == NULL) { /* a Tombstone: address it like the post was */
		json_decref(to);
		json_decref(cc);
		json_t *tags = json_array();
		ap_addressing(a, st->username, st->visibility, &to, &cc);
		add_mentions(a, st, to, cc, tags);
		json_decref(tags);
	}
	return json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o}", "@context", AP_CONTEXT, "id", id,
			 "type", type, "actor", ap_actor_uri(a, base, st->username), "to", to, "cc",
			 cc, "object", object);
}

/* Adds the inboxes of the remote accounts the post (the activity's object, or its
 * Tombstone's post) mentions. */
static int
add_mentioned(struct arena *a, const json_t *activity, struct inboxes *to, struct err *err)
{
	const char *note = json_string_value(json_object_get(json_object_get(activity, "object"),
							     "id"));
	int64_t id = 0;
	const char *mark = note ? strstr(note, "/statuses/") : NULL;
	if (mark == NULL || id_parse(mark + 10, &id) != 0)
		return 0; /* not a post of ours (a boost or a like points at a URI) */
	struct db_mention *m;
	int n = db_status_mention_actors(a, id, &m, err);
	for (int i = 0; i < n; i++)
		inboxes_add(a, to, m[i].inbox);
	return n < 0 ? -1 : 0;
}

/* Collects into to the inboxes of the remote followers of signer, the remote accounts the
 * activity's post mentions and the remote author of post also_author_of (0: none) — a
 * reply's parent, a boosted post — (shared inboxes where servers have them). 0 or -1. */
static int
fan_out_inboxes(struct arena *a, int64_t signer, int64_t also_author_of,
		const json_t *activity, struct inboxes *to, struct err *err)
{
	const char **inboxes, *author = NULL;
	int n = db_remote_follower_inboxes(a, signer, &inboxes, err);
	int rc = n < 0 ? -1 : 0;
	for (int i = 0; i < n; i++)
		inboxes_add(a, to, inboxes[i]);
	rc = rc == 0 ? add_mentioned(a, activity, to, err) : rc;
	if (rc == 0 && also_author_of != 0)
		rc = db_status_remote_author_inbox(a, also_author_of, true, &author, err);
	inboxes_add(a, to, author);
	return rc;
}

/* Sends activity (consumed), signed by signer, to fan_out_inboxes' inboxes, each once. */
static int
fan_out(struct arena *a, int64_t signer, int64_t also_author_of, json_t *activity,
	struct err *err)
{
	struct inboxes to = {0};
	int rc = fan_out_inboxes(a, signer, also_author_of, activity, &to, err);
	if (rc == 0)
		rc = inboxes_send(a, &to, activity, signer, err);
	json_decref(activity);
	return rc;
}

static const char *note_uri(struct arena *a, const struct db_ap_status *st);

int
ap_delivery_audience_has(struct arena *a, const char *type, int64_t status_id, int64_t signer,
			 const char *inbox, struct err *err)
{
	/* fan_out_inboxes' sources, each asked about this one inbox: the few mentioned
	 * accounts and the author of a parent or boosted post first, then the followers by
	 * key, never by listing them all (a post to 500 inboxes makes 500 deliveries) */
	struct inboxes to = {0};
	const char *author = NULL;
	int64_t followers_of = signer, author_of = status_id;
	int rc = 0;
	if (strcmp(type, "Announce") != 0) {
		struct db_ap_status st;
		if (db_ap_status(a, status_id, &st, err) != 0)
			return err->code == ERR_NOT_FOUND ? (err_clear(err), 0) : -1;
		/* add_mentioned reads the post's id from the activity's object */
		json_t *act = json_pack("{s:{s:s}}", "object", "id", note_uri(a, &st));
		if (act == NULL)
			return err_set(err, ERR_INTERNAL, NULL, "out of memory");
		rc = add_mentioned(a, act, &to, err);
		json_decref(act);
		followers_of = st.visibility == VIS_DIRECT ? 0 : st.account_id;
		author_of = st.visibility == VIS_DIRECT ? 0 : st.in_reply_to_id;
	}
	if (rc == 0 && author_of != 0)
		rc = db_status_remote_author_inbox(a, author_of, true, &author, err);
	if (rc != 0)
		return -1;
	inboxes_add(a, &to, author);
	for (int i = 0; i < to.n; i++)
		if (strcmp(to.v[i], inbox) == 0)
			return 1;
	return followers_of != 0 ? db_remote_follower_inbox_is(a, followers_of, inbox, err) : 0;
}

/* The ActivityPub id of a post: ours, or the one its server gave it. */
static const char *
note_uri(struct arena *a, const struct db_ap_status *st)
{
	return st->uri ? st->uri : ap_note_uri(a, ap_base_url(), st->username, st->id);
}

/* Wraps act (consumed) in an Undo by actor whose id is act's plus "/undo": each activity is
 * taken back at most once, so that id is new too, and the same on every retry. */
static json_t *
undo_of(struct arena *a, const char *actor, json_t *act)
{
	const char *id = json_string_value(json_object_get(act, "id"));
	json_object_del(act, "@context");
	return json_pack("{s:s,s:s,s:s,s:s,s:o}", "@context", AP_CONTEXT, "id",
			 arena_printf(a, "%s/undo", id ? id : actor), "type", "Undo", "actor",
			 actor, "object", act);
}

/* The id of an activity that made a row (a like, a boost, a block): "<actor>#<kind>/<row>",
 * the same when its Undo names it later; a fresh one if the row is unknown. NULL + err. */
static char *
row_activity_id(struct arena *a, const char *actor, const char *kind, int64_t row,
		struct err *err)
{
	char *prefix = arena_printf(a, "%s#%s", actor, kind);
	if (row <= 0)
		return fresh_id(a, prefix, err);
	char buf[ID_STRLEN];
	return arena_printf(a, "%s/%s", prefix, id_format(row, buf));
}

/* Like, Announce and their Undo by member about post st. */
static int
reaction_event(struct arena *a, const struct event *ev, const struct db_ap_status *st,
	       struct err *err)
{
	struct account *me = account_by_id(a, ev->actor_id, err);
	if (me == NULL)
		return -1;
	const char *base = ap_base_url();
	char *actor = ap_actor_uri(a, base, me->username);
	bool like = ev->kind == EV_FAVOURITE || ev->kind == EV_UNFAVOURITE;
	bool undo = ev->kind == EV_UNFAVOURITE || ev->kind == EV_UNREBLOG;
	/* The like's or boost's own id names the activity: a like after an unlike is a new
	 * like with a new id, and the Undo names the one it takes back. */
	char *id = row_activity_id(a, actor, like ? "likes" : "announces", ev->object_id, err);
	if (id == NULL)
		return -1;
	json_t *act = json_pack("{s:s,s:s,s:s,s:s,s:s}", "@context", AP_CONTEXT, "id", id, "type",
				like ? "Like" : "Announce", "actor", actor, "object",
				note_uri(a, st));
	if (!like) {
		json_object_set_new(act, "to", json_pack("[s]", AP_PUBLIC));
		json_object_set_new(act, "cc", json_pack("[s]", ap_actor_path_uri(a, base,
										   me->username,
										   "followers")));
	}
	if (undo)
		act = undo_of(a, actor, act);
	if (like) { /* only the author's server needs to hear of a like */
		const char *inbox;
		int rc = db_status_remote_author_inbox(a, st->id, false, &inbox, err);
		if (rc == 0 && inbox != NULL)
			rc = ap_enqueue_delivery(a, inbox, act, me->id, err);
		json_decref(act);
		return rc;
	}
	return fan_out(a, me->id, st->id, act, err);
}

static int
status_event(struct arena *a, const struct event *ev, struct err *err)
{
	struct db_ap_status st;
	if (db_ap_status(a, ev->status_id, &st, err) != 0)
		return -1;
	if (ev->kind != EV_STATUS_CREATED && ev->kind != EV_STATUS_DELETING &&
	    ev->kind != EV_STATUS_UPDATED) {
		/* Reactions to posts that never leave the node don't either. */
		if (st.visibility != VIS_PUBLIC && st.visibility != VIS_UNLISTED)
			return 0;
		return reaction_event(a, ev, &st, err);
	}
	/* Remote posts are not ours to send. */
	if (st.domain != NULL)
		return 0;
	const char *uri = note_uri(a, &st);
	/* What a deleted post said must not go out any more: its Creates and Updates still
	 * queued (for a peer that is down, say) go, before its Delete is queued. */
	if (ev->kind == EV_STATUS_DELETING && db_drop_object_deliveries(a, uri, err) < 0)
		return -1;
	/* Members-only never leaves the node. */
	if (st.visibility == VIS_MEMBERS)
		return 0;
	json_t *act;
	if (ev->kind == EV_STATUS_DELETING) {
		act = wrap(a, "Delete", arena_printf(a, "%s#delete", uri), &st,
			   json_pack("{s:s,s:s}", "id", uri, "type", "Tombstone"));
	} else if (ev->kind == EV_STATUS_CREATED) {
		act = wrap(a, "Create", arena_printf(a, "%s/activity", uri), &st,
			   ap_note_json(a, &st));
	} else { /* every edit is a new Update: a receiver drops an id it has seen */
		char *id = fresh_id(a, arena_printf(a, "%s#updates", uri), err);
		if (id == NULL)
			return -1;
		act = wrap(a, "Update", id, &st, ap_note_json(a, &st));
	}
	if (st.visibility == VIS_DIRECT) { /* the mentioned accounts, and nobody else */
		struct inboxes to = {0};
		int rc = add_mentioned(a, act, &to, err);
		if (rc == 0)
			rc = inboxes_send(a, &to, act, st.account_id, err);
		json_decref(act);
		return rc;
	}
	return fan_out(a, st.account_id, st.in_reply_to_id, act, err);
}

/* Undo(Follow) by actor of the follow of them_uri whose Follow had id follow_uri (NULL when it
 * was not stored: the Follow is then named by actor and object, with a fresh Undo id). */
static json_t *
undo_follow(struct arena *a, const char *actor, const char *them_uri, const char *follow_uri,
	    struct err *err)
{
	json_t *follow = json_pack("{s:s,s:s,s:s}", "type", "Follow", "actor", actor, "object",
				   them_uri);
	if (follow_uri != NULL) {
		json_object_set_new(follow, "id", json_string(follow_uri));
		return undo_of(a, actor, follow);
	}
	char *id = fresh_id(a, arena_printf(a, "%s#follows", actor), err);
	if (id == NULL) {
		json_decref(follow);
		return NULL;
	}
	return json_pack("{s:s,s:s,s:s,s:s,s:o}", "@context", AP_CONTEXT, "id",
			 arena_printf(a, "%s/undo", id), "type", "Undo", "actor", actor, "object",
			 follow);
}

/* Accept or Reject by actor of them_uri's Follow (id follow_uri, "" when unknown), with a
 * fresh id: a peer may follow, be refused and follow again. */
static json_t *
answer_follow(struct arena *a, bool accept, const char *actor, const char *them_uri,
	      const char *follow_uri, struct err *err)
{
	char *id = fresh_id(a, arena_printf(a, "%s#%s", actor, accept ? "accepts" : "rejects"),
			    err);
	if (id == NULL)
		return NULL;
	return json_pack("{s:s,s:s,s:s,s:s,s:{s:s,s:s,s:s,s:s}}", "@context", AP_CONTEXT, "id",
			 id, "type", accept ? "Accept" : "Reject", "actor", actor, "object", "id",
			 follow_uri ? follow_uri : "", "type", "Follow", "actor", them_uri,
			 "object", actor);
}

static int
follow_event(struct arena *a, const struct event *ev, struct err *err)
{
	const char *base = ap_base_url();
	struct account *me = account_by_id(a, ev->actor_id, err);
	struct account *them = me ? account_by_id(a, ev->target_id, err) : NULL;
	if (them == NULL)
		return -1;
	if (them->domain == NULL || them->uri == NULL)
		return 0;
	const char *inbox = them->uri; /* replaced below by the stored inbox */
	if (db_account_inbox(a, them->id, &inbox, err) != 0)
		return -1;
	char *actor = ap_actor_uri(a, base, me->username);
	json_t *act = NULL;
	char buf[ID_STRLEN];
	switch (ev->kind) {
	case EV_FOLLOW: {
		/* One request, one Follow id; kept with the request (and the follow it becomes)
		 * so that the Undo names it. */
		int64_t req = db_follow_request_id(a, me->id, them->id, err);
		if (req < 0)
			return -1;
		char *id = arena_printf(a, "%s/follows/%s", base, id_format(req, buf));
		if (req > 0 && db_follow_request_set_uri(a, req, id, err) != 0)
			return -1;
		act = json_pack("{s:s,s:s,s:s,s:s,s:s}", "@context", AP_CONTEXT, "id", id, "type",
				"Follow", "actor", actor, "object", them->uri);
		break;
	}
	case EV_UNFOLLOW:
		act = undo_follow(a, actor, them->uri, ev->activity_uri, err);
		break;
	case EV_FOLLOW_ACCEPTED:
	case EV_FOLLOW_REJECTED:
		act = answer_follow(a, ev->kind == EV_FOLLOW_ACCEPTED, actor, them->uri,
				    ev->activity_uri, err);
		break;
	default:
		return 0;
	}
	if (act == NULL)
		return -1;
	int rc = ap_enqueue_delivery(a, inbox, act, me->id, err);
	json_decref(act);
	return rc;
}

/* Block / Undo(Block) of a remote account: to its own inbox. */
static int
block_event(struct arena *a, const struct event *ev, struct err *err)
{
	struct account *me = account_by_id(a, ev->actor_id, err);
	struct account *them = me ? account_by_id(a, ev->target_id, err) : NULL;
	if (them == NULL)
		return -1;
	const char *inbox;
	if (them->uri == NULL || db_account_inbox(a, them->id, &inbox, err) != 0)
		return them->uri == NULL ? 0 : -1;
	char *actor = ap_actor_uri(a, ap_base_url(), me->username);
	char *id = row_activity_id(a, actor, "blocks", ev->object_id, err);
	if (id == NULL)
		return -1;
	json_t *act = json_pack("{s:s,s:s,s:s,s:s,s:s}", "@context", AP_CONTEXT, "id", id, "type",
				"Block", "actor", actor, "object", them->uri);
	if (ev->kind == EV_UNBLOCK)
		act = undo_of(a, actor, act);
	int rc = ap_enqueue_delivery(a, inbox, act, me->id, err);
	json_decref(act);
	return rc;
}

/* The most follows one peer removal tells the peer about. */
#define PEER_FAREWELL_MAX 100000

/* A peer is about to be removed: while it still may be reached, each follow between a member
 * and one of its accounts is ended on its side too — our members' follows with an
 * Undo(Follow), its accounts' follows of our members with a Reject —, so that both sides
 * agree. The deliveries are marked farewell: deliver.c lets them through after the removal. */
static int
peer_removed_event(struct arena *a, const struct event *ev, struct err *err)
{
	struct db_peer_follow *f;
	int n = db_peer_follows(a, ev->domain, ev->subdomains, PEER_FAREWELL_MAX, &f, err);
	if (n < 0)
		return -1;
	const char *base = ap_base_url();
	for (int i = 0; i < n; i++) {
		int64_t local_id = f[i].outgoing ? f[i].follower_id : f[i].target_id;
		int64_t remote_id = f[i].outgoing ? f[i].target_id : f[i].follower_id;
		struct account *me = account_by_id(a, local_id, err);
		struct account *them = me ? account_by_id(a, remote_id, err) : NULL;
		const char *inbox;
		if (them == NULL || them->uri == NULL)
			return -1;
		if (db_account_inbox(a, them->id, &inbox, err) != 0) {
			if (err->code != ERR_NOT_FOUND)
				return -1;
			continue; /* nowhere to send it */
		}
		char *actor = ap_actor_uri(a, base, me->username);
		json_t *act = f[i].outgoing
				      ? undo_follow(a, actor, them->uri, f[i].uri, err)
				      : answer_follow(a, false, actor, them->uri, f[i].uri, err);
		if (act == NULL)
			return -1;
		int rc = enqueue(a, inbox, act, me->id, true, err);
		json_decref(act);
		if (rc != 0)
			return -1;
	}
	return 0;
}

/* Update(Person) to every remote follower, after a profile change. */
static int
profile_event(struct arena *a, const struct event *ev, struct err *err)
{
	struct account *me = account_by_id(a, ev->actor_id, err);
	if (me == NULL)
		return -1;
	if (me->domain != NULL)
		return 0;
	const char **inboxes;
	int n = db_remote_follower_inboxes(a, me->id, &inboxes, err);
	if (n <= 0)
		return n; /* nobody to tell: no key needed either */
	const char *priv, *pub;
	if (ap_account_keys(a, me->id, &priv, &pub, err) != 0)
		return -1;
	const char *base = ap_base_url();
	char *actor = ap_actor_uri(a, base, me->username);
	char *id = fresh_id(a, arena_printf(a, "%s#updates", actor), err);
	if (id == NULL)
		return -1;
	json_t *act = json_pack("{s:s,s:s,s:s,s:s,s:[s],s:o}", "@context", AP_CONTEXT, "id", id,
				"type", "Update", "actor", actor, "to", AP_PUBLIC, "object",
				ap_person_json(a, base, me, pub));
	struct inboxes to = {0};
	for (int i = 0; i < n; i++)
		inboxes_add(a, &to, inboxes[i]);
	int rc = inboxes_send(a, &to, act, me->id, err);
	json_decref(act);
	return rc;
}

/* Delete(Person) of a member deleting their account, to every server it follows, is
 * followed by, or has a follow request with. Queued after its posts' Deletes, so each inbox
 * gets the actor's last; signed with its key when sent (the key is forgotten only once no
 * delivery it signs is left, db/deletion.h). */
static int
account_deleting_event(struct arena *a, const struct event *ev, struct err *err)
{
	struct account *me = account_by_id(a, ev->actor_id, err);
	if (me == NULL)
		return -1;
	if (me->domain != NULL)
		return 0;
	const char **inboxes;
	int n = db_account_contact_inboxes(a, me->id, &inboxes, err);
	if (n <= 0)
		return n; /* nobody to tell */
	const char *priv, *pub;
	if (ap_account_keys(a, me->id, &priv, &pub, err) != 0)
		return -1;
	char *actor = ap_actor_uri(a, ap_base_url(), me->username);
	json_t *act = json_pack("{s:s,s:s,s:s,s:s,s:[s],s:s}", "@context", AP_CONTEXT, "id",
				arena_printf(a, "%s#delete", actor), "type", "Delete", "actor",
				actor, "to", AP_PUBLIC, "object", actor);
	struct inboxes to = {0};
	for (int i = 0; i < n; i++)
		inboxes_add(a, &to, inboxes[i]);
	int rc = inboxes_send(a, &to, act, me->id, err);
	json_decref(act);
	return rc;
}

int
ap_outbound_event(struct arena *a, const struct event *ev, struct err *err)
{
	switch (ev->kind) {
	case EV_STATUS_CREATED:
	case EV_STATUS_DELETING:
	case EV_STATUS_UPDATED:
	case EV_REBLOG:
	case EV_UNREBLOG:
	case EV_FAVOURITE:
	case EV_UNFAVOURITE:
		return status_event(a, ev, err);
	case EV_FOLLOW:
	case EV_UNFOLLOW:
	case EV_FOLLOW_ACCEPTED:
	case EV_FOLLOW_REJECTED:
		return follow_event(a, ev, err);
	case EV_BLOCK:
	case EV_UNBLOCK:
		return block_event(a, ev, err);
	case EV_PROFILE_UPDATED:
		return profile_event(a, ev, err);
	case EV_ACCOUNT_DELETING:
		return account_deleting_event(a, ev, err);
	case EV_REPORT_FORWARDED:
		return ap_flag_event(a, ev, err);
	case EV_PEER_REMOVED:
		return peer_removed_event(a, ev, err);
	case EV_ACCOUNT_MOVED:
		return ap_move_event(a, ev, err);
	case EV_ALERT_SHARED:
	case EV_ALERT_UNSHARED:
		return ap_alert_event(a, ev, err);
	case EV__MAX:
		break;
	}
	return 0;
}
