/* discovery.c - WebFinger (RFC 7033), host-meta (RFC 6415) and NodeInfo 2.0/2.1: how peers
 * find this node's members and learn what software it runs. */
#include "ap/discovery.h"

#include <jansson.h>
#include <microhttpd.h>
#include <string.h>
#include <strings.h>

#include "ap/ap.h"
#include "app.h"
#include "autoconfig.h"
#include "core/account.h"
#include "core/settings.h"
#include "db/deletion.h"
#include "db/federation.h"
#include "http/request.h"
#include "http/respond.h"
#include "util/arena.h"
#include "util/err.h"

static const char *
base_url(const struct req *req)
{
	const struct app *app = req->app;
	return app->cfg.base_url;
}

/* The local username a WebFinger resource names: acct:user@ourdomain, the actor URL or the
 * profile URL; NULL when it names something else. ERR_INVALID for a malformed resource. */
static const char *
resource_username(struct req *req, const char *resource, struct err *err)
{
	const char *base = base_url(req);
	const char *domain = ap_local_domain(req->arena, base);
	if (strncasecmp(resource, "acct:", 5) == 0) {
		const char *at = strrchr(resource + 5, '@');
		if (at == NULL || at == resource + 5 || at[1] == '\0') {
			err_set(err, ERR_INVALID, "The resource must be acct:user@domain.",
				"malformed acct resource");
			return NULL;
		}
		if (strcasecmp(at + 1, domain) != 0)
			return NULL;
		const char *user = resource + 5;
		if (*user == '@') /* acct:@user@domain, as some clients write it */
			user++;
		return arena_strndup(req->arena, user, (size_t)(at - user));
	}
	size_t blen = strlen(base);
	if (strncmp(resource, base, blen) == 0) {
		const char *path = resource + blen;
		if (strncmp(path, "/users/", 7) == 0 && strchr(path + 7, '/') == NULL)
			return path + 7;
		if (strncmp(path, "/@", 2) == 0 && strchr(path + 2, '/') == NULL)
			return path + 2;
		return NULL;
	}
	if (strstr(resource, ":") == NULL) {
		err_set(err, ERR_INVALID, "The resource must be a URI.", "resource without scheme");
		return NULL;
	}
	return NULL;
}

static int
webfinger(struct req *req)
{
	/* Any origin may ask (RFC 7033 section 5). */
	resp_header(req, "Access-Control-Allow-Origin", "*");
	const char *resource = req_query(req, "resource");
	if (resource == NULL || *resource == '\0')
		return err_set(&req->err, ERR_INVALID, "The resource parameter is required.",
			       "webfinger without resource");
	struct err err = {0};
	const char *username = resource_username(req, resource, &err);
	if (username == NULL) {
		if (err.code != ERR_NONE) {
			req->err = err;
			return -1;
		}
		return err_set(&req->err, ERR_NOT_FOUND, "Not found.", "webfinger: not ours");
	}
	const char *base = base_url(req);
	const char *domain = ap_local_domain(req->arena, base);
	if (strcasecmp(username, domain) == 0) {
		/* The instance actor's handle is the domain at the domain (as Mastodon's), so
		 * that peers can check it by WebFinger like any actor's. */
		json_t *doc = json_pack("{s:s, s:[s], s:[{s:s,s:s,s:s}]}", "subject",
					arena_printf(req->arena, "acct:%s@%s", domain, domain),
					"aliases", ap_instance_actor_uri(req->arena, base), "links",
					"rel", "self", "type", AP_CONTENT_TYPE, "href",
					ap_instance_actor_uri(req->arena, base));
		resp_json(req, MHD_HTTP_OK, doc);
		json_decref(doc);
		req->resp.content_type = "application/jrd+json";
		return 0;
	}
	int deleted = db_handle_deletion_state(req->arena, username, &req->err);
	if (deleted < 0)
		return -1;
	if (deleted == DB_DELETION_FORGOTTEN)
		return err_set(&req->err, ERR_GONE, "This account has been deleted.",
			       "webfinger: deleted member");
	struct account *acct = account_by_username(req->arena, username, &req->err);
	if (acct == NULL || !acct->approved || (acct->suspended && deleted == DB_DELETION_NONE))
		return err_set(&req->err, req->err.code == ERR_UNAVAILABLE ? ERR_UNAVAILABLE
									   : ERR_NOT_FOUND,
			       "Not found.", "webfinger: no such member");
	char *actor = ap_actor_uri(req->arena, base, acct->username);
	char *profile = arena_printf(req->arena, "%s/@%s", base, acct->username);
	json_t *doc = json_pack(
		"{s:s, s:[s,s], s:[{s:s,s:s,s:s},{s:s,s:s,s:s}]}", "subject",
		arena_printf(req->arena, "acct:%s@%s", acct->username,
			     ap_local_domain(req->arena, base)),
		"aliases", profile, actor, "links", "rel", "http://webfinger.net/rel/profile-page",
		"type", "text/html", "href", profile, "rel", "self", "type", AP_CONTENT_TYPE, "href",
		actor);
	resp_json(req, MHD_HTTP_OK, doc);
	json_decref(doc);
	req->resp.content_type = "application/jrd+json";
	return 0;
}

static int
host_meta(struct req *req)
{
	char *xml = arena_printf(
		req->arena,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<XRD xmlns=\"http://docs.oasis-open.org/ns/xri/xrd-1.0\">\n"
		"<Link rel=\"lrdd\" type=\"application/xrd+xml\" "
		"template=\"%s/.well-known/webfinger?resource={uri}\"/>\n"
		"</XRD>\n",
		base_url(req));
	resp_set(req, MHD_HTTP_OK, "application/xrd+xml; charset=utf-8", xml, strlen(xml));
	resp_header(req, "Access-Control-Allow-Origin", "*");
	return 0;
}

static int
nodeinfo_links(struct req *req)
{
	const char *base = base_url(req);
	json_t *doc = json_pack(
		"{s:[{s:s,s:s},{s:s,s:s}]}", "links", "rel",
		"http://nodeinfo.diaspora.software/ns/schema/2.0", "href",
		arena_printf(req->arena, "%s/nodeinfo/2.0", base), "rel",
		"http://nodeinfo.diaspora.software/ns/schema/2.1", "href",
		arena_printf(req->arena, "%s/nodeinfo/2.1", base));
	resp_json(req, MHD_HTTP_OK, doc);
	json_decref(doc);
	resp_header(req, "Access-Control-Allow-Origin", "*");
	return 0;
}

static int
nodeinfo(struct req *req, const char *version)
{
	struct db_node_stats st;
	if (db_node_stats(req->arena, &st, &req->err) != 0)
		return -1;
	json_t *software = json_pack("{s:s,s:s}", "name", "parasol", "version", PACKAGE_VERSION);
	if (strcmp(version, "2.1") == 0)
		json_object_set_new(software, "homepage", json_string(base_url(req)));
	json_t *doc = json_pack(
		"{s:s, s:o, s:[s], s:{s:[],s:[]}, s:b, s:{s:{s:I,s:I,s:I},s:I}, s:{s:s}}",
		"version", version, "software", software, "protocols", "activitypub", "services",
		"inbound", "outbound", "openRegistrations",
		req->settings && req->settings->registration_mode == REG_OPEN, "usage", "users",
		"total", (json_int_t)st.users, "activeHalfyear", (json_int_t)st.active_halfyear,
		"activeMonth", (json_int_t)st.active_month, "localPosts",
		(json_int_t)st.local_posts, "metadata", "nodeName",
		req->settings ? req->settings->name : "parasol");
	resp_json(req, MHD_HTTP_OK, doc);
	json_decref(doc);
	req->resp.content_type = arena_printf(
		req->arena,
		"application/json; profile=\"http://nodeinfo.diaspora.software/ns/schema/%s#\"",
		version);
	resp_header(req, "Access-Control-Allow-Origin", "*");
	return 0;
}

static int
nodeinfo_20(struct req *req)
{
	return nodeinfo(req, "2.0");
}

static int
nodeinfo_21(struct req *req)
{
	return nodeinfo(req, "2.1");
}

int
ap_discovery_routes(struct router *r)
{
	int rc = 0;
	rc |= router_add(r, "GET", "/.well-known/webfinger", webfinger);
	rc |= router_add(r, "GET", "/.well-known/host-meta", host_meta);
	rc |= router_add(r, "GET", "/.well-known/nodeinfo", nodeinfo_links);
	rc |= router_add(r, "GET", "/nodeinfo/2.0", nodeinfo_20);
	rc |= router_add(r, "GET", "/nodeinfo/2.1", nodeinfo_21);
	return rc ? -1 : 0;
}
