/* idempotency.c - posting once per Idempotency-Key (see idempotency.h). */
#include "core/idempotency.h"

#include <string.h>

#include "db/db.h"
#include "db/oauth.h"
#include "util/err.h"

int
idempotency_status_create(struct arena *a, const struct account *author,
			  const struct status_draft *d, const char *key, int64_t *id_out,
			  bool *replayed, struct err *err)
{
	*replayed = false;
	if (key == NULL)
		return status_create(a, author, d, id_out, err);
	if (*key == '\0' || strlen(key) > IDEMPOTENCY_KEY_MAX)
		return err_set(err, ERR_UNPROCESSABLE, "The Idempotency-Key is empty or too long.",
			       "bad idempotency key");
	if (db_begin(err) != 0)
		return -1;
	int64_t made = db_idempotency_find(a, author->id, key, err);
	if (made < 0) {
		db_rollback();
		return -1;
	}
	if (made > 0) {
		*id_out = made;
		*replayed = true;
		return db_commit(err);
	}
	if (status_create(a, author, d, id_out, err) != 0 ||
	    db_idempotency_put(a, author->id, key, *id_out, err) != 0) {
		db_rollback();
		if (err->code != ERR_CONFLICT)
			return -1;
		/* the same key in a request that committed first: its post is the answer */
		made = db_idempotency_find(a, author->id, key, err);
		if (made <= 0)
			return made < 0 ? -1
					: err_set(err, ERR_CONFLICT,
						  "A post with this Idempotency-Key is being made.",
						  "idempotency race");
		*id_out = made;
		*replayed = true;
		return 0;
	}
	return db_commit(err);
}
