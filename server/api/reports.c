/* reports.c - POST /api/v1/reports: a member's report into the moderators' queue, through
 * core/reports.c like the web's report form (the same checks: a post the reporter may see,
 * an approved account, rules that exist, a rule or a comment, never oneself).
 *
 * Mastodon reports an account with any number of its posts; a report here is about one
 * post or one account, so each post listed becomes a report of its own with the same
 * rules and comment (the queue groups them by account), and a call without posts one
 * report of the account. Every post is checked before anything is filed. `forward` is the
 * reporter's consent that a moderator may send their comment to the account's server
 * (forward_comment: nothing leaves without a moderator). `category` is checked and read
 * back; the rules cited are what the queue shows. */
#include <microhttpd.h>
#include <string.h>

#include "api/api.h"
#include "api/entities.h"
#include "api/params.h"
#include "core/account.h"
#include "core/reports.h"
#include "core/status.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"

#define REPORT_STATUSES_MAX 20 /* posts one call may list */
#define COMMENT_MAX_BYTES (REPORT_COMMENT_MAX * 4)

static const char *const categories[] = {"spam", "legal", "violation", "other"};

/* The ids of a list parameter; 422 naming it for one that is not an id. */
static int
read_ids(struct api_call *call, const char *name, int max, int64_t **out, int *n)
{
	const char **items;
	if (api_list(call, name, max, &items, n) != 0)
		return -1;
	*out = arena_alloc(call->req->arena, sizeof **out * (size_t)(*n + 1));
	for (int i = 0; i < *n; i++)
		if (id_parse(items[i], &(*out)[i]) != 0 || (*out)[i] <= 0)
			return err_set(&call->req->err, ERR_UNPROCESSABLE,
				       "status_ids and rule_ids must be lists of ids.", "%s", name);
	return 0;
}

static json_t *
ids_json(const int64_t *ids, int n)
{
	json_t *list = json_array();
	for (int i = 0; i < n; i++) {
		char buf[ID_STRLEN];
		json_array_append_new(list, json_string(id_format(ids[i], buf)));
	}
	return list;
}

static int
create(struct api_call *call)
{
	struct arena *a = call->req->arena;
	struct report_draft d = {0};
	int64_t *statuses, *rules;
	int nstatuses;
	const char *category;
	if (api_id(call, "account_id", &d.account_id) != 0 ||
	    read_ids(call, "status_ids", REPORT_STATUSES_MAX, &statuses, &nstatuses) != 0 ||
	    read_ids(call, "rule_ids", REPORT_RULES_MAX, &rules, &d.nrules) != 0 ||
	    api_str(call, "comment", COMMENT_MAX_BYTES, &d.comment) != 0 ||
	    api_str(call, "category", 20, &category) != 0 ||
	    api_bool(call, "forward", false, &d.forward_comment) != 0)
		return -1;
	d.rule_ids = rules;
	if (d.account_id == 0)
		return err_set(&call->req->err, ERR_UNPROCESSABLE,
			       "account_id is missing: say which account you report.",
			       "account_id");
	bool known = category == NULL || *category == '\0';
	for (size_t i = 0; !known && i < sizeof categories / sizeof categories[0]; i++)
		known = strcmp(category, categories[i]) == 0;
	if (!known)
		return err_set(&call->req->err, ERR_UNPROCESSABLE,
			       "category must be spam, legal, violation or other.", "category");
	if (category == NULL || *category == '\0')
		category = d.nrules > 0 ? "violation" : "other";
	struct account *target = account_by_id(a, d.account_id, &call->req->err);
	if (target == NULL)
		return err_set(&call->req->err, ERR_NOT_FOUND, "Record not found",
			       "report of an unknown account");
	/* every post first: one the reporter may see, by the account reported */
	for (int i = 0; i < nstatuses; i++) {
		struct status *st = status_get(a, call->me->id, statuses[i], &call->req->err);
		if (st == NULL)
			return call->req->err.code == ERR_NOT_FOUND
				   ? err_set(&call->req->err, ERR_NOT_FOUND, "Record not found",
					     "report of an invisible post")
				   : -1;
		if (st->author.id != d.account_id)
			return err_set(&call->req->err, ERR_UNPROCESSABLE,
				       "status_ids must be posts of the account reported.",
				       "post of another account");
	}
	int64_t id = 0;
	for (int i = 0; i < (nstatuses > 0 ? nstatuses : 1); i++) {
		d.status_id = nstatuses > 0 ? statuses[i] : 0;
		if (report_create(a, call->me, &d, i == 0 ? &id : NULL, &call->req->err) != 0)
			return -1;
	}
	char buf[ID_STRLEN];
	return api_json(
	    call, MHD_HTTP_OK,
	    json_pack("{ss sb sn ss ss sb so so so so}", "id", id_format(id, buf), "action_taken",
		      0, "action_taken_at", "category", category, "comment",
		      d.comment ? d.comment : "", "forwarded", d.forward_comment, "created_at",
		      json_string(api_id_time(call, id)), "status_ids",
		      ids_json(statuses, nstatuses), "rule_ids", ids_json(rules, d.nrules),
		      "target_account", api_account(call, target, false)));
}

static const struct api_route routes[] = {
    {"POST", "/api/v1/reports", create, API_MEMBER, SCOPE(SCOPE_WRITE_REPORTS)},
};

int
api_reports_routes(struct router *r)
{
	return api_register(r, routes, sizeof routes / sizeof routes[0]);
}
