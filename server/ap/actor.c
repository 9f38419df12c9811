/* actor.c - Person and Application documents, with content negotiation. */
#include "ap/actor.h"

#include <microhttpd.h>
#include <string.h>

#include "ap/ap.h"
#include "ap/keys.h"
#include "app.h"
#include "core/account.h"
#include "core/media.h"
#include "core/settings.h"
#include "core/text.h"
#include "db/deletion.h"
#include "db/moves.h"
#include "http/request.h"
#include "http/respond.h"
#include "http/router.h"
#include "util/arena.h"
#include "util/err.h"

static json_t *
context(void)
{
	json_t *c = json_pack("[s,s,{s:s,s:s,s:{s:s,s:s},s:s,s:s,s:s,s:s,s:s}]", AP_CONTEXT,
			 "https://w3id.org/security/v1", "manuallyApprovesFollowers",
			 "as:manuallyApprovesFollowers", "toot", "http://joinmastodon.org/ns#",
			 "featured", "@id", "toot:featured", "@type", "@id", "discoverable",
			 "toot:discoverable", "indexable", "toot:indexable", "schema",
			 "http://schema.org#", "PropertyValue", "schema:PropertyValue", "value",
			 "schema:value");
	/* Mastodon's terms for moving (PROTOCOL.md section 2.2) */
	json_t *terms = json_array_get(c, 2);
	json_object_set_new(terms, "alsoKnownAs",
			    json_pack("{s:s,s:s}", "@id", "as:alsoKnownAs", "@type", "@id"));
	json_object_set_new(terms, "movedTo",
			    json_pack("{s:s,s:s}", "@id", "as:movedTo", "@type", "@id"));
	return c;
}

/* A bio as HTML: escaped text, paragraphs and links (text_render), links made absolute. */
static const char *
bio_html(struct arena *a, const char *base, const char *bio)
{
	if (bio == NULL || *bio == '\0')
		return "";
	struct text_out out;
	text_render(a, bio, NULL, NULL, &out);
	return ap_absolute_links(a, base, out.html);
}

json_t *
ap_person_json(struct arena *a, const char *base, const struct account *acct,
	       const char *public_pem)
{
	const char *u = acct->username;
	char *id = ap_actor_uri(a, base, u);
	json_t *fields = json_array();
	for (int i = 0; i < acct->nfields; i++)
		json_array_append_new(fields, json_pack("{s:s,s:s,s:s}", "type", "PropertyValue",
							"name", acct->fields[i].name, "value",
							acct->fields[i].value));
	/* published: the day only, as Mastodon does; the exact minute an account was made is
	 * nobody's business. */
	char day[11] = "1970-01-01";
	if (acct->created_at != NULL)
		memcpy(day, acct->created_at, 10);
	json_t *doc = json_pack(
		"{s:o, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:{s:s},"
		" s:b, s:b, s:b, s:s, s:{s:s,s:s,s:s}, s:o}",
		"@context", context(), "id", id, "type", "Person", "preferredUsername", u, "name",
		account_shown_name(acct), "summary", bio_html(a, base, acct->bio), "url",
		arena_printf(a, "%s/@%s", base, u), "inbox", ap_actor_path_uri(a, base, u, "inbox"),
		"outbox", ap_actor_path_uri(a, base, u, "outbox"), "followers",
		ap_actor_path_uri(a, base, u, "followers"), "following",
		ap_actor_path_uri(a, base, u, "following"), "featured",
		ap_actor_path_uri(a, base, u, "collections/featured"), "endpoints", "sharedInbox",
		ap_shared_inbox_uri(a, base), "manuallyApprovesFollowers", acct->locked,
		"discoverable", acct->discoverable, "indexable", acct->indexable, "published", arena_printf(a, "%sT00:00:00Z", day),
		"publicKey", "id", ap_key_id(a, base, u), "owner", id, "publicKeyPem", public_pem,
		"attachment", fields);
	/* the accounts it also is (moving in) and, once it moved away, where to (core/move.h) */
	struct db_move_state mv;
	struct err ignored;
	json_t *aka = json_array();
	if (db_move_state(a, acct->id, &mv, &ignored) == 0) {
		for (int i = 0; i < mv.naka; i++)
			json_array_append_new(aka, json_string(mv.aka[i]));
		if (mv.moved_to != NULL)
			json_object_set_new(doc, "movedTo", json_string(mv.moved_to));
	}
	json_object_set_new(doc, "alsoKnownAs", aka);
	/* the picture and the header, as Mastodon reads them (icon, image) */
	static const char *const props[][2] = {{"avatar", "icon"}, {"header", "image"}};
	for (int i = 0; i < 2; i++) {
		struct media_row *m = media_profile(a, acct->id, props[i][0]);
		if (m != NULL)
			json_object_set_new(doc, props[i][1],
					    json_pack("{s:s,s:s,s:s}", "type", "Image", "mediaType",
						      m->media_type, "url",
						      arena_printf(a, "%s/media/%s", base,
								   m->file_name)));
	}
	return doc;
}

static const char *
base_url(const struct req *req)
{
	const struct app *app = req->app;
	return app->cfg.base_url;
}

static int
person(struct req *req)
{
	const char *name = req_param(req, "name");
	/* a deleted member: the emptied actor while its Deletes go out (peers check their
	 * signatures with its key), then 410 Gone for good (core/deletion.h) */
	int deleted = db_handle_deletion_state(req->arena, name, &req->err);
	if (deleted < 0)
		return -1;
	if (deleted == DB_DELETION_FORGOTTEN)
		return err_set(&req->err, ERR_GONE, "This account has been deleted.",
			       "actor deleted");
	struct account *acct = account_by_username(req->arena, name, &req->err);
	if (acct == NULL || !acct->approved || (acct->suspended && deleted == DB_DELETION_NONE))
		return err_set(&req->err, req->err.code == ERR_UNAVAILABLE ? ERR_UNAVAILABLE
									   : ERR_NOT_FOUND,
			       "Not found.", "no such actor");
	if (!ap_wants_activity(req)) {
		resp_redirect(req, arena_printf(req->arena, "/@%s", acct->username));
		return 0;
	}
	const char *priv, *pub;
	if (ap_account_keys(req->arena, acct->id, &priv, &pub, &req->err) != 0)
		return -1;
	json_t *doc = ap_person_json(req->arena, base_url(req), acct, pub);
	resp_activity_json(req, MHD_HTTP_OK, doc);
	json_decref(doc);
	resp_header(req, "Vary", "Accept");
	return 0;
}

static int
instance_actor(struct req *req)
{
	const char *priv, *pub;
	if (ap_instance_keys(req->arena, &priv, &pub, &req->err) != 0)
		return -1;
	const char *base = base_url(req);
	char *id = ap_instance_actor_uri(req->arena, base);
	json_t *doc = json_pack(
		"{s:[s,s], s:s, s:s, s:s, s:s, s:s, s:s, s:{s:s}, s:b, s:{s:s,s:s,s:s}}", "@context",
		AP_CONTEXT, "https://w3id.org/security/v1", "id", id, "type", "Application",
		"preferredUsername", ap_local_domain(req->arena, base), "name",
		req->settings ? req->settings->name : "parasol", "inbox",
		arena_printf(req->arena, "%s/inbox", id), "outbox",
		arena_printf(req->arena, "%s/outbox", id), "endpoints", "sharedInbox",
		ap_shared_inbox_uri(req->arena, base), "manuallyApprovesFollowers", 1, "publicKey",
		"id", arena_printf(req->arena, "%s#main-key", id), "owner", id, "publicKeyPem", pub);
	resp_activity_json(req, MHD_HTTP_OK, doc);
	json_decref(doc);
	return 0;
}

int
ap_actor_routes(struct router *r)
{
	int rc = 0;
	rc |= router_add(r, "GET", "/users/:name", person);
	rc |= router_add(r, "GET", "/actor", instance_actor);
	return rc ? -1 : 0;
}
