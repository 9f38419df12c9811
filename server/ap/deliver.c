/* deliver.c - outbound deliveries. */
#include "ap/deliver.h"

#include <stdlib.h>
#include <string.h>

#include "ap/alerts.h"
#include "ap/ap.h"
#include "ap/fetch.h"
#include "ap/keys.h"
#include "ap/outbound.h"
#include "ap/resolve.h"
#include "core/account.h"
#include "core/federation.h"
#include "db/deletion.h"
#include "db/federation.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/log.h"

/* The key id and private key of the signer: a local member, or the instance actor (0). */
static int
signer_for(struct arena *a, int64_t id, struct fetch_signer *s, struct err *err)
{
	const char *pub;
	if (id == 0) {
		if (ap_instance_keys(a, &s->private_pem, &pub, err) != 0)
			return -1;
		s->key_id = arena_printf(a, "%s#main-key", ap_instance_actor_uri(a, ap_base_url()));
		return 0;
	}
	struct account *acct = account_by_id(a, id, err);
	if (acct == NULL || acct->domain != NULL)
		return err_set(err, ERR_INVALID, NULL, "delivery signer is not a local member");
	if (ap_account_keys(a, id, &s->private_pem, &pub, err) != 0)
		return -1;
	s->key_id = ap_key_id(a, ap_base_url(), acct->username);
	return 0;
}

/* The id of the stored post uri names: one of ours by its path, a remote one by its stored
 * id. 0 when no such post is stored (never was, or deleted), -1 + err. */
static int64_t
stored_post(struct arena *a, const char *uri, struct err *err)
{
	const char *base = ap_base_url();
	size_t n = strlen(base);
	const char *mark = uri ? strstr(uri, "/statuses/") : NULL;
	int64_t id;
	if (uri == NULL)
		return 0;
	if (mark != NULL && strncmp(uri, base, n) == 0 && strncmp(uri + n, "/users/", 7) == 0) {
		if (id_parse(mark + 10, &id) != 0)
			return 0;
		int has = db_ap_status_exists(a, id, err);
		return has < 0 ? -1 : has ? id : 0;
	}
	return db_status_id_by_uri(a, uri, NULL, err);
}

/* Whether the queued activity should still go to inbox when it is sent: 1, 0 (drop it, *why
 * says why), -1 + err. A Create or Update of a post of ours that was deleted meanwhile, or a
 * Like or Announce of a post deleted meanwhile, goes nowhere (deleting a post drops its
 * queued Creates and Updates; this catches one claimed meanwhile, and a boost or like
 * queued before). A Create, Update or Announce goes only to an inbox fan-out would pick now:
 * a follower removed or blocked since it was queued gets nothing (ap/outbound.h). */
static int
still_wanted(struct arena *a, const json_t *activity, int64_t signer, const char *inbox,
	     const char **why, struct err *err)
{
	const char *type = json_string_value(json_object_get(activity, "type"));
	if (type == NULL)
		return 1;
	bool post = strcmp(type, "Create") == 0 || strcmp(type, "Update") == 0;
	bool reaction = strcmp(type, "Like") == 0 || strcmp(type, "Announce") == 0;
	if (!post && !reaction)
		return 1;
	const json_t *object = json_object_get(activity, "object");
	const char *uri = json_string_value(post ? json_object_get(object, "id") : object);
	if (post) {
		const char *base = ap_base_url();
		size_t n = strlen(base);
		if (uri == NULL || strncmp(uri, base, n) != 0 || strncmp(uri + n, "/users/", 7) != 0 ||
		    strstr(uri, "/statuses/") == NULL)
			return 1; /* not a post of ours (a profile Update) */
	}
	int64_t id = stored_post(a, uri, err);
	if (id < 0)
		return -1;
	if (id == 0) {
		*why = "its post was deleted";
		return 0;
	}
	if (strcmp(type, "Like") == 0)
		return 1;
	int has = ap_delivery_audience_has(a, type, id, signer, inbox, err);
	if (has == 0)
		*why = "its inbox is no longer among the post's audience";
	return has;
}

/* Whether a member who deleted their account (db/deletion.h) still signs this: only its
 * Deletes go, and nothing once its key is forgotten (a key must never be made again for
 * it). 1, 0 (*why says why), -1 + err. */
static int
signer_still_here(struct arena *a, const json_t *activity, int64_t signer, const char **why,
		  struct err *err)
{
	int state = db_account_deletion_state(a, signer, err);
	if (state < 0)
		return -1;
	const char *type = json_string_value(json_object_get(activity, "type"));
	if (state == DB_DELETION_FORGOTTEN ||
	    (state == DB_DELETION_DELETED && (type == NULL || strcmp(type, "Delete") != 0))) {
		*why = "its author deleted their account";
		return 0;
	}
	return 1;
}

/* Whether the delivery may go to domain: a peer (or, in blocklist mode, not blocked); or a
 * farewell (the Reject and Undo that end a removed or blocked peer's follows), which goes
 * although the policy now refuses the domain. false with err when not (ERR_UNAVAILABLE: ask
 * later). */
static bool
may_deliver(struct arena *a, const char *domain, bool farewell, struct err *err)
{
	if (federation_domain_allowed(a, domain, err))
		return true;
	if (err->code != ERR_FORBIDDEN || !farewell)
		return false;
	err_clear(err);
	return true;
}

int
ap_deliver_job(struct arena *a, const json_t *payload, struct err *err)
{
	const char *inbox = json_string_value(json_object_get(payload, "inbox"));
	const json_t *activity = json_object_get(payload, "activity");
	const char *signer = json_string_value(json_object_get(payload, "signer"));
	int64_t signer_id;
	if (inbox == NULL || !json_is_object(activity) || signer == NULL ||
	    id_parse(signer, &signer_id) != 0)
		return err_set(err, ERR_INVALID, NULL, "malformed delivery job");
	char *domain = ap_url_domain(a, inbox);
	if (domain == NULL)
		return err_set(err, ERR_INVALID, NULL, "inbox is not an http(s) URL");
	bool farewell = json_is_true(json_object_get(payload, "farewell"));
	if (!may_deliver(a, domain, farewell, err))
		return err->code == ERR_UNAVAILABLE
			       ? -1
			       : err_set(err, ERR_FORBIDDEN, NULL, "%s is no longer a peer", domain);
	const char *why = NULL;
	int wanted = signer_id != 0 ? signer_still_here(a, activity, signer_id, &why, err) : 1;
	if (wanted > 0)
		wanted = still_wanted(a, activity, signer_id, inbox, &why, err);
	if (wanted > 0) /* a bad-date alert goes only to a partner that chose us too */
		wanted = ap_alert_delivery_wanted(a, activity, &inbox, &why, err);
	if (wanted < 0)
		return -1;
	if (wanted == 0) {
		log_msg(LOG_INFO, "a delivery was dropped: %s", why);
		return 0;
	}
	struct fetch_signer s;
	if (signer_for(a, signer_id, &s, err) != 0)
		return -1;
	char *body = json_dumps(activity, JSON_COMPACT);
	if (body == NULL)
		return err_set(err, ERR_INTERNAL, NULL, "cannot serialise the activity");
	char *copy = arena_strdup(a, body);
	free(body);
	struct fetch_response resp;
	if (fetch_post(a, inbox, "application/activity+json", copy, strlen(copy), &s, &resp,
		       err) != 0)
		return -1; /* network failures are ERR_UNAVAILABLE: retried */
	if (resp.status >= 200 && resp.status < 300)
		return 0;
	if (resp.status == 408 || resp.status == 429 || resp.status >= 500)
		return err_set(err, ERR_UNAVAILABLE, NULL, "%s answered %ld", domain, resp.status);
	return err_set(err, ERR_INVALID, NULL, "%s refused the delivery with %ld", domain,
		       resp.status);
}

void
ap_deliver_give_up(struct arena *a, const json_t *payload, const struct err *last)
{
	(void)last;
	const char *inbox = json_string_value(json_object_get(payload, "inbox"));
	char *domain = inbox ? ap_url_domain(a, inbox) : NULL;
	struct err ignored;
	if (domain != NULL)
		db_peer_unreachable(a, domain, &ignored);
}
