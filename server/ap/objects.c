/* objects.c - Notes and collections for signed fetches from peers. */
#include "ap/objects.h"

#include <jansson.h>
#include <microhttpd.h>
#include <string.h>

#include "ap/ap.h"
#include "ap/outbound.h"
#include "ap/verify.h"
#include "core/account.h"
#include "core/follow.h"
#include "db/apcollections.h"
#include "db/federation.h"
#include "http/request.h"
#include "http/respond.h"
#include "http/router.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"

#define PAGE_SIZE 20
#define FEATURED_MAX 100 /* pins are capped far lower (core/status.c); a bound all the same */

/* The JSON-LD context of documents that carry Notes. */
static json_t *
context(void)
{
	return json_pack("[s,{s:s,s:s,s:s,s:s}]", AP_CONTEXT, "sensitive", "as:sensitive",
			 "Hashtag", "as:Hashtag", "toot", "http://joinmastodon.org/ns#", "blurhash",
			 "toot:blurhash");
}

static int
not_found(struct req *req, const char *detail)
{
	return err_set(&req->err, ERR_NOT_FOUND, "Not found.", "%s", detail);
}

/* Sends doc (consumed) with the context added. */
static int
send_doc(struct req *req, json_t *doc)
{
	if (doc == NULL)
		return err_set(&req->err, ERR_INTERNAL, NULL, "could not build a document");
	json_object_set_new(doc, "@context", context());
	resp_activity_json(req, MHD_HTTP_OK, doc);
	json_decref(doc);
	resp_header(req, "Vary", "Accept");
	return 0;
}

/* The local member named by the path (*owner), then: a browser is sent to the member's page
 * /@USERNAME followed by html_suffix and 1 returned; anyone else must be a signed peer
 * (*signer). 0 to go on, 1 answered, -1 + req->err. */
static int
open_request(struct req *req, const char *html_suffix, struct account **owner,
	     struct account **signer)
{
	struct err err = {0};
	*owner = account_by_username(req->arena, req_param(req, "name"), &err);
	if (*owner == NULL || !(*owner)->approved || (*owner)->suspended)
		return err_set(&req->err,
			       err.code == ERR_UNAVAILABLE ? ERR_UNAVAILABLE : ERR_NOT_FOUND,
			       "Not found.", "no such member");
	if (!ap_wants_activity(req)) {
		resp_redirect(req,
			      arena_printf(req->arena, "/@%s%s", (*owner)->username, html_suffix));
		resp_header(req, "Vary", "Accept");
		return 1;
	}
	*signer = ap_verify_request(req, NULL, 0);
	if (*signer != NULL && (*signer)->suspended) /* sees nothing of ours, as if gone */
		return err_set(&req->err, ERR_NOT_FOUND, "Not found.", "suspended signer");
	return *signer == NULL ? -1 : 0;
}

static int
note(struct req *req)
{
	int64_t id;
	if (id_parse(req_param(req, "id"), &id) != 0)
		return not_found(req, "bad post id");
	struct account *owner, *signer;
	char buf[ID_STRLEN];
	const char *html = arena_printf(req->arena, "/%s", id_format(id, buf));
	int rc = open_request(req, html, &owner, &signer);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	int ok = db_ap_note_visible(req->arena, owner->id, id, signer->id, &req->err);
	if (ok <= 0)
		return ok < 0 ? -1 : not_found(req, "no such post, or not for this peer");
	if (req_shared_answer(req)) /* a post is the same document for every peer it shows */
		return 0;
	struct db_ap_status st;
	if (db_ap_status(req->arena, id, &st, &req->err) != 0)
		return -1;
	return send_doc(req, ap_note_json(req->arena, &st));
}

/* --- collections --------------------------------------------------------------------------- */

/* Which page was asked for: 0 none (the collection itself), 1 a page, with *max_id its
 * bound (0: the first page); -1 + req->err for a bad max_id. */
static int
page_asked(struct req *req, int64_t *max_id)
{
	*max_id = 0;
	const char *m = req_query(req, "max_id");
	if (m != NULL && id_parse(m, max_id) != 0)
		return err_set(&req->err, ERR_INVALID, "max_id must be an id.", "bad max_id");
	return m != NULL || req_query(req, "page") != NULL ? 1 : 0;
}

/* The collection document: totalItems unless total < 0, first unless !first. */
static json_t *
collection_doc(struct arena *a, const char *coll, long total, bool first)
{
	json_t *doc = json_pack("{s:s,s:s}", "id", coll, "type", "OrderedCollection");
	if (total >= 0)
		json_object_set_new(doc, "totalItems", json_integer(total));
	if (first)
		json_object_set_new(doc, "first",
				    json_string(arena_printf(a, "%s?page=true", coll)));
	return doc;
}

/* A page of collection coll (items consumed); next_key != 0 adds the next page's link. */
static json_t *
page_doc(struct arena *a, const char *coll, int64_t max_id, json_t *items, int64_t next_key)
{
	char buf[ID_STRLEN];
	const char *id =
	    max_id != 0 ? arena_printf(a, "%s?max_id=%s&page=true", coll, id_format(max_id, buf))
			: arena_printf(a, "%s?page=true", coll);
	json_t *doc = json_pack("{s:s,s:s,s:s,s:o}", "id", id, "type", "OrderedCollectionPage",
				"partOf", coll, "orderedItems", items);
	if (next_key != 0)
		json_object_set_new(doc, "next",
				    json_string(arena_printf(a, "%s?max_id=%s&page=true", coll,
							     id_format(next_key, buf))));
	return doc;
}

/* The Create activity of a local post, its Note embedded, as deliveries build it. */
static json_t *
create_of(struct arena *a, const struct db_ap_status *st)
{
	const char *base = ap_base_url();
	json_t *note = ap_note_json(a, st);
	json_t *to = json_incref(json_object_get(note, "to"));
	json_t *cc = json_incref(json_object_get(note, "cc"));
	return json_pack("{s:s,s:s,s:s,s:s,s:o,s:o,s:o}", "id",
			 arena_printf(a, "%s/activity", ap_note_uri(a, base, st->username, st->id)),
			 "type", "Create", "actor", ap_actor_uri(a, base, st->username),
			 "published", st->published, "to", to, "cc", cc, "object", note);
}

/* Loads the posts ids[0..n) as Notes, or as Create activities when create. NULL + err. */
static json_t *
posts_json(struct arena *a, const int64_t *ids, int n, bool create, struct err *err)
{
	struct db_ap_status *st = arena_alloc(a, sizeof *st * (size_t)(n > 0 ? n : 1));
	int found = db_ap_statuses(a, ids, n, st, err); /* posts deleted meanwhile are left out */
	if (found < 0)
		return NULL;
	json_t *items = json_array();
	for (int i = 0; i < found; i++)
		json_array_append_new(items, create ? create_of(a, &st[i]) : ap_note_json(a, &st[i]));
	return items;
}

/* After open_request, for the collections of owner's public posts: 1 when req was answered
 * from the page cache (every peer that may see owner's public posts is shown the same
 * collection), 0 to go on, -1 + req->err. */
static int
shared_posts_answer(struct req *req, const struct account *owner, const struct account *signer)
{
	int sees = db_ap_sees_public(req->arena, owner->id, signer->id, &req->err);
	if (sees < 0)
		return -1;
	return sees && req_shared_answer(req) ? 1 : 0;
}

static int
outbox(struct req *req)
{
	struct account *owner, *signer;
	int rc = open_request(req, "", &owner, &signer);
	if (rc == 0)
		rc = shared_posts_answer(req, owner, signer);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	const char *coll = ap_actor_path_uri(req->arena, ap_base_url(), owner->username, "outbox");
	int64_t max_id;
	int paged = page_asked(req, &max_id);
	if (paged < 0)
		return -1;
	if (!paged) {
		long total =
		    db_ap_posts_count(req->arena, DB_AP_OUTBOX, owner->id, signer->id, &req->err);
		return total < 0 ? -1
				 : send_doc(req, collection_doc(req->arena, coll, total, true));
	}
	int64_t *ids;
	int n = db_ap_posts_page(req->arena, DB_AP_OUTBOX, owner->id, signer->id, max_id,
				 PAGE_SIZE + 1, &ids, &req->err);
	if (n < 0)
		return -1;
	bool more = n > PAGE_SIZE;
	n = more ? PAGE_SIZE : n;
	json_t *items = posts_json(req->arena, ids, n, true, &req->err);
	if (items == NULL)
		return -1;
	return send_doc(req, page_doc(req->arena, coll, max_id, items, more ? ids[n - 1] : 0));
}

/* Followers (incoming) or following: actor URIs, newest follow first. */
static int
follow_collection(struct req *req, bool incoming)
{
	const char *what = incoming ? "followers" : "following";
	struct account *owner, *signer;
	int rc = open_request(req, incoming ? "/followers" : "/following", &owner, &signer);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	struct arena *a = req->arena;
	const char *base = ap_base_url();
	const char *coll = ap_actor_path_uri(a, base, owner->username, what);
	int64_t max_id;
	int paged = page_asked(req, &max_id);
	if (paged < 0)
		return -1;
	bool shown = follow_lists_visible(owner, signer->id);
	if (shown && req_shared_answer(req)) /* the lists don't depend on who may read them */
		return 0;
	if (!paged || !shown) {
		if (!shown && paged) /* hidden: an empty page, for whoever follows a stale link */
			return send_doc(req, page_doc(a, coll, max_id, json_array(), 0));
		long total = shown ? db_ap_follows_count(a, owner->id, incoming, &req->err) : -1;
		if (shown && total < 0)
			return -1;
		return send_doc(req, collection_doc(a, coll, total, shown));
	}
	struct page_key key = {.max_id = max_id, .min_id = 0, .limit = PAGE_SIZE};
	struct account_page pg;
	if ((incoming ? follow_list_followers : follow_list_following)(a, owner->id, &key, &pg,
								       &req->err) != 0)
		return -1;
	json_t *items = json_array();
	for (int i = 0; i < pg.n; i++) {
		const struct account *o = &pg.items[i].account;
		json_array_append_new(
		    items, json_string(o->domain ? o->uri : ap_actor_uri(a, base, o->username)));
	}
	return send_doc(req, page_doc(a, coll, max_id, items,
				      pg.has_older && pg.n > 0 ? pg.items[pg.n - 1].key_id : 0));
}

static int
followers(struct req *req)
{
	return follow_collection(req, true);
}

static int
following(struct req *req)
{
	return follow_collection(req, false);
}

/* The pinned posts, as Notes in the collection itself (Mastodon's shape; there are few). */
static int
featured(struct req *req)
{
	struct account *owner, *signer;
	int rc = open_request(req, "", &owner, &signer);
	if (rc == 0)
		rc = shared_posts_answer(req, owner, signer);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	int64_t *ids;
	int n = db_ap_posts_page(req->arena, DB_AP_FEATURED, owner->id, signer->id, 0, FEATURED_MAX,
				 &ids, &req->err);
	json_t *items = n < 0 ? NULL : posts_json(req->arena, ids, n, false, &req->err);
	if (items == NULL)
		return -1;
	const char *coll =
	    ap_actor_path_uri(req->arena, ap_base_url(), owner->username, "collections/featured");
	json_t *doc = collection_doc(req->arena, coll, (long)json_array_size(items), false);
	json_object_set_new(doc, "orderedItems", items);
	return send_doc(req, doc);
}

/* --- Follow activities ------------------------------------------------------------------- */

/* GET /follows/:id, the id of a Follow a member sent: the Follow, to a signed request from
 * the followed account's server while the follow (or the request) lasts; 404 to anyone
 * else and once it was undone or refused, as for an id that never was. */
static int
follow_activity(struct req *req)
{
	int64_t id;
	if (id_parse(req_param(req, "id"), &id) != 0)
		return not_found(req, "bad follow id");
	struct account *signer = ap_verify_request(req, NULL, 0);
	if (signer == NULL)
		return -1;
	char buf[ID_STRLEN];
	const char *base = ap_base_url();
	const char *uri = arena_printf(req->arena, "%s/follows/%s", base, id_format(id, buf));
	const char *username, *target_uri, *target_domain;
	int found = db_follow_sent_by_uri(req->arena, uri, &username, &target_uri, &target_domain,
					  &req->err);
	if (found < 0)
		return -1;
	if (found == 0 || signer->suspended || signer->domain == NULL ||
	    strcmp(signer->domain, target_domain) != 0)
		return not_found(req, "no such follow, or not for this peer");
	json_t *doc = json_pack("{s:s,s:s,s:s,s:s}", "id", uri, "type", "Follow", "actor",
				ap_actor_uri(req->arena, base, username), "object", target_uri);
	if (doc == NULL)
		return err_set(&req->err, ERR_INTERNAL, NULL, "could not build a document");
	json_object_set_new(doc, "@context", json_string(AP_CONTEXT));
	resp_activity_json(req, MHD_HTTP_OK, doc);
	json_decref(doc);
	resp_header(req, "Cache-Control", "no-store");
	return 0;
}

int
ap_object_routes(struct router *r)
{
	int rc = 0;
	rc |= router_add(r, "GET", "/follows/:id", follow_activity);
	rc |= router_add(r, "GET", "/users/:name/statuses/:id", note);
	rc |= router_add(r, "GET", "/users/:name/outbox", outbox);
	rc |= router_add(r, "GET", "/users/:name/followers", followers);
	rc |= router_add(r, "GET", "/users/:name/following", following);
	rc |= router_add(r, "GET", "/users/:name/collections/featured", featured);
	return rc ? -1 : 0;
}
