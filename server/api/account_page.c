/* account_page.c - pages of accounts with keyset paging (see account_page.h). */
#include "api/account_page.h"

#include <microhttpd.h>

#include "api/api.h"
#include "api/entities.h"
#include "api/paging.h"

int
api_page_key(struct api_call *call, struct page_key *key, int64_t *since)
{
	struct timeline_query q;
	if (api_page_params(call, &q, since) != 0)
		return -1;
	key->max_id = q.max_id;
	key->min_id = q.min_id;
	key->limit = q.limit;
	return 0;
}

int
api_answer_accounts(struct api_call *call, api_account_loader load)
{
	struct page_key key;
	int64_t since;
	struct account_page pg;
	if (api_page_key(call, &key, &since) != 0 || load(call, &key, &pg) != 0)
		return -1;
	json_t *list = json_array();
	for (int i = 0; i < pg.n; i++)
		if (pg.items[i].key_id > since)
			json_array_append_new(list, api_account(call, &pg.items[i].account, false));
	if (api_json(call, MHD_HTTP_OK, list) != 0)
		return -1;
	if (pg.n > 0)
		api_page_links(call, pg.items[0].key_id, pg.items[pg.n - 1].key_id, pg.has_older);
	return 0;
}
