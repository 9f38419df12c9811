/* paging.c - keyset paging parameters and the Link header (see paging.h). */
#include "api/paging.h"

#include <string.h>

#include "api/api.h"
#include "api/params.h"
#include "http/respond.h"
#include "util/arena.h"
#include "util/id.h"

int
api_page_params(struct api_call *call, struct timeline_query *q, int64_t *since_id)
{
	long limit;
	if (api_id(call, "max_id", &q->max_id) != 0 || api_id(call, "min_id", &q->min_id) != 0 ||
	    api_id(call, "since_id", since_id) != 0 ||
	    api_int(call, "limit", 1, API_PAGE_MAX, API_PAGE_DEFAULT, &limit) != 0)
		return -1;
	q->limit = (int)limit;
	return 0;
}

void
api_page_since(struct timeline_page *p, int64_t since_id)
{
	if (since_id == 0)
		return;
	int kept = 0;
	for (int i = 0; i < p->n; i++)
		if (p->items[i].key > since_id)
			p->items[kept++] = p->items[i];
	p->n = kept;
}

/* The query string without the paging bounds, ending in '&' when not empty. */
static const char *
other_params(struct api_call *call)
{
	struct arena *a = call->req->arena;
	const char *q = req_raw_query(call->req);
	char *out = arena_alloc(a, strlen(q) + 2);
	out[0] = '\0';
	while (*q) {
		size_t len = strcspn(q, "&");
		if (len > 0 && strncmp(q, "max_id=", 7) != 0 && strncmp(q, "min_id=", 7) != 0 &&
		    strncmp(q, "since_id=", 9) != 0) {
			strncat(out, q, len);
			strcat(out, "&");
		}
		q += len;
		if (*q == '&')
			q++;
	}
	return out;
}

void
api_page_links(struct api_call *call, int64_t newest, int64_t oldest, bool has_older)
{
	if (newest == 0)
		return;
	struct arena *a = call->req->arena;
	const char *base =
	    arena_printf(a, "%s%s?%s", call->base_url, call->req->path, other_params(call));
	char nb[ID_STRLEN], ob[ID_STRLEN];
	const char *prev =
	    arena_printf(a, "<%smin_id=%s>; rel=\"prev\"", base, id_format(newest, nb));
	const char *link = has_older ? arena_printf(a, "<%smax_id=%s>; rel=\"next\", %s", base,
						    id_format(oldest, ob), prev)
				     : prev;
	resp_header(call->req, "Link", link);
}
