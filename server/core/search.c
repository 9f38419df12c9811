/* search.c - account and hashtag search.
 * This file prepares the query (normalising, escaping LIKE's wildcards); the SQL is in
 * db/search.c. */
#include "search.h"

#include <ctype.h>
#include <string.h>

#include "core/account.h"
#include "core/status.h"
#include "db/blocks.h"
#include "db/search.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/utf8.h"

/* q without surrounding spaces, a leading '@' or '#', and an "@domain" after a name. */
static char *
normalize(struct arena *a, const char *q)
{
	while (isspace((unsigned char)*q))
		q++;
	if (*q == '@' || *q == '#')
		q++;
	size_t n = strlen(q);
	while (n > 0 && isspace((unsigned char)q[n - 1]))
		n--;
	const char *at = memchr(q, '@', n);
	if (at != NULL)
		n = (size_t)(at - q);
	return arena_strndup(a, q, n);
}

/* q with LIKE's wildcards and its escape character escaped ('\' is the ESCAPE below). */
static char *
like_escape(struct arena *a, const char *q)
{
	size_t n = strlen(q);
	char *out = arena_alloc(a, 2 * n + 1), *p = out;
	for (; *q; q++) {
		if (*q == '%' || *q == '_' || *q == '\\')
			*p++ = '\\';
		*p++ = *q;
	}
	*p = '\0';
	return out;
}

/* "user@domain" (after an optional '@') with a domain that has a dot or a port, else NULL. */
static const char *
remote_handle(struct arena *a, const char *q)
{
	while (isspace((unsigned char)*q))
		q++;
	if (*q == '@')
		q++;
	const char *at = strchr(q, '@');
	if (at == NULL || at == q || strpbrk(at + 1, ".:") == NULL || strpbrk(q, " \t/") != NULL)
		return NULL;
	size_t n = strlen(q);
	while (n > 0 && isspace((unsigned char)q[n - 1]))
		n--;
	return arena_strndup(a, q, n);
}

/* Puts a remote account first in out->accounts. */
static void
prepend(struct arena *a, struct search_results *out, const struct account *acct)
{
	struct account *list = arena_alloc(a, sizeof *list * (size_t)(out->naccounts + 1));
	list[0] = *acct;
	for (int i = 0; i < out->naccounts; i++)
		list[i + 1] = out->accounts[i];
	out->accounts = list;
	out->naccounts++;
}

int
search_own_posts(struct arena *a, int64_t viewer_id, const char *q, int64_t max_id, int limit,
		 struct status **out, struct err *err)
{
	*out = NULL;
	while (q != NULL && isspace((unsigned char)*q))
		q++;
	size_t n = q ? strlen(q) : 0;
	while (n > 0 && isspace((unsigned char)q[n - 1]))
		n--;
	const char *text = arena_strndup(a, q ? q : "", n);
	if (utf8_chars(text) > SEARCH_QUERY_MAX)
		return err_set(err, ERR_UNPROCESSABLE, "Search for at most 100 characters.",
			       "query too long");
	if (*text == '\0' || viewer_id == 0)
		return 0;
	if (limit < 1 || limit > SEARCH_POSTS_MAX)
		limit = SEARCH_POSTS_MAX;
	int64_t *ids;
	int found = db_search_own_posts(a, viewer_id, like_escape(a, text), max_id, limit, &ids,
					err);
	if (found <= 0)
		return found;
	*out = arena_alloc(a, sizeof **out * (size_t)found);
	int kept = 0;
	for (int i = 0; i < found; i++) {
		/* the one visibility rule, as for every post shown (the author sees their own) */
		struct status *st = status_get(a, viewer_id, ids[i], err);
		if (st != NULL)
			(*out)[kept++] = *st;
		else if (err->code != ERR_NOT_FOUND)
			return -1;
	}
	err_clear(err);
	return kept;
}

int
search_run(struct arena *a, const char *q, int64_t viewer_id, bool resolve,
	   struct search_results *out, struct err *err)
{
	memset(out, 0, sizeof *out);
	const char *query = normalize(a, q ? q : "");
	out->query = query;
	if (utf8_chars(query) > SEARCH_QUERY_MAX)
		return err_set(err, ERR_UNPROCESSABLE, "Search for at most 100 characters.",
			       "query too long");
	if (*query == '\0')
		return 0;
	const char *pattern = like_escape(a, query);
	int n = db_search_accounts(a, pattern, query, viewer_id, &out->accounts, err);
	if (n < 0)
		return -1;
	out->naccounts = n;
	if ((n = db_search_tags(a, pattern, query, viewer_id, &out->tags, err)) < 0)
		return -1;
	out->ntags = n;
	/* Members (never visitors: a lookup makes this node contact the peer) may find an
	 * account on an allowed peer by its address. A failure is not an error of the search:
	 * the page simply shows no remote account. */
	const char *handle = viewer_id ? remote_handle(a, q ? q : "") : NULL;
	if (handle != NULL) {
		struct err rerr = {0};
		struct account *acct = resolve ? account_lookup_remote(a, handle, &rerr)
					       : account_by_handle(a, handle, &rerr);
		int64_t *apart;
		/* a suspended account is not shown, nor one a block stands between the
		 * searcher and (whose profile isn't there for them either) */
		int blocked =
		    acct != NULL ? db_blocks_among(a, viewer_id, &acct->id, 1, &apart, &rerr) : 0;
		if (acct != NULL && !acct->suspended && blocked == 0)
			prepend(a, out, acct);
		else
			out->remote_error = rerr.safe[0] ? arena_strdup(a, rerr.safe) : NULL;
	}
	return 0;
}
