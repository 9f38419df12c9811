/* remote_media.c - images of remote posts, cached through this node; see remote_media.h. */
#include "remote_media.h"

#include <jansson.h>
#include <string.h>

#include "core/federation.h"
#include "core/media.h"
#include "db/db.h"
#include "db/moderation.h"
#include "jobs/queue.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/log.h"

static struct remote_media_config conf = {.cache_bytes = 1024LL * 1024 * 1024, .days = 30};

void
remote_media_setup(const struct remote_media_config *cfg)
{
	conf = *cfg;
}

/* Whether this node federates with domain (the peers list kept in memory: no query). */
static bool
domain_federates(struct arena *a, const char *domain)
{
	struct err err;
	return domain != NULL && federation_domain_allowed(a, domain, &err);
}

bool
remote_media_allowed(struct arena *a, const char *domain)
{
	struct err err;
	bool reject = true, limited = false;
	if (!domain_federates(a, domain))
		return false;
	if (db_domain_policy_get(a, domain, &reject, &limited, &err) != 0) {
		log_msg(LOG_WARN, "media policy not read: %s", err.detail);
		return false;
	}
	return !reject;
}

/* Queues the fetch of url. 0 or -1 + err. */
static int
queue_fetch(struct arena *a, const char *url, struct err *err)
{
	json_t *payload = json_pack("{s:s}", "url", url);
	if (payload == NULL)
		return err_set(err, ERR_INTERNAL, NULL, "out of memory");
	int64_t id = job_enqueue(a, JOB_MEDIA_FETCH, payload, 0, err);
	json_decref(payload);
	return id < 0 ? -1 : 0;
}

int
remote_media_record(struct arena *a, int64_t status_id, const char *domain,
		    const struct remote_media_decl *decl, int n, struct err *err)
{
	bool allowed = n > 0 && remote_media_allowed(a, domain);
	for (int i = 0; i < n && i < 4; i++) {
		const struct remote_media_decl *d = &decl[i];
		int created = db_remote_attachment_insert(
		    a, status_id, i, d->image ? "image" : "other", d->image ? d->url : NULL,
		    d->type_label, d->description, domain, allowed, err);
		if (created < 0)
			return -1;
		if (created && allowed && queue_fetch(a, d->url, err) != 0)
			return -1;
	}
	return 0;
}

int
remote_media_of_statuses(struct arena *a, const int64_t *ids, int n,
			 struct remote_attachment **out, enum remote_show **shows, struct err *err)
{
	*shows = NULL;
	int rows = db_remote_attachments_of(a, ids, n, out, err);
	if (rows <= 0)
		return rows;
	*shows = arena_alloc(a, sizeof **shows * (size_t)rows);
	int64_t *touch = arena_alloc(a, sizeof *touch * (size_t)rows);
	int ntouch = 0;
	for (int i = 0; i < rows; i++) {
		const struct remote_attachment *m = &(*out)[i];
		enum remote_show s;
		if (strcmp(m->kind, "image") != 0 || m->url == NULL)
			s = REMOTE_SHOW_OTHER;
		else if (m->reject_media || !domain_federates(a, m->domain))
			s = REMOTE_SHOW_REJECTED;
		else if (m->state != NULL && strcmp(m->state, "cached") == 0)
			s = REMOTE_SHOW_IMAGE;
		else if (m->state != NULL && strcmp(m->state, "failed") == 0)
			s = REMOTE_SHOW_FAILED;
		else
			s = REMOTE_SHOW_LOADING;
		(*shows)[i] = s;
		if ((s == REMOTE_SHOW_IMAGE || s == REMOTE_SHOW_LOADING) &&
		    (ntouch == 0 || touch[ntouch - 1] != m->status_id))
			touch[ntouch++] = m->status_id;
	}
	/* Shown now; the evicted ones are fetched again. A failure here costs the page
	 * nothing: it is logged and the next showing tries again. Inside a member page's
	 * snapshot nothing can be written (and a write would spoil the snapshot): the page
	 * marks them after it (remote_media_mark_shown). */
	if (ntouch == 0 || db_in_snapshot())
		return rows;
	const char **again = NULL;
	struct err terr;
	int k = db_remote_files_shown(a, touch, ntouch, &again, &terr);
	if (k < 0)
		log_msg(LOG_WARN, "remote images not marked shown: %s", terr.detail);
	for (int i = 0; i < k; i++)
		if (queue_fetch(a, again[i], &terr) != 0)
			log_msg(LOG_WARN, "remote image not queued again: %s", terr.detail);
	return rows;
}

void
remote_media_mark_shown(struct arena *a, const int64_t *ids, int n)
{
	struct remote_attachment *rows;
	enum remote_show *shows;
	struct err err;
	if (n > 0 && remote_media_of_statuses(a, ids, n, &rows, &shows, &err) < 0)
		log_msg(LOG_WARN, "remote images not marked shown: %s", err.detail);
}

void
remote_media_set_profile(struct arena *a, int64_t account_id, const char *domain,
			 const char *purpose, const char *url)
{
	struct err err;
	bool allowed = url != NULL && remote_media_allowed(a, domain);
	if (db_begin(&err) != 0)
		goto fail;
	int created = db_remote_profile_set(a, account_id, purpose, url, domain, allowed, &err);
	if (created < 0 || (created && allowed && queue_fetch(a, url, &err) != 0) ||
	    db_commit(&err) != 0) {
		db_rollback();
		goto fail;
	}
	media_empty_trash(a); /* a replaced image's files */
	return;
fail:
	log_msg(LOG_WARN, "remote %s not recorded: %s", purpose, err.detail);
}

const char *
remote_media_profile(struct arena *a, int64_t account_id, const char *purpose)
{
	struct err err;
	struct remote_attachment *m = db_remote_profile_get(a, account_id, purpose, &err);
	if (m == NULL) {
		if (err.code != ERR_NONE)
			log_msg(LOG_WARN, "remote %s not read: %s", purpose, err.detail);
		return NULL;
	}
	if (m->reject_media || !domain_federates(a, m->domain))
		return NULL;
	int again = db_remote_file_shown(a, m->url, &err);
	if (again < 0)
		log_msg(LOG_WARN, "remote %s not marked shown: %s", purpose, err.detail);
	else if (again && queue_fetch(a, m->url, &err) != 0)
		log_msg(LOG_WARN, "remote %s not queued again: %s", purpose, err.detail);
	return m->state && strcmp(m->state, "cached") == 0 ? m->thumb_name : NULL;
}

/* Evicts past the cap and unlinks what left. */
static void
fit(struct arena *a)
{
	struct err err;
	if (db_remote_files_fit(a, conf.cache_bytes, &err) < 0)
		log_msg(LOG_WARN, "remote image cache not trimmed: %s", err.detail);
	media_empty_trash(a);
}

int
remote_media_store(struct arena *a, const char *url, const void *data, size_t len,
		   struct err *err)
{
	struct media_row m;
	if (media_prepare(a, 0, "attachment", data, len, "", &m, err) != 0)
		return -1;
	struct remote_file_facts f = {
	    .file_name = m.file_name,
	    .thumb_name = m.thumb_name,
	    .media_type = m.media_type,
	    .blurhash = m.blurhash,
	    .width = m.width,
	    .height = m.height,
	    .thumb_width = m.thumb_width,
	    .thumb_height = m.thumb_height,
	};
	/* what the cache holds of it: both files as written */
	f.bytes = media_file_size(m.file_name) + media_file_size(m.thumb_name);
	int rc = db_remote_file_cached(a, url, &f, err);
	if (rc <= 0) {
		media_discard(&m, 1); /* gone or failed meanwhile: nothing to keep */
		return rc < 0 ? -1 : 0;
	}
	fit(a);
	return 0;
}

void
remote_media_failed(struct arena *a, const char *url, const char *reason)
{
	struct err err;
	if (db_remote_file_failed(a, url, reason, &err) != 0)
		log_msg(LOG_WARN, "remote image not marked failed: %s", err.detail);
}

int
remote_media_sweep(struct arena *a, struct err *err)
{
	int n = db_remote_files_expire(a, conf.days, err);
	if (n < 0)
		return -1;
	const char **domains;
	int nd = db_remote_files_domains(a, &domains, err);
	if (nd < 0)
		return -1;
	for (int i = 0; i < nd; i++) {
		if (domains[i] == NULL || remote_media_allowed(a, domains[i]))
			continue;
		int k = db_remote_files_evict_domain(a, domains[i], err);
		if (k < 0)
			return -1;
		n += k;
	}
	int k = db_remote_files_fit(a, conf.cache_bytes, err);
	if (k < 0)
		return -1;
	media_empty_trash(a);
	return n + k;
}
