/* visibility.h - who may see a post, as SQL: the one rule every query that returns posts
 * applies (web pages, the client API, federation), so that every door filters rows the same
 * way. It is a plain SQL expression, built here at compile time from the small parts below,
 * not a SQL function: the planner inlines it, evaluates it only on the rows an index scan
 * bounded by LIMIT reaches, and never re-plans a function body per row (a SQL function
 * calling SQL functions cost ~1 ms a row at a million posts).
 *
 * The rule, in order:
 *   - the author sees their own posts;
 *   - nobody else sees a post past the time it was to delete itself (expires_at): the sweep
 *     deletes it within sweep_interval (core/expiry.h), and until then it is the author's;
 *   - nobody sees a suspended author's posts;
 *   - nobody sees across a block, in either direction;
 *   - direct posts: the accounts they mention;
 *   - a limited author (the account, or its domain, limited by a moderator): their followers
 *     only, and members-only posts only those followers who are members of this node;
 *   - public and unlisted posts: everyone; members-only posts: signed-in members of this node
 *     (never a remote account); followers-only posts: followers.
 * A NULL viewer (a visitor) makes every "viewer is ..." test false. */
#ifndef PARASOL_DB_VISIBILITY_H
#define PARASOL_DB_VISIBILITY_H

#include "db/model.h"

/* Whether a row of `from` matches `where`: one probe of the index that `where` names in full,
 * per row. Written as a scalar sub-query, not EXISTS: PostgreSQL may run an EXISTS as a
 * "hashed SubPlan", reading every row of the viewer's (all their mentions, follows, blocks)
 * into a hash table on every query, which cost milliseconds a page for a member mentioned
 * thousands of times. */
#define VIS_ANY(from, where) "COALESCE((SELECT true FROM " from " WHERE " where " LIMIT 1), false)"

/* Whether the viewer follows the account whose id is the SQL expression `acct`. */
#define VIS_FOLLOWS(acct, viewer) \
	VIS_ANY("follows vf", "vf.account_id = " viewer " AND vf.target_account_id = " acct)

/* Whether the viewer is a member of this node (not evaluated per row: it has no reference to
 * the row, so PostgreSQL runs it once per query). */
#define VIS_MEMBER(viewer) \
	"EXISTS (SELECT 1 FROM accounts vm WHERE vm.id = " viewer " AND vm.domain IS NULL)"

/* Whether the accounts row aliased va is limited, by a moderator's action on it or on its
 * domain. */
#define VIS_ROW_LIMITED                                                                          \
	"(va.limited OR (va.domain IS NOT NULL AND "                                           \
	VIS_ANY("domain_policies vd", "vd.domain = va.domain AND vd.limited") "))"

/* 's' when the account is suspended, 'l' when it (or its domain) is limited, else 'n'. */
#define VIS_AUTHOR_STATE(acct)                                                                  \
	"(SELECT CASE WHEN va.suspended_at IS NOT NULL THEN 's' WHEN " VIS_ROW_LIMITED          \
	" THEN 'l' ELSE 'n' END FROM accounts va WHERE va.id = " acct ")"

/* Whether the account whose id is the SQL expression `acct` is limited (by itself or by its
 * domain), suspended or not: the shared timelines leave its posts out, and federation sends
 * its public posts as followers-only. */
#define ACCOUNT_LIMITED(acct) \
	"COALESCE((SELECT " VIS_ROW_LIMITED " FROM accounts va WHERE va.id = " acct "), false)"

/* Whether the post aliased `alias` mentions the viewer. */
#define VIS_MENTIONED(alias, viewer) \
	VIS_ANY("mentions vn", "vn.status_id = " alias ".id AND vn.account_id = " viewer)

/* A SQL boolean expression: may the account whose id is the SQL expression `viewer` (a
 * parameter such as "$1::bigint", NULL for visitors) see the statuses row aliased `alias`?
 * Both arguments must be string literals: the expression is built at compile time. */
#define VISIBLE_TO(alias, viewer)                                                             \
	"(COALESCE(" alias ".account_id = " viewer ", false) OR ("                             \
	"COALESCE(" alias ".expires_at > now(), true)"                                          \
	" AND NOT " VIS_ANY("blocks vb", "vb.account_id = " alias ".account_id"                 \
	" AND vb.target_account_id = " viewer)                                                  \
	" AND NOT " VIS_ANY("blocks vb", "vb.account_id = " viewer                              \
	" AND vb.target_account_id = " alias ".account_id")                                     \
	" AND CASE " VIS_AUTHOR_STATE(alias ".account_id")                                      \
	" WHEN 's' THEN false"                                                                  \
	" WHEN 'l' THEN CASE " alias ".visibility"                                              \
	" WHEN 'direct' THEN " VIS_MENTIONED(alias, viewer)                                     \
	" WHEN 'members' THEN " VIS_FOLLOWS(alias ".account_id", viewer) " AND " VIS_MEMBER(viewer) \
	" ELSE " VIS_FOLLOWS(alias ".account_id", viewer) " END"                               \
	" ELSE CASE " alias ".visibility"                                                       \
	" WHEN 'public' THEN true WHEN 'unlisted' THEN true"                                    \
	" WHEN 'members' THEN " VIS_MEMBER(viewer)                                              \
	" WHEN 'private' THEN " VIS_FOLLOWS(alias ".account_id", viewer)                       \
	" WHEN 'direct' THEN " VIS_MENTIONED(alias, viewer) " ELSE false END END))"

#endif
