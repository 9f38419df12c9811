/* resolve.c - remote actors. Every document is checked before anything of it is stored:
 * its id must be the URL it was fetched from, its key must belong to it, and its links must
 * stay on its own host (PROTOCOL.md section 2.1). */
#include "ap/resolve.h"

#include <ctype.h>
#include <jansson.h>
#include <string.h>
#include <strings.h>

#include "ap/ap.h"
#include "ap/fetch.h"
#include "ap/keys.h"
#include "ap/props.h"
#include "core/account.h"
#include "core/federation.h"
#include "db/remote.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/log.h"
#include "util/sanitize.h"
#include "util/strbuf.h"
#include "util/utf8.h"

#define ACCEPT_AS                                                                           \
	"application/activity+json, application/ld+json; "                                 \
	"profile=\"https://www.w3.org/ns/activitystreams\""

char *
ap_url_domain(struct arena *a, const char *url)
{
	const char *host;
	if (strncasecmp(url, "https://", 8) == 0)
		host = url + 8;
	else if (strncasecmp(url, "http://", 7) == 0)
		host = url + 7;
	else
		return NULL;
	size_t n = strcspn(host, "/?#");
	if (n == 0 || memchr(host, '@', n) != NULL)
		return NULL; /* no user info: "https://user@host" is never an actor */
	/* Normalised as the peers list is (core/federation.h), so that "HOST.:443" is "host"
	 * wherever a domain is compared or stored. */
	struct err ignored;
	return federation_domain_normalise(a, arena_strndup(a, url, (size_t)(host - url) + n),
					   &ignored);
}

/* Refuses domains the policy does not allow, before any connection. */
static int
check_allowed(struct arena *a, const char *domain, struct err *err)
{
	if (domain == NULL)
		return err_set(err, ERR_INVALID, NULL, "not an http(s) URL");
	bool ok = federation_domain_allowed(a, domain, err);
	if (!ok && err->code == ERR_UNAVAILABLE)
		return -1;
	if (!ok)
		return err_set(err, ERR_FORBIDDEN, "That server is not one this community federates with.",
			       "domain %s is not an allowed peer", domain);
	return 0;
}

/* GETs an ActivityStreams document, signed by the instance actor, as a JSON object. */
static json_t *
fetch_json(struct arena *a, const char *url, struct err *err)
{
	if (check_allowed(a, ap_url_domain(a, url), err) != 0)
		return NULL;
	const char *priv, *pub;
	if (ap_instance_keys(a, &priv, &pub, err) != 0)
		return NULL;
	struct fetch_signer signer = {
		.key_id = arena_printf(a, "%s#main-key", ap_instance_actor_uri(a, ap_base_url())),
		.private_pem = priv,
	};
	struct fetch_response resp;
	if (fetch_get(a, url, ACCEPT_AS, &signer, &resp, err) != 0)
		return NULL;
	/* A redirect may have led elsewhere: the answer counts only from an allowed peer. */
	if (resp.url != NULL && strcmp(resp.url, url) != 0 &&
	    check_allowed(a, ap_url_domain(a, resp.url), err) != 0)
		return NULL;
	if (resp.status == 404 || resp.status == 410) {
		err_set(err, ERR_NOT_FOUND, NULL, "%ld from the peer", resp.status);
		return NULL;
	}
	if (resp.status < 200 || resp.status > 299) {
		err_set(err, resp.status >= 500 ? ERR_UNAVAILABLE : ERR_INVALID, NULL,
			"%ld from the peer", resp.status);
		return NULL;
	}
	json_error_t jerr;
	json_t *doc = json_loadb(resp.body, resp.len, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(doc)) {
		json_decref(doc);
		err_set(err, ERR_INVALID, NULL, "the peer's document is not a JSON object");
		return NULL;
	}
	arena_defer(a, (void (*)(void *))json_decref, doc);
	return doc;
}

json_t *
ap_fetch_object(struct arena *a, const char *uri, struct err *err)
{
	json_t *doc = fetch_json(a, uri, err);
	if (doc == NULL)
		return NULL;
	const char *id = json_string_value(json_object_get(doc, "id"));
	if (id == NULL || strcmp(id, uri) != 0) {
		err_set(err, ERR_INVALID, NULL, "object id is not the URL it came from");
		return NULL;
	}
	return doc;
}

static const char *
str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

/* A string cut to max code points (whole characters only). */
static const char *
clip(struct arena *a, const char *s, size_t max)
{
	if (s == NULL)
		return "";
	if (!utf8_valid(s, strlen(s)))
		return "";
	size_t chars = 0, i = 0;
	for (; s[i]; i++) {
		if (((unsigned char)s[i] & 0xC0) != 0x80 && chars++ == max)
			break;
	}
	return arena_strndup(a, s, i);
}

static bool
same_host(struct arena *a, const char *url, const char *domain)
{
	const char *d = url ? ap_url_domain(a, url) : NULL;
	return d != NULL && strcmp(d, domain) == 0;
}

/* Checks an actor document fetched from uri and converts it. */
static int
parse_actor(struct arena *a, const json_t *doc, const char *uri, struct remote_actor *ra,
	    struct err *err)
{
	static const char *const types[] = {"Person", "Service", "Application", "Group",
					    "Organization"};
	memset(ra, 0, sizeof *ra);
	const char *id = str(doc, "id");
	if (id == NULL || strcmp(id, uri) != 0)
		return err_set(err, ERR_INVALID, NULL, "actor id is not the URL it came from");
	ra->actor_type = ap_prop_type_in(doc, types, sizeof types / sizeof types[0]);
	if (ra->actor_type == NULL)
		return err_set(err, ERR_INVALID, NULL, "not an actor type");
	ra->uri = id;
	ra->domain = ap_url_domain(a, id);
	if (ra->domain == NULL ||
	    strspn(ra->domain, "abcdefghijklmnopqrstuvwxyz0123456789.-:[]") != strlen(ra->domain))
		return err_set(err, ERR_INVALID, NULL, "actor id with a strange host");
	/* The name goes into page paths, form actions and WebFinger queries: Mastodon's pattern,
	 * or the actor's own host[:port] (checked above), which instance actors (Mastodon's,
	 * parasol's) take as their name. */
	ra->username = str(doc, "preferredUsername");
	if (!account_remote_username_ok(ra->username) &&
	    (ra->username == NULL || strcasecmp(ra->username, ra->domain) != 0))
		return err_set(err, ERR_INVALID, NULL, "bad preferredUsername");
	ra->inbox_url = str(doc, "inbox");
	if (ra->inbox_url == NULL || ap_url_domain(a, ra->inbox_url) == NULL)
		return err_set(err, ERR_INVALID, NULL, "actor without an inbox");
	const json_t *key = json_object_get(doc, "publicKey");
	if (json_is_array(key))
		key = json_array_get(key, 0);
	ra->key_id = str(key, "id");
	ra->public_key_pem = str(key, "publicKeyPem");
	const char *owner = str(key, "owner");
	if (ra->key_id == NULL || ra->public_key_pem == NULL || owner == NULL ||
	    strcmp(owner, id) != 0 || !same_host(a, ra->key_id, ra->domain))
		return err_set(err, ERR_INVALID, NULL, "actor key missing or not its own");
	const json_t *endpoints = json_object_get(doc, "endpoints");
	ra->shared_inbox_url = str(endpoints, "sharedInbox");
	if (ra->shared_inbox_url && ap_url_domain(a, ra->shared_inbox_url) == NULL)
		ra->shared_inbox_url = NULL;
	ra->followers_url = str(doc, "followers");
	ra->url = ap_prop_first_url(doc, "url");
	if (!same_host(a, ra->url, ra->domain))
		ra->url = NULL;
	ra->display_name = clip(a, str(doc, "name"), 100);
	const char *summary = str(doc, "summary");
	struct err ignored;
	const char *bio = summary ? html_to_text(a, summary, strlen(summary), &ignored) : NULL;
	ra->bio = clip(a, bio, 2000);
	ra->locked = json_is_true(json_object_get(doc, "manuallyApprovesFollowers"));
	return 0;
}

static struct account *
fetch_and_store(struct arena *a, const char *uri, struct err *err)
{
	json_t *doc = fetch_json(a, uri, err);
	if (doc == NULL)
		return NULL;
	struct remote_actor ra;
	if (parse_actor(a, doc, uri, &ra, err) != 0)
		return NULL;
	int64_t id;
	if (db_remote_upsert(a, &ra, &id, err) != 0)
		return NULL;
	return db_remote_by_uri(a, uri, err);
}

struct account *
ap_resolve_actor(struct arena *a, const char *uri, bool refresh, struct err *err)
{
	if (strncmp(uri, ap_base_url(), strlen(ap_base_url())) == 0) {
		err_set(err, ERR_INVALID, NULL, "one of our own URIs");
		return NULL;
	}
	if (!refresh) {
		struct err lookup;
		struct account *acct = db_remote_by_uri(a, uri, &lookup);
		if (acct != NULL || lookup.code != ERR_NOT_FOUND) {
			if (acct == NULL)
				*err = lookup;
			return acct;
		}
	}
	return fetch_and_store(a, uri, err);
}

struct account *
ap_resolve_key(struct arena *a, const char *key_id, bool refresh, const char **public_pem,
	       struct err *err)
{
	if (!refresh) {
		struct err lookup;
		struct account *acct = db_remote_by_key_id(a, key_id, public_pem, &lookup);
		if (acct != NULL || lookup.code != ERR_NOT_FOUND) {
			if (acct == NULL)
				*err = lookup;
			return acct;
		}
	}
	/* "https://peer/users/x#main-key" names its actor; GoToSocial's ".../main-key" is a
	 * key document whose owner does. */
	const char *hash = strchr(key_id, '#');
	const char *actor_uri;
	if (hash != NULL) {
		actor_uri = arena_strndup(a, key_id, (size_t)(hash - key_id));
	} else {
		json_t *doc = fetch_json(a, key_id, err);
		if (doc == NULL)
			return NULL;
		const json_t *key = json_object_get(doc, "publicKey");
		actor_uri = str(key ? key : doc, "owner");
		if (actor_uri == NULL) {
			err_set(err, ERR_INVALID, NULL, "key document without an owner");
			return NULL;
		}
	}
	struct account *acct = fetch_and_store(a, actor_uri, err);
	if (acct == NULL)
		return NULL;
	struct account *owner = db_remote_by_key_id(a, key_id, public_pem, err);
	if (owner == NULL || owner->id != acct->id) {
		err_set(err, ERR_INVALID, NULL, "the key's owner does not name that key");
		return NULL;
	}
	return owner;
}

struct account *
ap_resolve_acct(struct arena *a, const char *acct, struct err *err)
{
	if (*acct == '@')
		acct++;
	const char *at = strrchr(acct, '@');
	if (at == NULL || at == acct || at[1] == '\0') {
		err_set(err, ERR_INVALID, "Write the address as user@server.", "bad acct");
		return NULL;
	}
	char *user = arena_strndup(a, acct, (size_t)(at - acct));
	struct err ignored;
	char *domain = federation_domain_normalise(a, at + 1, &ignored);
	if (domain == NULL || strchr(at + 1, '/') != NULL) {
		err_set(err, ERR_INVALID, "Write the address as user@server.", "bad domain");
		return NULL;
	}
	if (!account_remote_username_ok(user)) {
		err_set(err, ERR_INVALID, "Write the address as user@server.", "bad user name");
		return NULL;
	}
	struct err lookup;
	struct account *known = db_remote_by_acct(a, user, domain, &lookup);
	if (known != NULL)
		return known;
	if (check_allowed(a, domain, err) != 0)
		return NULL;
	struct strbuf url;
	strbuf_init(&url, a);
	strbuf_printf(&url, "%s://%s/.well-known/webfinger?resource=",
		      ap_insecure_http() ? "http" : "https", domain);
	strbuf_put_pct(&url, arena_printf(a, "acct:%s@%s", user, domain), ":@");
	struct fetch_response resp;
	if (fetch_get(a, url.data, "application/jrd+json, application/json", NULL, &resp, err) != 0)
		return NULL;
	if (resp.status == 404 || resp.status == 410) {
		err_set(err, ERR_NOT_FOUND, "That server knows no such user.", "webfinger 404");
		return NULL;
	}
	json_t *jrd = resp.status == 200 ? json_loadb(resp.body, resp.len, 0, NULL) : NULL;
	if (jrd == NULL) {
		err_set(err, ERR_UNAVAILABLE, NULL, "webfinger answered %ld", resp.status);
		return NULL;
	}
	arena_defer(a, (void (*)(void *))json_decref, jrd);
	size_t i;
	json_t *link;
	json_array_foreach(json_object_get(jrd, "links"), i, link)
	{
		const char *rel = str(link, "rel"), *type = str(link, "type");
		const char *href = str(link, "href");
		if (rel && strcmp(rel, "self") == 0 && type && href &&
		    (strcmp(type, AP_CONTENT_TYPE) == 0 || strncmp(type, "application/ld+json", 19) == 0))
			return ap_resolve_actor(a, href, false, err);
	}
	err_set(err, ERR_NOT_FOUND, "That server knows no such user.", "no self link");
	return NULL;
}
