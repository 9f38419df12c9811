/* outbound.c - activities we send, built from local rows. */
#include "ap/outbound.h"

#include <string.h>
#include <time.h>

#include "ap/actor.h"
#include "ap/ap.h"
#include "ap/flag.h"
#include "ap/keys.h"
#include "core/account.h"
#include "db/federation.h"
#include "jobs/queue.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"

int
ap_enqueue_delivery(struct arena *a, const char *inbox, const json_t *activity,
		    int64_t signer_id, struct err *err)
{
	char buf[ID_STRLEN];
	json_t *payload = json_pack("{s:s,s:O,s:s}", "inbox", inbox, "activity", activity,
				    "signer", id_format(signer_id, buf));
	int64_t id = job_enqueue(a, JOB_DELIVER, payload, 0, err);
	json_decref(payload);
	return id < 0 ? -1 : 0;
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

/* Wraps object in an activity of type by the author of st, addressed like st. */
static json_t *
wrap(struct arena *a, const char *type, const char *id_suffix, const struct db_ap_status *st,
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
	return json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o}", "@context", AP_CONTEXT, "id",
			 arena_printf(a, "%s%s", ap_note_uri(a, base, st->username, st->id),
				      id_suffix),
			 "type", type, "actor", ap_actor_uri(a, base, st->username), "to", to, "cc",
			 cc, "object", object);
}

/* Sends activity to the inboxes of the remote accounts the post (the activity's object, or
 * its Tombstone's post) mentions. */
static int
to_mentioned(struct arena *a, int64_t signer, const json_t *activity, struct err *err)
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
		if (m[i].inbox != NULL &&
		    ap_enqueue_delivery(a, m[i].inbox, activity, signer, err) != 0)
			return -1;
	return n < 0 ? -1 : 0;
}

/* Sends activity (consumed), signed by signer, to the remote followers of signer and to the
 * remote author of post also_author_of (0: none) — a reply's parent, a liked post — each
 * inbox once. */
static int
fan_out(struct arena *a, int64_t signer, int64_t also_author_of, json_t *activity,
	struct err *err)
{
	const char **inboxes, *extra = NULL;
	int n = db_remote_follower_inboxes(a, signer, &inboxes, err);
	int rc = n < 0 ? -1 : 0;
	rc = rc == 0 ? to_mentioned(a, signer, activity, err) : rc;
	if (rc == 0 && also_author_of != 0)
		rc = db_status_remote_author_inbox(a, also_author_of, &extra, err);
	for (int i = 0; rc == 0 && i < n; i++) {
		rc = ap_enqueue_delivery(a, inboxes[i], activity, signer, err);
		if (extra != NULL && strcmp(extra, inboxes[i]) == 0)
			extra = NULL; /* the author's server gets it through its shared inbox */
	}
	if (rc == 0 && extra != NULL)
		rc = ap_enqueue_delivery(a, extra, activity, signer, err);
	json_decref(activity);
	return rc;
}

/* The ActivityPub id of a post: ours, or the one its server gave it. */
static const char *
note_uri(struct arena *a, const struct db_ap_status *st)
{
	return st->uri ? st->uri : ap_note_uri(a, ap_base_url(), st->username, st->id);
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
	char buf[ID_STRLEN];
	id_format(st->id, buf);
	bool like = ev->kind == EV_FAVOURITE || ev->kind == EV_UNFAVOURITE;
	bool undo = ev->kind == EV_UNFAVOURITE || ev->kind == EV_UNREBLOG;
	char *id = arena_printf(a, "%s#%s/%s", actor, like ? "likes" : "announces", buf);
	json_t *act = json_pack("{s:s,s:s,s:s,s:s,s:s}", "@context", AP_CONTEXT, "id", id, "type",
				like ? "Like" : "Announce", "actor", actor, "object",
				note_uri(a, st));
	if (!like) {
		json_object_set_new(act, "to", json_pack("[s]", AP_PUBLIC));
		json_object_set_new(act, "cc", json_pack("[s]", ap_actor_path_uri(a, base,
										   me->username,
										   "followers")));
	}
	if (undo) {
		json_object_del(act, "@context");
		act = json_pack("{s:s,s:s,s:s,s:s,s:o}", "@context", AP_CONTEXT, "id",
				arena_printf(a, "%s/undo", id), "type", "Undo", "actor", actor,
				"object", act);
	}
	if (like) { /* only the author's server needs to hear of a like */
		const char *inbox;
		int rc = db_status_remote_author_inbox(a, st->id, &inbox, err);
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
	/* Members-only never leaves the node; remote posts are not ours to send. */
	if (st.domain != NULL || st.visibility == VIS_MEMBERS)
		return 0;
	int64_t parent = st.in_reply_to_id;
	if (st.visibility == VIS_DIRECT) { /* the mentioned accounts, and nobody else */
		json_t *act =
			ev->kind == EV_STATUS_DELETING
				? wrap(a, "Delete", "#delete", &st,
				       json_pack("{s:s,s:s}", "id", note_uri(a, &st), "type",
						 "Tombstone"))
				: wrap(a, ev->kind == EV_STATUS_CREATED ? "Create" : "Update",
				       ev->kind == EV_STATUS_CREATED ? "/activity" : "#update", &st,
				       ap_note_json(a, &st));
		int rc = to_mentioned(a, st.account_id, act, err);
		json_decref(act);
		return rc;
	}
	if (ev->kind == EV_STATUS_CREATED)
		return fan_out(a, st.account_id, parent,
			       wrap(a, "Create", "/activity", &st, ap_note_json(a, &st)), err);
	if (ev->kind == EV_STATUS_UPDATED) {
		char *suffix = arena_printf(a, "#updates/%s", st.updated ? st.updated : "");
		return fan_out(a, st.account_id, parent,
			       wrap(a, "Update", suffix, &st, ap_note_json(a, &st)), err);
	}
	json_t *tombstone = json_pack("{s:s,s:s}", "id",
				      ap_note_uri(a, ap_base_url(), st.username, st.id), "type",
				      "Tombstone");
	return fan_out(a, st.account_id, parent, wrap(a, "Delete", "#delete", &st, tombstone),
		       err);
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
		int64_t req = db_follow_request_id(a, me->id, them->id, err);
		if (req < 0)
			return -1;
		act = json_pack("{s:s,s:s,s:s,s:s,s:s}", "@context", AP_CONTEXT, "id",
				arena_printf(a, "%s/follows/%s", base, id_format(req, buf)), "type",
				"Follow", "actor", actor, "object", them->uri);
		break;
	}
	case EV_UNFOLLOW:
		act = json_pack("{s:s,s:s,s:s,s:s,s:{s:s,s:s,s:s}}", "@context", AP_CONTEXT, "id",
				arena_printf(a, "%s#follows/%s/undo", actor,
					     id_format(them->id, buf)),
				"type", "Undo", "actor", actor, "object", "type", "Follow", "actor",
				actor, "object", them->uri);
		break;
	case EV_FOLLOW_ACCEPTED:
	case EV_FOLLOW_REJECTED:
		act = json_pack("{s:s,s:s,s:s,s:s,s:{s:s,s:s,s:s,s:s}}", "@context", AP_CONTEXT,
				"id",
				arena_printf(a, "%s#%s/%s", actor,
					     ev->kind == EV_FOLLOW_ACCEPTED ? "accepts" : "rejects",
					     id_format(ev->request_id, buf)),
				"type", ev->kind == EV_FOLLOW_ACCEPTED ? "Accept" : "Reject", "actor",
				actor, "object", "id", ev->activity_uri ? ev->activity_uri : "",
				"type", "Follow", "actor", them->uri, "object", actor);
		break;
	default:
		return 0;
	}
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
	char buf[ID_STRLEN];
	char *id = arena_printf(a, "%s#blocks/%s", actor, id_format(them->id, buf));
	json_t *act = json_pack("{s:s,s:s,s:s,s:s,s:s}", "@context", AP_CONTEXT, "id", id, "type",
				"Block", "actor", actor, "object", them->uri);
	if (ev->kind == EV_UNBLOCK) {
		json_object_del(act, "@context");
		act = json_pack("{s:s,s:s,s:s,s:s,s:o}", "@context", AP_CONTEXT, "id",
				arena_printf(a, "%s/undo", id), "type", "Undo", "actor", actor,
				"object", act);
	}
	int rc = ap_enqueue_delivery(a, inbox, act, me->id, err);
	json_decref(act);
	return rc;
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
	json_t *act = json_pack("{s:s,s:s,s:s,s:s,s:[s],s:o}", "@context", AP_CONTEXT, "id",
				arena_printf(a, "%s#updates/%lld", actor, (long long)time(NULL)),
				"type", "Update", "actor", actor, "to", AP_PUBLIC, "object",
				ap_person_json(a, base, me, pub));
	int rc = 0;
	for (int i = 0; rc == 0 && i < n; i++)
		rc = ap_enqueue_delivery(a, inboxes[i], act, me->id, err);
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
	case EV_REPORT_FORWARDED:
		return ap_flag_event(a, ev, err);
	case EV__MAX:
		break;
	}
	return 0;
}
