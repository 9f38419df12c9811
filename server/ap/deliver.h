/* deliver.h - the 'deliver' job: POST one activity to one inbox, signed by its author (or the
 * instance actor). The allowlist is checked again at delivery time, so removing a peer stops
 * deliveries at once. 2xx is done; 4xx other than 408/429 can never succeed and drops the
 * job; 5xx, 408, 429 and network failures are retried with backoff (jobs/queue.c) for two
 * days, after which the peer is marked unreachable. */
#ifndef PARASOL_AP_DELIVER_H
#define PARASOL_AP_DELIVER_H

#include <jansson.h>

struct arena;
struct err;

/* The job handler (jobs/worker.h job_handler). */
int ap_deliver_job(struct arena *a, const json_t *payload, struct err *err);

/* The give-up hook: marks the inbox's peer unreachable. */
void ap_deliver_give_up(struct arena *a, const json_t *payload, const struct err *last);

#endif
