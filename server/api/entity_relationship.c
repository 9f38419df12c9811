/* entity_relationship.c - the Relationship entity (see entities.h). */
#include "api/entities.h"

#include "api/api.h"
#include "core/follow.h"
#include "util/id.h"

json_t *
api_relationship(struct api_call *call, int64_t account_id, const struct relationship *r)
{
	(void)call;
	char buf[ID_STRLEN];
	return json_pack("{ss sb sb sb sn sb sb sb sb sb sb sb sb sb ss}", "id",
			 id_format(account_id, buf), "following", r->following, "showing_reblogs",
			 r->following, "notifying", 0, "languages", "followed_by", r->followed_by,
			 "blocking", r->blocking, "blocked_by", 0, "muting", r->muting,
			 "muting_notifications", r->muting, "requested", r->requested,
			 "requested_by", 0, "domain_blocking", 0, "endorsed", 0, "note", "");
}
