/* status_refs.c - the mentions and tags of many posts at once (see status_refs.h). */
#include "db/status_refs.h"

#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"

int
db_status_mentions_of(struct arena *a, const int64_t *ids, int n, struct status_mention **out,
		      struct err *err)
{
	*out = NULL;
	if (n <= 0)
		return 0;
	const char *p[] = {db_id_array(a, ids, n)};
	PGresult *r = db_query(a, err,
			       "SELECT m.status_id, c.id, c.username, c.domain"
			       " FROM mentions m JOIN accounts c ON c.id = m.account_id"
			       " WHERE m.status_id = ANY ($1::bigint[]) ORDER BY m.status_id, c.id",
			       1, p);
	if (r == NULL)
		return -1;
	int rows = PQntuples(r);
	*out = arena_alloc(a, sizeof **out * (size_t)(rows ? rows : 1));
	for (int i = 0; i < rows; i++)
		(*out)[i] = (struct status_mention){
		    .status_id = db_int64(r, i, 0),
		    .account_id = db_int64(r, i, 1),
		    .username = db_value(r, i, 2),
		    .domain = db_value(r, i, 3),
		};
	return rows;
}

int
db_status_tags_of(struct arena *a, const int64_t *ids, int n, struct status_tag **out,
		  struct err *err)
{
	*out = NULL;
	if (n <= 0)
		return 0;
	const char *p[] = {db_id_array(a, ids, n)};
	PGresult *r =
	    db_query(a, err,
		     "SELECT st.status_id, g.name FROM status_tags st"
		     " JOIN tags g ON g.id = st.tag_id"
		     " WHERE st.status_id = ANY ($1::bigint[]) ORDER BY st.status_id, g.name",
		     1, p);
	if (r == NULL)
		return -1;
	int rows = PQntuples(r);
	*out = arena_alloc(a, sizeof **out * (size_t)(rows ? rows : 1));
	for (int i = 0; i < rows; i++)
		(*out)[i] =
		    (struct status_tag){.status_id = db_int64(r, i, 0), .name = db_value(r, i, 1)};
	return rows;
}
