/* robots.c - see robots.h. */
#include "core/robots.h"

#include "db/robots.h"
#include "util/arena.h"
#include "util/strbuf.h"

const char robots_disallow_all[] = "# Nothing here is for search engines or archives.\n"
				   "User-agent: *\nDisallow: /\n";

const char *
robots_txt(struct arena *a, struct err *err)
{
	struct db_robots_member *m;
	int n = db_robots_members(a, ROBOTS_MAX_MEMBERS, &m, err);
	if (n < 0)
		return NULL;
	if (n == 0)
		return robots_disallow_all;
	struct strbuf b;
	strbuf_init(&b, a);
	strbuf_puts(&b, "# Only what members chose to open to search engines; nothing else.\n"
			"User-agent: *\n");
	/* usernames are [A-Za-z0-9_]: nothing in them needs escaping */
	for (int i = 0; i < n; i++) {
		if (m[i].discoverable)
			strbuf_printf(&b, "Allow: /@%s$\n", m[i].username);
		if (m[i].indexable)
			strbuf_printf(&b, "Allow: /@%s/\n", m[i].username);
	}
	strbuf_puts(&b, "Disallow: /\n");
	return b.data;
}
