/* status_people.c - GET /api/v1/statuses/:id/favourited_by and .../reblogged_by, over
 * core/status_accounts.h: only for someone who may see the post (a followers-only post's
 * likes are not a stranger's to read: 404), and only the accounts the caller may see. */
#include "api/account_page.h"
#include "api/api.h"
#include "core/status_accounts.h"
#include "util/err.h"

static int
load(struct api_call *call, const struct page_key *key, struct account_page *out,
     enum status_accounts_kind kind)
{
	int64_t id;
	if (api_path_id(call, "id", &id) != 0)
		return -1;
	if (status_accounts(call->req->arena, call->me, id, kind, key, out, &call->req->err) == 0)
		return 0;
	if (call->req->err.code == ERR_NOT_FOUND)
		err_set(&call->req->err, ERR_NOT_FOUND, "Record not found", "no such status");
	return -1;
}

static int
liked_page(struct api_call *call, const struct page_key *key, struct account_page *out)
{
	return load(call, key, out, STATUS_LIKED_BY);
}

static int
boosted_page(struct api_call *call, const struct page_key *key, struct account_page *out)
{
	return load(call, key, out, STATUS_BOOSTED_BY);
}

static int
favourited_by(struct api_call *call)
{
	return api_answer_accounts(call, liked_page);
}

static int
reblogged_by(struct api_call *call)
{
	return api_answer_accounts(call, boosted_page);
}

static const struct api_route routes[] = {
    {"GET", "/api/v1/statuses/:id/favourited_by", favourited_by, API_ANYONE,
     SCOPE(SCOPE_READ_ACCOUNTS)},
    {"GET", "/api/v1/statuses/:id/reblogged_by", reblogged_by, API_ANYONE,
     SCOPE(SCOPE_READ_ACCOUNTS)},
};

int
api_status_people_routes(struct router *r)
{
	return api_register(r, routes, sizeof routes / sizeof routes[0]);
}
