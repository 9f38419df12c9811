/* routes.c - the federation layer's start-up: its routes, job handlers and event listener. */
#include "ap/ap.h"
#include "ap/httpsig.h"

#include "ap/actor.h"
#include "ap/alerts.h"
#include "ap/attachments.h"
#include "ap/deliver.h"
#include "ap/fetch.h"
#include "ap/outbound.h"
#include "ap/receive.h"
#include "autoconfig.h"
#include "config.h"
#include "core/import.h"
#include "core/events.h"
#include "core/account.h"
#include "db/federation.h"
#include "ap/resolve.h"
#include "jobs/worker.h"
#include "util/log.h"

#include "ap/actor.h"
#include "ap/discovery.h"
#include "ap/inbox.h"
#include "ap/move.h"
#include "ap/objects.h"

int
ap_routes(struct router *r)
{
	int rc = 0;
	rc |= ap_discovery_routes(r);
	rc |= ap_actor_routes(r);
	rc |= ap_inbox_routes(r);
	rc |= ap_object_routes(r);
	rc |= ap_alert_routes(r);
	return rc ? -1 : 0;
}

/* Activity ids are kept this long (and at least as long as a signed request may be
 * replayed, two hours): long enough that a peer's retries of one delivery find the id. */
#define ACTIVITIES_SEEN_DAYS 30
#define PRUNE_BATCH 10000

/* Periodic work (jobs/worker.h): forgets old activity ids, a batch per run. */
static int
prune_seen(struct arena *a, struct err *err)
{
	return db_activities_seen_prune(a, ACTIVITIES_SEEN_DAYS, PRUNE_BATCH, err);
}

void
ap_start(const struct config *cfg)
{
	ap_init(cfg->base_url, cfg->federation_insecure_loopback);
	struct fetch_options fo = FETCH_OPTIONS_INIT;
	fo.allow_loopback_http = cfg->federation_insecure_loopback;
	fo.user_agent = "parasol/" PACKAGE_VERSION;
	fo.timeout_s = cfg->fetch_timeout;
	fetch_init(&fo);
	/* Every hop of every outbound request — a redirect too — must lead to an allowed peer. */
	fetch_set_hop_check(ap_fetch_hop_allowed);
	if (cfg->federation_insecure_loopback)
		log_msg(LOG_WARN, "federation_insecure_loopback is on: for tests only");
	/* Deliveries are the jobs that retry; their first delay is configurable. */
	job_set_backoff_first(cfg->retry_first_delay);
	worker_register(JOB_INBOX, ap_receive_job);
	worker_register(JOB_DELIVER, ap_deliver_job);
	worker_register(JOB_MEDIA_FETCH, ap_media_fetch_job);
	worker_register(JOB_MOVE, move_job);
	worker_register(JOB_IMPORT, import_job);
	worker_register_give_up(JOB_IMPORT, import_give_up);
	worker_register_give_up(JOB_DELIVER, ap_deliver_give_up);
	events_listen(ap_outbound_event);
	account_set_remote_lookup(ap_resolve_acct);
	move_set_lookup(ap_move_lookup);
	if (worker_add_periodic(prune_seen) != 0)
		log_msg(LOG_ERROR, "ap: no room for the pruning of activities_seen");
}

void
ap_stop(void)
{
	events_listen(NULL);
	move_set_lookup(NULL);
	fetch_cleanup();
	httpsig_cache_clear();
}
