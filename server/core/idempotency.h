/* idempotency.h - posting once per Idempotency-Key (the client API's POST
 * /api/v1/statuses): an app that lost the answer to a post and sends it again with the
 * same key gets the post it made, not a second one. Keys are per member and kept an hour
 * (api_idempotency, migration 0040). */
#ifndef PARASOL_CORE_IDEMPOTENCY_H
#define PARASOL_CORE_IDEMPOTENCY_H

#include <stdbool.h>
#include <stdint.h>

#include "core/status.h"

#define IDEMPOTENCY_KEY_MAX 200

struct arena;
struct err;

/* status_create, unless author used key (NULL: no key) within the hour: then *id_out is
 * that post and *replayed is set, and nothing is written. The post and the key are one
 * transaction. ERR_UNPROCESSABLE for a key longer than IDEMPOTENCY_KEY_MAX bytes or empty;
 * otherwise as status_create. 0 or -1 + err. */
int idempotency_status_create(struct arena *a, const struct account *author,
			      const struct status_draft *d, const char *key, int64_t *id_out,
			      bool *replayed, struct err *err);

#endif
