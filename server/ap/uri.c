/* uri.c - the URIs of this node's ActivityPub objects. They are stable: peers store them. */
#include "ap/ap.h"

#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "http/request.h"
#include "util/arena.h"
#include "util/id.h"
#include "util/strbuf.h"

static char *base_url_copy;
static bool insecure;

void
ap_init(const char *base_url, bool insecure_http)
{
	free(base_url_copy);
	base_url_copy = strdup(base_url);
	insecure = insecure_http;
}

const char *
ap_base_url(void)
{
	return base_url_copy ? base_url_copy : "";
}

bool
ap_insecure_http(void)
{
	return insecure;
}

char *
ap_actor_uri(struct arena *a, const char *base, const char *username)
{
	return arena_printf(a, "%s/users/%s", base, username);
}

char *
ap_key_id(struct arena *a, const char *base, const char *username)
{
	return arena_printf(a, "%s/users/%s#main-key", base, username);
}

char *
ap_actor_path_uri(struct arena *a, const char *base, const char *username, const char *suffix)
{
	return arena_printf(a, "%s/users/%s/%s", base, username, suffix);
}

char *
ap_note_uri(struct arena *a, const char *base, const char *username, int64_t id)
{
	char buf[ID_STRLEN];
	return arena_printf(a, "%s/users/%s/statuses/%s", base, username, id_format(id, buf));
}

char *
ap_instance_actor_uri(struct arena *a, const char *base)
{
	return arena_printf(a, "%s/actor", base);
}

char *
ap_shared_inbox_uri(struct arena *a, const char *base)
{
	return arena_printf(a, "%s/inbox", base);
}

char *
ap_local_domain(struct arena *a, const char *base)
{
	const char *host = strstr(base, "://");
	return arena_strdup(a, host ? host + 3 : base);
}

char *
ap_absolute_links(struct arena *a, const char *base, const char *html)
{
	struct strbuf sb;
	strbuf_init(&sb, a);
	const char *p = html;
	const char *hit;
	while ((hit = strstr(p, "href=\"/")) != NULL) {
		strbuf_append(&sb, p, (size_t)(hit - p) + 6);
		strbuf_puts(&sb, base);
		p = hit + 6;
	}
	strbuf_puts(&sb, p);
	return sb.data;
}

bool
ap_wants_activity(struct req *req)
{
	const char *accept = req_header(req, MHD_HTTP_HEADER_ACCEPT);
	return accept != NULL && (strstr(accept, "application/activity+json") != NULL ||
				  strstr(accept, "application/ld+json") != NULL);
}
