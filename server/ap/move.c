/* move.c - see move.h. */
#include "ap/move.h"

#include <string.h>

#include "ap/ap.h"
#include "ap/keys.h"
#include "ap/outbound.h"
#include "ap/props.h"
#include "ap/resolve.h"
#include "core/account.h"
#include "core/federation.h"
#include "db/db.h"
#include "db/federation.h"
#include "db/moves.h"
#include "util/arena.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/id.h"
#include "util/log.h"

/* The approved member a URI of ours names ("<base>/users/<name>"), NULL when it names none
 * (*ours says whether the URI is under our base at all). */
static struct account *
local_member(struct arena *a, const char *uri, bool *ours)
{
	const char *base = ap_base_url();
	size_t n = strlen(base);
	*ours = strncmp(uri, base, n) == 0 && strchr("/#?", uri[n]) != NULL;
	if (!*ours || strncmp(uri + n, "/users/", 7) != 0)
		return NULL;
	const char *name = uri + n + 7;
	if (*name == '\0' || strchr(name, '/') != NULL || strchr(name, '#') != NULL)
		return NULL;
	struct err ignored;
	struct account *acct = account_by_username(a, name, &ignored);
	return acct != NULL && acct->approved ? acct : NULL;
}

/* What a move's target says now: a member here from the database, a remote actor fetched
 * fresh. *aka_has_old: its alsoKnownAs holds old_uri; *moved_to: its movedTo, or NULL. */
static struct account *
target_now(struct arena *a, const char *uri, const char *old_uri, bool *aka_has_old,
	   const char **moved_to, struct err *err)
{
	*aka_has_old = false;
	*moved_to = NULL;
	bool ours;
	struct account *acct = local_member(a, uri, &ours);
	if (ours) {
		struct db_move_state st;
		if (acct == NULL) {
			err_set(err, ERR_NOT_FOUND, "That server knows no such user.",
				"no member %s here", uri);
			return NULL;
		}
		if (db_move_state(a, acct->id, &st, err) != 0)
			return NULL;
		for (int i = 0; i < st.naka; i++)
			*aka_has_old = *aka_has_old || strcmp(st.aka[i], old_uri) == 0;
		*moved_to = st.moved_to;
		return acct;
	}
	const json_t *doc = NULL;
	acct = ap_resolve_actor_doc(a, uri, &doc, err);
	if (acct == NULL)
		return NULL;
	/* one id or several: both are read (PROTOCOL.md section 4b) */
	*aka_has_old = ap_prop_has_ref(doc, "alsoKnownAs", old_uri);
	*moved_to = ap_prop_first_ref(doc, "movedTo");
	return acct;
}

int
ap_move_lookup(struct arena *a, const char *handle, const struct account *member,
	       struct move_target *out, struct err *err)
{
	memset(out, 0, sizeof *out);
	out->member_uri = ap_actor_uri(a, ap_base_url(), member->username);
	struct account *acct = ap_resolve_acct(a, handle, err);
	if (acct == NULL || acct->uri == NULL)
		return acct == NULL ? -1
				    : err_set(err, ERR_INVALID, "Write the address as user@server.",
					      "not a remote account");
	const char *moved_to;
	out->account = target_now(a, acct->uri, out->member_uri, &out->lists_member, &moved_to,
				  err);
	if (out->account == NULL)
		return -1;
	out->moved = moved_to != NULL;
	return 0;
}

int
ap_move_check(struct arena *a, const json_t *act, const struct account *signer,
	      struct err *err)
{
	const char *object = ap_prop_first_ref(act, "object");
	if (object == NULL || signer->uri == NULL || strcmp(object, signer->uri) != 0 ||
	    ap_prop_count(json_object_get(act, "object")) != 1)
		return err_set(err, ERR_FORBIDDEN, "A Move's object must be its actor.",
			       "Move of someone else");
	const json_t *tv = json_object_get(act, "target");
	const char *target = ap_prop_first_ref(act, "target");
	if (target == NULL || ap_prop_count(tv) != 1)
		return err_set(err, ERR_UNPROCESSABLE, "A Move needs one target.",
			       "Move without one target");
	if (strcmp(target, signer->uri) == 0)
		return err_set(err, ERR_UNPROCESSABLE, "A Move's target can't be its actor.",
			       "Move to itself");
	bool ours;
	if (local_member(a, target, &ours) != NULL || ours)
		return 0; /* moving to a member here: whether it lists the actor is read later */
	char *domain = ap_url_domain(a, target);
	if (domain == NULL)
		return err_set(err, ERR_UNPROCESSABLE, "A Move's target must be an actor id.",
			       "Move target is not a URL");
	struct err perr = {0};
	if (!federation_domain_allowed(a, domain, &perr)) {
		if (perr.code == ERR_UNAVAILABLE) {
			*err = perr;
			return -1;
		}
		return err_set(err, ERR_FORBIDDEN,
			       "The Move's target is on a server this community doesn't federate "
			       "with.",
			       "Move target on %s, not an allowed peer", domain);
	}
	return 0;
}

int
ap_move_receive(struct arena *a, const json_t *act, const struct account *from,
		struct err *err)
{
	const char *target_uri = ap_prop_first_ref(act, "target");
	const char *object = ap_prop_first_ref(act, "object");
	if (target_uri == NULL || object == NULL || from->uri == NULL ||
	    strcmp(object, from->uri) != 0 || strcmp(target_uri, from->uri) == 0) {
		log_msg(LOG_INFO, "move: refused, not a Move of its actor to another");
		return 0;
	}
	struct db_move_state old;
	if (db_move_state(a, from->id, &old, err) != 0)
		return -1;
	if (old.moved_to != NULL && strcmp(old.moved_to, target_uri) == 0) {
		log_msg(LOG_INFO, "move: account %lld moved there already, nothing changes",
			(long long)from->id);
		return 0;
	}
	bool listed;
	const char *target_moved;
	struct err terr = {0};
	struct account *target = target_now(a, target_uri, from->uri, &listed, &target_moved,
					    &terr);
	if (target == NULL) {
		if (terr.code == ERR_UNAVAILABLE) {
			*err = terr;
			return -1; /* the target's server didn't answer: tried again later */
		}
		log_msg(LOG_INFO, "move: refused, target of account %lld not usable: %s",
			(long long)from->id, terr.detail);
		return 0;
	}
	if (!listed) {
		log_msg(LOG_INFO, "move: refused, target of account %lld doesn't list it in"
				  " alsoKnownAs", (long long)from->id);
		return 0;
	}
	if (target_moved != NULL) {
		log_msg(LOG_INFO, "move: refused, target of account %lld moved itself%s",
			(long long)from->id,
			strcmp(target_moved, from->uri) == 0 ? " (a loop)" : "");
		return 0;
	}
	/* the followers first: a run cut short is run again whole (each step is idempotent),
	 * and only a Move fully applied makes a later copy of it a replay */
	int n = move_followers(a, from->id, target->id, err);
	if (n < 0 ||
	    db_move_set(a, from->id, target->uri ? target->uri : target_uri, clock_now(), err) != 0)
		return -1;
	log_msg(LOG_INFO, "move: account %lld moved to account %lld, %d followers here moved",
		(long long)from->id, (long long)target->id, n);
	return 0;
}

int
ap_move_event(struct arena *a, const struct event *ev, struct err *err)
{
	struct account *me = account_by_id(a, ev->actor_id, err);
	struct account *target = me ? account_by_id(a, ev->target_id, err) : NULL;
	if (target == NULL)
		return -1;
	if (me->domain != NULL)
		return 0;
	const char *base = ap_base_url();
	const char *target_uri =
		target->uri ? target->uri : ap_actor_uri(a, base, target->username);
	const char **inboxes;
	int n = db_remote_follower_inboxes(a, me->id, &inboxes, err);
	if (n <= 0)
		return n; /* nobody elsewhere to tell */
	const char *priv, *pub;
	if (ap_account_keys(a, me->id, &priv, &pub, err) != 0)
		return -1;
	char *actor = ap_actor_uri(a, base, me->username);
	int64_t fresh = db_fresh_id(a, err);
	if (fresh < 0)
		return -1;
	char buf[ID_STRLEN];
	json_t *act = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:[s]}", "@context", AP_CONTEXT, "id",
				arena_printf(a, "%s#moves/%s", actor, id_format(fresh, buf)),
				"type", "Move", "actor", actor, "object", actor, "target",
				target_uri, "to", ap_actor_path_uri(a, base, me->username,
								    "followers"));
	if (act == NULL)
		return err_set(err, ERR_INTERNAL, NULL, "out of memory");
	int rc = 0;
	/* db_remote_follower_inboxes lists each (shared) inbox once */
	for (int i = 0; i < n && rc == 0; i++)
		rc = ap_enqueue_delivery(a, inboxes[i], act, me->id, err);
	json_decref(act);
	return rc;
}
