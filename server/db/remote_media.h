/* remote_media.h - SQL for remote_attachments and remote_files
 * (migrations/0035_remote_media.sql): what remote posts declared, and the cache of their
 * images re-encoded by this node. */
#ifndef PARASOL_DB_REMOTE_MEDIA_H
#define PARASOL_DB_REMOTE_MEDIA_H

#include <stdbool.h>
#include <stdint.h>

struct arena;
struct err;

/* One attachment of a remote post, with the state of its file. */
struct remote_attachment {
	int64_t status_id;
	int position;		 /* 0..3 */
	const char *kind;	 /* "image" or "other" */
	const char *url;	 /* an image's URL (NULL for "other") */
	const char *type_label;	 /* "other": the declared type ("Video", "audio/ogg") */
	const char *description; /* alt text, "" for none */
	const char *state;	 /* the file's: pending, cached, evicted, failed; NULL: none */
	const char *file_name, *thumb_name; /* when cached */
	int width, height, thumb_width, thumb_height;
	const char *domain;  /* the post author's domain */
	bool reject_media;   /* the author's domain has the reject-media policy */
};

/* A cached file's facts, for db_remote_file_cached. */
struct remote_file_facts {
	const char *file_name, *thumb_name, *media_type, *blurhash;
	int width, height, thumb_width, thumb_height;
	int64_t bytes;
};

/* Records attachment position of status_id (inside the caller's transaction). An image's
 * URL gets a remote_files row for domain when it has none, pending when fetch (a fetch is
 * to be queued) or else evicted (fetched when shown after the policy allows it); returns 1
 * when that row is new, 0 when the URL was known or for "other", -1 + err. */
int db_remote_attachment_insert(struct arena *a, int64_t status_id, int position,
				const char *kind, const char *url, const char *type_label,
				const char *description, const char *domain, bool fetch,
				struct err *err);

/* The remote attachments of the n posts ids, by post and position; *out arena-owned.
 * Count or -1 + err. */
int db_remote_attachments_of(struct arena *a, const int64_t *ids, int n,
			     struct remote_attachment **out, struct err *err);

/* Marks the files of the n posts ids as shown now (at most once a minute per file) and turns
 * their evicted files (not those whose author's domain rejects media) back to pending; *out
 * gets those URLs (arena), for which fetches are to be queued. Count or -1 + err. Uses the
 * job queue's connection statements (no page is changed by it). */
int db_remote_files_shown(struct arena *a, const int64_t *ids, int n, const char ***out,
			  struct err *err);

/* The state and domain of url's file, or NULL state when there is no row (err->code
 * ERR_NONE) or on failure (err set). Arena strings. */
int db_remote_file_state(struct arena *a, const char *url, const char **state,
			 const char **domain, struct err *err);

/* Records url's files when it is still pending: 1 when recorded, 0 when the row is gone or
 * no longer pending (the caller removes the files), -1 + err. */
int db_remote_file_cached(struct arena *a, const char *url, const struct remote_file_facts *f,
			  struct err *err);

/* Marks url failed (reason for the admins' eyes: a code and host, never content). 0 or -1. */
int db_remote_file_failed(struct arena *a, const char *url, const char *reason,
			  struct err *err);

/* Evicts cached files, oldest shown first, until the cached bytes are at most cap_bytes;
 * the one shown last is always kept, even alone over the cap (else a page showing it would
 * fetch it again at every view). Files evicted or -1 + err. */
int db_remote_files_fit(struct arena *a, int64_t cap_bytes, struct err *err);

/* Evicts cached files not shown for days days. Count or -1 + err. */
int db_remote_files_expire(struct arena *a, int days, struct err *err);

/* The domains that have cached files; *out arena-owned. Count or -1 + err. */
int db_remote_files_domains(struct arena *a, const char ***out, struct err *err);

/* Evicts the cached files of domain. Count or -1 + err. */
int db_remote_files_evict_domain(struct arena *a, const char *domain, struct err *err);

/* Makes url (NULL: none) the remote account's avatar or header (purpose), with a
 * remote_files row for domain as db_remote_attachment_insert makes it (pending when fetch).
 * The earlier image's file goes when nothing else shows it. 1 when the row of url is new,
 * 0 otherwise, -1 + err. */
int db_remote_profile_set(struct arena *a, int64_t account_id, const char *purpose,
			  const char *url, const char *domain, bool fetch, struct err *err);

/* The remote account's avatar or header as an attachment (status_id 0, description ""),
 * or NULL when it has none (err->code ERR_NONE) or on failure. Arena-owned. */
struct remote_attachment *db_remote_profile_get(struct arena *a, int64_t account_id,
						const char *purpose, struct err *err);

/* db_remote_files_shown for one URL: 1 when it was evicted and is pending now (a fetch is
 * to be queued), 0 otherwise, -1 + err. */
int db_remote_file_shown(struct arena *a, const char *url, struct err *err);

#endif
