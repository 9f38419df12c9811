/* attachments.h - reading a remote Note's `attachment` as peers send it (one object or an
 * array; each with `url` as a string, a Link or an array of them) into what
 * core/remote_media.h records, and the worker's media_fetch job that brings an image's
 * bytes through the outbound-fetch rules (ap/fetch.h). */
#ifndef PARASOL_AP_ATTACHMENTS_H
#define PARASOL_AP_ATTACHMENTS_H

#include <jansson.h>
#include <stdbool.h>

#include "core/remote_media.h"

struct arena;
struct err;

/* Reads the first four attachments of note into out (arena strings; out has room for 4).
 * A Document or Image whose mediaType is "image/..." or missing, with an http(s) URL
 * (https only unless the test-only insecure http is on) of at most REMOTE_MEDIA_URL_MAX
 * bytes, is an image to fetch; anything else (video, audio, other types, data: and other
 * schemes, a bare string) is listed by its type only. `name` is the alt text (cut to
 * MEDIA_DESCRIPTION_MAX characters). Declared width, height, blurhash and sizes are not
 * trusted: the image is measured when it is re-encoded. *sensitive is set when an
 * attachment says so. Returns the count (0..4). */
int ap_attachments_read(struct arena *a, const json_t *note, struct remote_media_decl *out,
			bool *sensitive);

/* The image URL an actor's icon or image (key) names, when it may be fetched as an
 * attachment's may; else NULL. Points into doc. */
const char *ap_actor_image_url(const json_t *doc, const char *key);

/* The media_fetch job: payload {"url"}. Fetches the URL unsigned (Accept: any image type, at most
 * media_max_bytes, fetch_timeout, every hop through the address and allowlist checks) when
 * its row is still pending and its author's domain may send media, and hands the bytes to
 * remote_media_store. A refused address, a refused host, an answer that is not an image
 * (by its Content-Type, then by its bytes), too large, a bomb or a damaged file, a 4xx:
 * marked failed and done. A network failure, a timeout, a 5xx or 429: retried (-1). */
int ap_media_fetch_job(struct arena *a, const json_t *payload, struct err *err);

#endif
