/* attachments.c - remote attachments in, remote images fetched; see attachments.h. */
#include "ap/attachments.h"

#include <string.h>
#include <strings.h>

#include "ap/ap.h"
#include "ap/fetch.h"
#include "ap/props.h"
#include "core/media.h"
#include "db/remote_media.h"
#include "jobs/worker.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/log.h"

/* s cut to max code points (arena). */
static const char *
cut(struct arena *a, const char *s, size_t max)
{
	if (s == NULL)
		return "";
	size_t chars = 0, i = 0;
	for (; s[i]; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80 && chars++ == max)
			break;
	return arena_strndup(a, s, i);
}

/* Whether url may be fetched at all: http(s), no longer than the limit. */
static bool
fetchable_url(const char *url)
{
	if (url == NULL || strlen(url) > REMOTE_MEDIA_URL_MAX)
		return false;
	if (strncasecmp(url, "https://", 8) == 0)
		return true;
	return ap_insecure_http() && strncasecmp(url, "http://", 7) == 0;
}

int
ap_attachments_read(struct arena *a, const json_t *note, struct remote_media_decl *out,
		    bool *sensitive)
{
	const json_t *att = json_object_get(note, "attachment");
	size_t total = ap_prop_count(att);
	int n = 0;
	for (size_t i = 0; i < total && n < 4; i++) {
		const json_t *item = ap_prop_item(att, i);
		struct remote_media_decl *d = &out[n++];
		*d = (struct remote_media_decl){.type_label = "", .description = ""};
		if (!json_is_object(item)) {
			d->type_label = "link";
			continue;
		}
		static const char *const kinds[] = {"Document", "Image", "Video", "Audio", "Link"};
		const char *type = ap_prop_type_in(item, kinds, 5);
		const json_t *first_type = ap_prop_item(json_object_get(item, "type"), 0);
		const char *mt = json_string_value(json_object_get(item, "mediaType"));
		const char *url = ap_prop_first_url(item, "url");
		if (json_is_true(json_object_get(item, "sensitive")))
			*sensitive = true;
		d->description = cut(a, json_string_value(json_object_get(item, "name")),
				     MEDIA_DESCRIPTION_MAX);
		bool image_type = type != NULL && (strcmp(type, "Document") == 0 ||
						   strcmp(type, "Image") == 0);
		bool image_mt = mt == NULL || strncasecmp(mt, "image/", 6) == 0;
		const char *label = mt ? mt : type ? type : json_string_value(first_type);
		d->type_label = cut(a, label ? label : "unknown", REMOTE_MEDIA_LABEL_MAX);
		if (image_type && image_mt && fetchable_url(url)) {
			d->image = true;
			d->url = arena_strdup(a, url);
		}
	}
	return n;
}

const char *
ap_actor_image_url(const json_t *doc, const char *key)
{
	const char *url = ap_prop_first_url(doc, key);
	return fetchable_url(url) ? url : NULL;
}

/* Whether a Content-Type names an image (its bytes decide which). */
static bool
image_content_type(const char *ct)
{
	while (ct != NULL && (*ct == ' ' || *ct == '\t'))
		ct++;
	return ct != NULL && strncasecmp(ct, "image/", 6) == 0;
}

int
ap_media_fetch_job(struct arena *a, const json_t *payload, struct err *err)
{
	const char *url = json_string_value(json_object_get(payload, "url"));
	if (url == NULL)
		return err_set(err, ERR_INVALID, NULL, "malformed media_fetch job");
	const char *state, *domain;
	if (db_remote_file_state(a, url, &state, &domain, err) != 0)
		return -1;
	if (state == NULL || strcmp(state, "pending") != 0)
		return 0; /* deleted, fetched by another job, or given up */
	if (!remote_media_allowed(a, domain)) {
		remote_media_failed(a, url, "media of this domain are not accepted");
		return 0;
	}
	struct fetch_request rq = {.accept = "image/*", .max_bytes = media_max_bytes()};
	struct fetch_response resp;
	struct err ferr = {0};
	if (fetch_get_with(a, url, &rq, &resp, &ferr) != 0) {
		if (worker_retryable(ferr.code)) {
			*err = ferr;
			return -1;
		}
		remote_media_failed(a, url, ferr.detail);
		log_msg(LOG_INFO, "remote image refused: %s", ferr.detail);
		return 0;
	}
	if (resp.status == 429 || resp.status >= 500)
		return err_set(err, ERR_UNAVAILABLE, NULL, "remote image: HTTP %ld", resp.status);
	if (resp.status != 200) {
		remote_media_failed(a, url, arena_printf(a, "HTTP %ld", resp.status));
		return 0;
	}
	if (!image_content_type(resp.content_type)) {
		remote_media_failed(a, url, "not an image (Content-Type)");
		log_msg(LOG_INFO, "remote image refused: not an image by its Content-Type");
		return 0;
	}
	struct err serr = {0};
	if (remote_media_store(a, url, resp.body, resp.len, &serr) != 0) {
		if (serr.code == ERR_TOO_LARGE || serr.code == ERR_UNPROCESSABLE) {
			remote_media_failed(a, url, serr.detail);
			log_msg(LOG_INFO, "remote image refused: %s", serr.detail);
			return 0;
		}
		*err = serr;
		return -1;
	}
	return 0;
}
