/* credentials.c - PATCH /api/v1/accounts/update_credentials: the member's profile (display
 * name, note, fields, locked, discoverable, indexable) and their avatar and header, over
 * the functions Settings uses (account_update_profile, media_set_profile: the same limits
 * and the same image pipeline). What the call leaves out stays as it was.
 *
 * Order: the text is saved first (its checks are cheap and refuse before anything is
 * written), then each image (decoding is what a hostile upload makes fail: the text already
 * sent is kept, the image is refused with its 4xx and nothing of it is stored). */
#include <microhttpd.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "api/entities.h"
#include "api/params.h"
#include "core/account.h"
#include "core/media.h"
#include "http/body.h"
#include "http/respond.h"
#include "util/arena.h"
#include "util/err.h"

#define TEXT_MAX_BYTES (64 * 1024) /* core counts characters; this bounds the bytes read */

static int
bad_fields(struct api_call *call)
{
	return err_set(&call->req->err, ERR_UNPROCESSABLE,
		       "fields_attributes must be at most four fields, each with a name and a "
		       "value.",
		       "fields_attributes");
}

/* One field from JSON: {"name": "...", "value": "..."}. */
static int
json_field(struct api_call *call, json_t *f, struct account_field *out)
{
	json_t *name = json_object_get(f, "name"), *value = json_object_get(f, "value");
	if (!json_is_object(f) || (name != NULL && !json_is_string(name)) ||
	    (value != NULL && !json_is_string(value)))
		return bad_fields(call);
	out->name = name ? json_string_value(name) : "";
	out->value = value ? json_string_value(value) : "";
	if ((name != NULL && strlen(out->name) != json_string_length(name)) ||
	    (value != NULL && strlen(out->value) != json_string_length(value)))
		return bad_fields(call); /* a NUL inside */
	return 0;
}

/* fields_attributes as JSON (toot: an array, or an object keyed "0".."3") or as form keys
 * fields_attributes[i][name] / [value] (Mastodon.py). *given: whether the call sent any
 * (then they replace all the member's fields). 0 or -1 + err (422). */
static int
read_fields(struct api_call *call, struct profile_update *u, bool *given)
{
	const struct body *b = &call->req->body;
	*given = false;
	if (b->kind == BODY_JSON && json_is_object(b->json)) {
		json_t *fa = json_object_get(b->json, "fields_attributes");
		if (fa == NULL || json_is_null(fa))
			return 0;
		*given = true;
		u->nfields = 0;
		if (json_is_array(fa)) {
			if (json_array_size(fa) > ACCOUNT_MAX_FIELDS)
				return bad_fields(call);
			for (size_t i = 0; i < json_array_size(fa); i++)
				if (json_field(call, json_array_get(fa, i),
					       &u->fields[u->nfields++]))
					return -1;
			return 0;
		}
		if (!json_is_object(fa) || json_object_size(fa) > ACCOUNT_MAX_FIELDS)
			return bad_fields(call);
		for (int i = 0; i < ACCOUNT_MAX_FIELDS; i++) {
			char key[16];
			snprintf(key, sizeof key, "%d", i);
			json_t *f = json_object_get(fa, key);
			if (f != NULL && json_field(call, f, &u->fields[u->nfields++]) != 0)
				return -1;
		}
		if ((size_t)u->nfields != json_object_size(fa))
			return bad_fields(call); /* keys other than "0".."3" */
		return 0;
	}
	int n = 0;
	for (int i = 0; i <= ACCOUNT_MAX_FIELDS; i++) {
		char kn[48], kv[48];
		snprintf(kn, sizeof kn, "fields_attributes[%d][name]", i);
		snprintf(kv, sizeof kv, "fields_attributes[%d][value]", i);
		const char *name, *value;
		if (api_str(call, kn, TEXT_MAX_BYTES, &name) != 0 ||
		    api_str(call, kv, TEXT_MAX_BYTES, &value) != 0)
			return -1;
		if (name == NULL && value == NULL)
			continue;
		if (i == ACCOUNT_MAX_FIELDS)
			return bad_fields(call);
		u->fields[n++] = (struct account_field){name ? name : "", value ? value : ""};
		*given = true;
	}
	if (*given)
		u->nfields = n;
	return 0;
}

/* The text part: the member's profile with what the call sent put over it. *changed says
 * whether anything was sent. */
static int
read_profile(struct api_call *call, struct profile_update *u, bool *changed)
{
	const struct account *me = call->me;
	account_profile_of(me, u);
	const char *name, *note;
	bool fields;
	if (api_str(call, "display_name", TEXT_MAX_BYTES, &name) != 0 ||
	    api_str(call, "note", TEXT_MAX_BYTES, &note) != 0 ||
	    api_bool(call, "locked", u->locked, &u->locked) != 0 ||
	    api_bool(call, "discoverable", u->discoverable, &u->discoverable) != 0 ||
	    api_bool(call, "indexable", u->indexable, &u->indexable) != 0 ||
	    read_fields(call, u, &fields) != 0)
		return -1;
	if (name != NULL)
		u->display_name = name;
	if (note != NULL)
		u->bio = note;
	*changed = name != NULL || note != NULL || fields || u->locked != me->locked ||
		   u->discoverable != me->discoverable || u->indexable != me->indexable;
	return 0;
}

/* The avatar or header file part, or NULL. A part that is not a file (a text field with
 * that name) is refused: an app that means to send a picture would lose it silently. */
static int
image_part(struct api_call *call, const char *purpose, const struct body_field **out)
{
	const struct body *b = &call->req->body;
	*out = NULL;
	if (b->kind == BODY_JSON && json_is_object(b->json) &&
	    json_object_get(b->json, purpose) != NULL)
		return err_set(&call->req->err, ERR_UNPROCESSABLE,
			       "Send avatar and header as files of a multipart form.", "%s in JSON",
			       purpose);
	if (b->kind != BODY_FORM || (*out = body_field(b, purpose)) == NULL)
		return 0;
	if ((*out)->filename == NULL)
		return err_set(&call->req->err, ERR_UNPROCESSABLE,
			       "Send avatar and header as files of a multipart form.",
			       "%s not a file", purpose);
	return 0;
}

static int
update_credentials(struct api_call *call)
{
	struct arena *a = call->req->arena;
	struct profile_update u;
	bool changed;
	const struct body_field *avatar, *header;
	if (read_profile(call, &u, &changed) != 0 || image_part(call, "avatar", &avatar) != 0 ||
	    image_part(call, "header", &header) != 0)
		return -1;
	if (changed && account_update_profile(a, call->me->id, &u, &call->req->err) != 0)
		return -1;
	const struct body_field *images[] = {avatar, header};
	static const char *const purposes[] = {"avatar", "header"};
	for (int i = 0; i < 2; i++) {
		struct err err;
		if (images[i] != NULL &&
		    media_set_profile(a, call->me->id, purposes[i], images[i]->value,
				      images[i]->len, &err) != 0)
			return api_media_refused(call, &err);
	}
	struct account *me = account_by_id(a, call->me->id, &call->req->err);
	return me != NULL ? api_json(call, MHD_HTTP_OK, api_account(call, me, true)) : -1;
}

static const struct api_route routes[] = {
    {"PATCH", "/api/v1/accounts/update_credentials", update_credentials, API_MEMBER,
     SCOPE(SCOPE_WRITE_ACCOUNTS)},
};

int
api_credentials_routes(struct router *r)
{
	return api_register(r, routes, sizeof routes / sizeof routes[0]);
}
