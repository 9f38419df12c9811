/* status_accounts.h - who liked or boosted a post (the client API's favourited_by and
 * reblogged_by), read only by someone who may see the post, and only the accounts that
 * viewer may see. */
#ifndef PARASOL_CORE_STATUS_ACCOUNTS_H
#define PARASOL_CORE_STATUS_ACCOUNTS_H

#include <stdint.h>

#include "core/follow.h" /* struct account_page, struct page_key */

struct account;
struct arena;
struct err;

enum status_accounts_kind { STATUS_LIKED_BY, STATUS_BOOSTED_BY };

/* A page (key: the like's or boost's id, newest first) of the accounts that liked / boosted
 * post id, as viewer (NULL: a visitor, or an app's own token) may see them: ERR_NOT_FOUND
 * when viewer may not see the post; accounts that are pending, suspended, or that block
 * viewer or that viewer blocks are left out. out is arena-owned. 0, or -1 + err. */
int status_accounts(struct arena *a, const struct account *viewer, int64_t id,
		    enum status_accounts_kind kind, const struct page_key *key,
		    struct account_page *out, struct err *err);

#endif
