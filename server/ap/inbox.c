/* inbox.c - accepting activities from peers. */
#include "ap/inbox.h"

#include <jansson.h>
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

#include "ap/alerts.h"
#include "ap/flag.h"
#include "ap/move.h"
#include "ap/props.h"
#include "ap/resolve.h"
#include "ap/verify.h"
#include "app.h"
#include "core/account.h"
#include "db/federation.h"
#include "app.h"
#include "http/ratelimit.h"
#include "http/request.h"
#include "http/respond.h"
#include "http/router.h"
#include "http/server.h"
#include "jobs/group.h"
#include "jobs/queue.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/log.h"

#define ACTIVITY_MAX_BYTES (256 * 1024)

/* An activity handed to the group commit (jobs/group.h), in the request's arena: the
 * request is answered when the batch that holds it is committed. */
struct pending {
	struct group_item item; /* first: done() gets it back */
	struct req *req;
	const char *domain; /* the signer's, for the rate limit */
};

/* Answers the request of an activity stored (job > 0), seen before (0: acknowledged as the
 * first one was, nothing stored) or not stored (-1 + err). On the thread that stored it. */
static int
answer(struct req *req, const char *domain, int64_t job, const struct err *err)
{
	if (job < 0) {
		if (err != &req->err)
			req->err = *err;
		return -1;
	}
	struct app *app = req->app;
	if (job > 0 && app != NULL && app->inbox_by_peer != NULL)
		ratelimit_hit(app->inbox_by_peer, domain);
	resp_set(req, MHD_HTTP_ACCEPTED, "text/plain; charset=utf-8", "", 0);
	return 0;
}

static void
stored(struct group_item *item, int64_t job, const struct err *err)
{
	struct pending *p = (struct pending *)item;
	req_answer_deferred(p->req, answer(p->req, p->domain, job, err));
}

static int
inbox(struct req *req)
{
	const char *name = req_param(req, "name");
	if (name != NULL) {
		struct err err;
		struct account *target = account_by_username(req->arena, name, &err);
		if (target == NULL || !target->approved)
			return err_set(&req->err, err.code == ERR_UNAVAILABLE ? ERR_UNAVAILABLE
									    : ERR_NOT_FOUND,
				       "Not found.", "inbox of an unknown member");
	}
	if (req->body.raw_len > ACTIVITY_MAX_BYTES)
		return err_set(&req->err, ERR_TOO_LARGE, "The activity is too large.",
			       "activity over 256 KiB");
	struct account *signer = ap_verify_request(req, req->body.raw ? req->body.raw : "",
						   req->body.raw_len);
	if (signer == NULL)
		return -1;
	const json_t *act = req->body.json;
	if (req->body.kind != BODY_JSON || !json_is_object(act) ||
	    ap_prop_count(json_object_get(act, "type")) == 0 ||
	    !json_is_string(ap_prop_item(json_object_get(act, "type"), 0)))
		return err_set(&req->err, ERR_INVALID, "The body must be an ActivityStreams activity.",
			       "inbox body is not an activity");
	const char *actor = ap_prop_first_ref(act, "actor");
	if (actor == NULL || signer->uri == NULL || strcmp(actor, signer->uri) != 0)
		return err_set(&req->err, ERR_FORBIDDEN,
			       "The activity's actor is not the one who signed it.",
			       "actor is not the signer");
	if (ap_prop_is_type(act, "Flag") && ap_flag_check(act, &req->err) != 0)
		return -1;
	if (ap_prop_is_type(act, "Move") && ap_move_check(req->arena, act, signer, &req->err) != 0)
		return -1;
	if (ap_alert_inbox_check(req->arena, act, signer, &req->err) != 0)
		return -1;
	const char *id = json_string_value(json_object_get(act, "id"));
	char *id_domain = id ? ap_url_domain(req->arena, id) : NULL;
	if (id != NULL && (id_domain == NULL || strcmp(id_domain, signer->domain) != 0))
		return err_set(&req->err, ERR_FORBIDDEN,
			       "The activity's id is not on its actor's server.",
			       "activity id on another host");
	/* Counted once verified and stored, so that nobody can spend a peer's allowance in its
	 * name, not even by replaying what it signed: the limit is checked here and the
	 * activity counted once it is queued (two requests at once may both pass the check:
	 * the limit can be passed by a few, never by many). */
	struct app *app = req->app;
	if (app != NULL && app->inbox_by_peer != NULL &&
	    ratelimit_blocked(app->inbox_by_peer, signer->domain)) {
		/* Answered here, not as an error: error pages drop the handler's headers, and
		 * the peer needs Retry-After. */
		static const char msg[] = "Too many activities from your server; retry later.\n";
		log_msg(LOG_INFO, "inbox: rate limit of %s reached", signer->domain);
		resp_set(req, MHD_HTTP_TOO_MANY_REQUESTS, "text/plain; charset=utf-8", msg,
			 sizeof msg - 1);
		resp_header(req, "Retry-After", arena_printf(req->arena, "%d", INBOX_RATE_WINDOW_S));
		return 0;
	}
	if (app != NULL && app->flags_by_peer != NULL && ap_prop_is_type(act, "Flag") &&
	    !ratelimit_hit(app->flags_by_peer, signer->domain))
		return err_set(&req->err, ERR_RATE_LIMITED,
			       "Too many reports from your server. Try again in an hour.",
			       "Flags from %s over the limit", signer->domain);
	char buf[ID_STRLEN];
	json_t *payload = json_pack("{s:O,s:s}", "activity", act, "signer",
				    id_format(signer->id, buf));
	char *text = payload ? json_dumps(payload, JSON_COMPACT) : NULL;
	if (text == NULL) {
		json_decref(payload);
		return err_set(&req->err, ERR_INTERNAL, NULL, "cannot serialise an inbox job");
	}
	/* A replay (the same activity again, however freshly signed) is acknowledged as the
	 * first one was and changes nothing: the worker would skip it too (ap/receive.c). The
	 * activity is stored with the others arriving meanwhile (jobs/group.h), and this
	 * request answered once their commit is durable. */
	struct pending *p = arena_alloc(req->arena, sizeof *p);
	*p = (struct pending){.item = {.payload_json = arena_strdup(req->arena, text),
				       .unless_seen = id,
				       .done = stored},
			      .req = req,
			      .domain = arena_strdup(req->arena, signer->domain)};
	free(text);
	req_defer(req); /* before the group can answer it */
	if (!group_submit(&p->item)) {
		/* the group is stopping (or was never started): stored here, alone */
		int64_t job = id != NULL
				  ? job_enqueue_unseen(req->arena, JOB_INBOX, payload, id, &req->err)
				  : job_enqueue(req->arena, JOB_INBOX, payload, 0, &req->err);
		req_answer_deferred(req, answer(req, signer->domain, job, &req->err));
	}
	json_decref(payload);
	return 0;
}

int
ap_inbox_routes(struct router *r)
{
	int rc = 0;
	rc |= router_add(r, "POST", "/inbox", inbox);
	rc |= router_add(r, "POST", "/users/:name/inbox", inbox);
	rc |= router_add(r, "POST", "/actor/inbox", inbox);
	return rc ? -1 : 0;
}
