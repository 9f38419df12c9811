/* resolve.c - remote actors. Every document is checked before anything of it is stored
 * (PROTOCOL.md section 2.1, SAFETY.md "forged identities"): it must be served as an
 * ActivityStreams media type, from the origin it was asked at (no redirect to another one),
 * its id must be the URL it was fetched from, its key must belong to it, its links must stay
 * on its own host, and an actor's handle (preferredUsername@host) must lead back to it by
 * WebFinger. A stored handle is trusted for HANDLE_FRESH_S; after that, looking it up asks
 * WebFinger again. */
#include "ap/resolve.h"

#include <ctype.h>
#include <jansson.h>
#include <string.h>
#include <strings.h>

#include "ap/ap.h"
#include "ap/attachments.h"
#include "ap/fetch.h"
#include "ap/signers.h"
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
#define ACCEPT_JRD "application/jrd+json, application/json"

/* How long a handle verified by WebFinger is trusted before a lookup by handle (a mention, a
 * search) asks WebFinger again: a day, as Mastodon does. */
#define HANDLE_FRESH_S (24 * 60 * 60)

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

bool
ap_fetch_hop_allowed(struct arena *a, const char *url, struct err *err)
{
	return check_allowed(a, ap_url_domain(a, url), err) == 0;
}

/* Skips spaces and tabs. */
static const char *
skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

bool
ap_is_activity_media_type(const char *content_type)
{
	if (content_type == NULL)
		return false;
	const char *p = skip_ws(content_type);
	size_t n = strcspn(p, ";");
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	if (n == 25 && strncasecmp(p, "application/activity+json", 25) == 0)
		return true;
	if (n != 19 || strncasecmp(p, "application/ld+json", 19) != 0)
		return false;
	/* ld+json only with the ActivityStreams profile (a space-separated list of URIs). */
	for (p += strcspn(p, ";"); *p == ';';) {
		p = skip_ws(p + 1);
		size_t name = strcspn(p, "=;");
		bool profile = name == 7 && strncasecmp(p, "profile", 7) == 0 && p[7] == '=';
		p += name;
		if (*p != '=')
			continue;
		p++;
		const char *value = p;
		size_t len;
		if (*p == '"') {
			value = ++p;
			len = strcspn(p, "\"");
			p += len;
			if (*p == '"')
				p++;
		} else {
			len = strcspn(p, ";");
			p += len;
		}
		p += strcspn(p, ";");
		if (!profile)
			continue;
		for (size_t i = 0; i < len;) {
			size_t w = strcspn(value + i, " \t\"");
			if (w > len - i)
				w = len - i;
			if (w == strlen(AP_CONTEXT) && strncmp(value + i, AP_CONTEXT, w) == 0)
				return true;
			i += w + 1;
		}
	}
	return false;
}

/* GETs an ActivityStreams document, signed by the instance actor, as a JSON object: only
 * from the origin of url (redirects within it are followed), and only when served as an
 * ActivityStreams media type. *final gets the URL the answer came from. */
static json_t *
fetch_json(struct arena *a, const char *url, const char **final, struct err *err)
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
	struct fetch_request rq = {.accept = ACCEPT_AS, .signer = &signer, .same_origin = true};
	if (fetch_get_with(a, url, &rq, &resp, err) != 0)
		return NULL;
	*final = resp.url != NULL ? resp.url : url;
	if (resp.status == 404 || resp.status == 410) {
		err_set(err, ERR_NOT_FOUND, NULL, "%ld from the peer", resp.status);
		return NULL;
	}
	if (resp.status < 200 || resp.status > 299) {
		err_set(err, resp.status >= 500 ? ERR_UNAVAILABLE : ERR_INVALID, NULL,
			"%ld from the peer", resp.status);
		return NULL;
	}
	if (!ap_is_activity_media_type(resp.content_type)) {
		err_set(err, ERR_INVALID, NULL, "the peer's document is not served as ActivityStreams");
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

/* Whether a document fetched by its id (uri) and answered from final names itself: its id
 * is exactly uri, and on the origin of the answer. */
static bool
names_itself(struct arena *a, const json_t *doc, const char *uri, const char *final)
{
	const char *id = json_string_value(json_object_get(doc, "id"));
	if (id == NULL || strcmp(id, uri) != 0)
		return false;
	const char *o1 = fetch_origin(a, id), *o2 = fetch_origin(a, final);
	return o1 != NULL && o2 != NULL && strcmp(o1, o2) == 0;
}

json_t *
ap_fetch_object(struct arena *a, const char *uri, struct err *err)
{
	const char *final;
	json_t *doc = fetch_json(a, uri, &final, err);
	if (doc == NULL)
		return NULL;
	if (!names_itself(a, doc, uri, final)) {
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

/* Whether key_id lies under the actor's own id (id#main-key, id/main-key, as Mastodon,
 * GoToSocial, Akkoma, Misskey, snac and Fedify make them). Another actor's key id — even on
 * the same server — is refused: stored with the wrong account it would lock the real owner
 * out, every request it signs then failing the key's owner check. */
static bool
key_under_actor(const char *key_id, const char *id)
{
	size_t n = strlen(id);
	return strncmp(key_id, id, n) == 0 && (key_id[n] == '#' || key_id[n] == '/');
}

/* Checks an actor document fetched from uri (answered from final) and converts it. */
static int
parse_actor(struct arena *a, const json_t *doc, const char *uri, const char *final,
	    struct remote_actor *ra, struct err *err)
{
	static const char *const types[] = {"Person", "Service", "Application", "Group",
					    "Organization"};
	memset(ra, 0, sizeof *ra);
	const char *id = str(doc, "id");
	if (!names_itself(a, doc, uri, final))
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
	/* Its inbox, shared inbox and followers collection must live on its own server: one
	 * elsewhere would have this node deliver the actor's mail (followers-only posts, DMs) to
	 * another server, or count another server's collection as the actor's followers. Mastodon,
	 * GoToSocial, Akkoma, Misskey, snac and Fedify all serve them from the actor's host. */
	ra->inbox_url = str(doc, "inbox");
	if (ra->inbox_url == NULL || ap_url_domain(a, ra->inbox_url) == NULL)
		return err_set(err, ERR_INVALID, NULL, "actor without an inbox");
	if (!same_host(a, ra->inbox_url, ra->domain))
		return err_set(err, ERR_INVALID, NULL, "actor's inbox on another server");
	const json_t *key = json_object_get(doc, "publicKey");
	if (json_is_array(key))
		key = json_array_get(key, 0);
	ra->key_id = str(key, "id");
	ra->public_key_pem = str(key, "publicKeyPem");
	const char *owner = str(key, "owner");
	if (ra->key_id == NULL || ra->public_key_pem == NULL || owner == NULL ||
	    strcmp(owner, id) != 0 || !key_under_actor(ra->key_id, id))
		return err_set(err, ERR_INVALID, NULL, "actor key missing or not its own");
	const json_t *endpoints = json_object_get(doc, "endpoints");
	ra->shared_inbox_url = str(endpoints, "sharedInbox");
	if (!same_host(a, ra->shared_inbox_url, ra->domain))
		ra->shared_inbox_url = NULL; /* its own inbox then */
	ra->followers_url = str(doc, "followers");
	if (!same_host(a, ra->followers_url, ra->domain))
		ra->followers_url = NULL;
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

/* A URL query value: unreserved characters as they are, the rest percent-encoded. */
static char *
query_escape(struct arena *a, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(s);
	char *out = arena_alloc(a, n * 3 + 1), *o = out;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (isalnum(*p) || strchr("-._~@:", *p) != NULL) {
			*o++ = (char)*p;
		} else {
			*o++ = '%';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 15];
		}
	}
	*o = '\0';
	return out;
}

/* Asks domain's WebFinger for acct:user@domain and sets *href to the actor its self link
 * names. ERR_NOT_FOUND when the peer knows no such user (or names no actor), else as
 * fetch_get. */
static int
webfinger_self(struct arena *a, const char *user, const char *domain, const char **href,
	       struct err *err)
{
	if (check_allowed(a, domain, err) != 0)
		return -1;
	const char *acct = arena_printf(a, "acct:%s@%s", user, domain);
	char *url = arena_printf(a, "%s://%s/.well-known/webfinger?resource=%s",
				 ap_insecure_http() ? "http" : "https", domain,
				 query_escape(a, acct));
	struct fetch_response resp;
	struct fetch_request rq = {.accept = ACCEPT_JRD};
	if (fetch_get_with(a, url, &rq, &resp, err) != 0)
		return -1;
	if (resp.status == 404 || resp.status == 410)
		return err_set(err, ERR_NOT_FOUND, "That server knows no such user.",
			       "webfinger %ld", resp.status);
	int found = resp.status == 200 ? ap_jrd_self(a, resp.body, resp.len, href) : -1;
	if (found < 0)
		return err_set(err, resp.status >= 500 || resp.status == 200 ? ERR_UNAVAILABLE
									     : ERR_INVALID,
			       NULL, "webfinger answered %ld", resp.status);
	if (found == 0)
		return err_set(err, ERR_NOT_FOUND, "That server knows no such user.",
			       "no self link");
	return 0;
}

int
ap_jrd_self(struct arena *a, const char *body, size_t len, const char **href)
{
	json_t *jrd = json_loadb(body, len, 0, NULL);
	if (jrd == NULL)
		return -1;
	arena_defer(a, (void (*)(void *))json_decref, jrd);
	/* The subject may name the account on another domain (a server whose handles use
	 * the bare domain while it is served from a subdomain): what counts is the self link. */
	size_t i;
	json_t *link;
	json_array_foreach(json_object_get(jrd, "links"), i, link)
	{
		const char *rel = str(link, "rel"), *type = str(link, "type");
		if (rel && strcmp(rel, "self") == 0 && ap_is_activity_media_type(type) &&
		    str(link, "href") != NULL) {
			*href = str(link, "href");
			return 1;
		}
	}
	return 0;
}

/* The WebFinger round trip: the handle an actor document claims (preferredUsername at the
 * host of its id) must name that very actor, or anyone who can place a document on a peer's
 * origin could take a remote user's handle — and the direct messages sent to it. */
static int
verify_handle(struct arena *a, const struct remote_actor *ra, struct err *err)
{
	const char *href = NULL;
	struct err wf = {0};
	if (webfinger_self(a, ra->username, ra->domain, &href, &wf) != 0) {
		if (wf.code == ERR_UNAVAILABLE || wf.code == ERR_FORBIDDEN) {
			*err = wf;
			return -1;
		}
		return err_set(err, ERR_INVALID, NULL, "handle %s@%s does not verify: %s",
			       ra->username, ra->domain, wf.detail);
	}
	if (strcmp(href, ra->uri) != 0)
		return err_set(err, ERR_INVALID, NULL,
			       "WebFinger for %s@%s names another actor", ra->username, ra->domain);
	return 0;
}

/* Whether uri is one of this node's own (under base_url, at a path boundary). */
static bool
ours(const char *uri)
{
	const char *base = ap_base_url();
	size_t n = strlen(base);
	return strncmp(uri, base, n) == 0 && strchr("/#?", uri[n]) != NULL;
}

/* Fetches the actor at uri and stores it as a remote account. Never one of our own URIs:
 * a keyId naming a member's key must not make a "remote" copy of that member. */
static struct account *
fetch_and_store(struct arena *a, const char *uri, const json_t **doc_out, struct err *err)
{
	if (ours(uri)) {
		err_set(err, ERR_INVALID, NULL, "one of our own URIs");
		return NULL;
	}
	const char *final;
	json_t *doc = fetch_json(a, uri, &final, err);
	if (doc == NULL)
		return NULL;
	struct remote_actor ra;
	if (parse_actor(a, doc, uri, final, &ra, err) != 0 || verify_handle(a, &ra, err) != 0)
		return NULL;
	int64_t id;
	if (db_remote_upsert(a, &ra, &id, err) != 0) {
		if (err->code != ERR_CONFLICT)
			return NULL;
		/* Another row holds this handle: WebFinger has just said it is this actor's, so
		 * that row's claim no longer verifies (a squatter, or an account the peer
		 * renamed). It loses the handle and keeps everything else. */
		log_msg(LOG_INFO, "resolve: handle on %s moved to the actor WebFinger names",
			ra.domain);
		if (db_remote_release_handle(a, ra.username, ra.domain, ra.uri, err) != 0 ||
		    db_remote_upsert(a, &ra, &id, err) != 0)
			return NULL;
	}
	/* its avatar and header, fetched by the worker and shown through this node */
	remote_media_set_profile(a, id, ra.domain, "avatar", ap_actor_image_url(doc, "icon"));
	remote_media_set_profile(a, id, ra.domain, "header", ap_actor_image_url(doc, "image"));
	if (doc_out != NULL)
		*doc_out = doc;
	return db_remote_by_uri(a, uri, err);
}

struct account *
ap_resolve_actor(struct arena *a, const char *uri, bool refresh, struct err *err)
{
	if (ours(uri)) {
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
	return fetch_and_store(a, uri, NULL, err);
}

struct account *
ap_resolve_actor_doc(struct arena *a, const char *uri, const json_t **doc, struct err *err)
{
	if (ours(uri)) {
		err_set(err, ERR_INVALID, NULL, "one of our own URIs");
		return NULL;
	}
	return fetch_and_store(a, uri, doc, err);
}

struct account *
ap_cached_key(struct arena *a, const char *key_id, const char **public_pem, struct err *err)
{
	return signers_get(a, key_id, public_pem, err);
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
		const char *final;
		json_t *doc = fetch_json(a, key_id, &final, err);
		if (doc == NULL)
			return NULL;
		const json_t *key = json_object_get(doc, "publicKey");
		actor_uri = str(key ? key : doc, "owner");
		if (actor_uri == NULL) {
			err_set(err, ERR_INVALID, NULL, "key document without an owner");
			return NULL;
		}
		/* A key document speaks only for an owner on its own origin. */
		const char *o1 = fetch_origin(a, actor_uri), *o2 = fetch_origin(a, final);
		if (o1 == NULL || o2 == NULL || strcmp(o1, o2) != 0) {
			err_set(err, ERR_INVALID, NULL, "key document names an owner elsewhere");
			return NULL;
		}
	}
	struct account *acct = fetch_and_store(a, actor_uri, NULL, err);
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
	struct account *known = db_remote_by_verified_acct(a, user, domain, HANDLE_FRESH_S, &lookup);
	if (known != NULL)
		return known;
	if (lookup.code != ERR_NOT_FOUND) {
		*err = lookup;
		return NULL;
	}
	/* Unknown, or not verified lately: WebFinger decides whose handle it is, and the actor
	 * it names is fetched again (which verifies the handle the other way round and moves it
	 * away from any row that held it before). */
	const char *href;
	if (webfinger_self(a, user, domain, &href, err) != 0)
		return NULL;
	return ap_resolve_actor(a, href, true, err);
}
