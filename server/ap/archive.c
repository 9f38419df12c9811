/* archive.c - see archive.h. */
#include "ap/archive.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ap/actor.h"
#include "ap/ap.h"
#include "ap/keys.h"
#include "ap/outbound.h"
#include "core/media.h"
#include "db/db.h"
#include "db/export.h"
#include "db/federation.h"
#include "db/media.h"
#include "util/arena.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/zip.h"

#define POSTS_PAGE 100 /* posts read (and their JSON held) at once */
#define ROWS_PAGE 500  /* accounts or bookmarks read at once */
#define COPY_CHUNK 65536

struct archive {
	struct zipw *zip;
	const struct account *member;
	const char *base;   /* base_url */
	const char *domain; /* this node's acct: domain */
	unsigned char *buf; /* COPY_CHUNK bytes for copying files */
};

/* Appends a JSON value, compact, after sep (NULL: none). */
static int
put_json(struct archive *ar, const char *sep, const json_t *doc, struct err *err)
{
	char *text = json_dumps(doc, JSON_COMPACT | JSON_ENCODE_ANY);
	if (text == NULL)
		return err_set(err, ERR_INTERNAL, NULL, "archive: json_dumps failed");
	int rc = 0;
	if (sep != NULL)
		rc = zipw_write(ar->zip, sep, strlen(sep), err);
	if (rc == 0)
		rc = zipw_write(ar->zip, text, strlen(text), err);
	free(text);
	return rc;
}

static int
put_str(struct archive *ar, const char *s, struct err *err)
{
	return zipw_write(ar->zip, s, strlen(s), err);
}

/* The head of an OrderedCollection whose orderedItems follow; collection_end closes it. */
static int
collection_begin(struct archive *ar, struct arena *a, const char *id, struct err *err)
{
	json_t *sid = json_string(id);
	char *quoted = json_dumps(sid, JSON_ENCODE_ANY);
	json_decref(sid);
	if (quoted == NULL)
		return err_set(err, ERR_INTERNAL, NULL, "archive: json_dumps failed");
	char *head = arena_printf(a,
				  "{\"@context\":\"%s\",\"id\":%s,\"type\":\"OrderedCollection\","
				  "\"orderedItems\":[",
				  AP_CONTEXT, quoted);
	free(quoted);
	return put_str(ar, head, err);
}

static int
collection_end(struct archive *ar, struct arena *a, long total, struct err *err)
{
	return put_str(ar, arena_printf(a, "],\"totalItems\":%ld}\n", total), err);
}

/* Create activities of the member's posts into outbox.json, a page at a time. */
static int
write_outbox(struct archive *ar, struct arena *a, struct err *err)
{
	const char *u = ar->member->username;
	if (zipw_begin(ar->zip, "outbox.json", true, err) != 0 ||
	    collection_begin(ar, a, ap_actor_path_uri(a, ar->base, u, "outbox"), err) != 0)
		return -1;
	long total = 0;
	int64_t before = 0;
	for (;;) {
		struct arena *s = arena_new();
		int64_t *ids = NULL;
		struct db_ap_status *st = NULL;
		int n = db_export_status_ids(s, ar->member->id, before, POSTS_PAGE, &ids, err);
		int found =
		    n > 0 ? db_ap_statuses(s, ids, n, st = arena_alloc(s, sizeof *st * n), err) : n;
		for (int i = 0; i < found; i++) {
			json_t *note = ap_note_json(s, &st[i]);
			json_t *create = json_pack(
			    "{s:s, s:s, s:s, s:s, s:O, s:O, s:o}", "id",
			    arena_printf(s, "%s/activity", ap_note_uri(s, ar->base, u, st[i].id)),
			    "type", "Create", "actor", ap_actor_uri(s, ar->base, u), "published",
			    st[i].published, "to", json_object_get(note, "to"), "cc",
			    json_object_get(note, "cc"), "object", note);
			int rc = put_json(ar, total++ > 0 ? "," : NULL, create, err);
			json_decref(create);
			if (rc != 0) {
				found = -1;
				break;
			}
		}
		if (n > 0)
			before = ids[n - 1];
		arena_free(s);
		if (found < 0)
			return -1;
		if (n < POSTS_PAGE)
			break;
	}
	if (collection_end(ar, a, total, err) != 0 || zipw_end(ar->zip, err) != 0)
		return -1;
	return 0;
}

/* Copies the media file name into the archive as media/NAME, unless it is missing from the
 * disk (logged: the post then names an image the archive lacks, as it lacks it here). */
static int
copy_media(struct archive *ar, struct arena *a, const char *name, struct err *err)
{
	int fd = open(arena_printf(a, "%s/%s", media_dir(), name), O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT) {
			log_msg(LOG_WARN, "export of account %lld: a media file is missing",
				(long long)ar->member->id);
			return 0;
		}
		return err_set(err, ERR_INTERNAL, NULL, "archive: open media: %s", strerror(errno));
	}
	/* images are compressed already: stored, not deflated */
	int rc = zipw_begin(ar->zip, arena_printf(a, "media/%s", name), false, err);
	while (rc == 0) {
		ssize_t got = read(fd, ar->buf, COPY_CHUNK);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			rc = err_set(err, ERR_INTERNAL, NULL, "archive: read media: %s",
				     strerror(errno));
		else if (got == 0)
			break;
		else
			rc = zipw_write(ar->zip, ar->buf, (size_t)got, err);
	}
	close(fd);
	if (rc == 0)
		rc = zipw_end(ar->zip, err);
	return rc;
}

/* The images of the member's posts, a page of posts at a time, then the picture and header. */
static int
write_media(struct archive *ar, struct arena *a, struct err *err)
{
	int64_t before = 0;
	for (;;) {
		struct arena *s = arena_new();
		int64_t *ids = NULL;
		struct media_row *rows = NULL;
		int n = db_export_status_ids(s, ar->member->id, before, POSTS_PAGE, &ids, err);
		int nrows = n > 0 ? media_of_statuses(s, ids, n, &rows, err) : n;
		for (int i = 0; i < nrows; i++)
			if (copy_media(ar, s, rows[i].file_name, err) != 0) {
				nrows = -1;
				break;
			}
		if (n > 0)
			before = ids[n - 1];
		arena_free(s);
		if (nrows < 0)
			return -1;
		if (n < POSTS_PAGE)
			break;
	}
	static const char *const purposes[] = {"avatar", "header"};
	for (size_t i = 0; i < sizeof purposes / sizeof purposes[0]; i++) {
		struct media_row *m = media_profile(a, ar->member->id, purposes[i]);
		if (m != NULL && copy_media(ar, a, m->file_name, err) != 0)
			return -1;
	}
	return 0;
}

/* A CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break. */
static void
csv_field(struct strbuf *sb, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		strbuf_puts(sb, s);
		return;
	}
	strbuf_putc(sb, '"');
	for (; *s; s++) {
		if (*s == '"')
			strbuf_putc(sb, '"');
		strbuf_putc(sb, *s);
	}
	strbuf_putc(sb, '"');
}

/* How a list is written: Mastodon's CSV of it, or an OrderedCollection of actor ids. */
enum list_form { FORM_JSON, FORM_CSV };

/* Appends uri to the JSON array being written in sb, as a string, after a ',' unless it is
 * the first (*total counts them). A uri that is not UTF-8 (never one of this node's rows) is
 * left out. */
static void
json_item(struct strbuf *sb, const char *uri, long *total)
{
	json_t *id = json_string(uri);
	char *q = id ? json_dumps(id, JSON_ENCODE_ANY) : NULL;
	json_decref(id);
	if (q == NULL)
		return;
	if ((*total)++ > 0)
		strbuf_putc(sb, ',');
	strbuf_puts(sb, q);
	free(q);
}

/* The CSV header Mastodon writes for each list (NULL: none), and the columns after the
 * address of each row. Show boosts: parasol has no per-follow switch, boosts are shown;
 * hide notifications: a mute here hides them (core/block.h). */
static const char *const CSV_HEAD[] = {
    [DB_EXPORT_FOLLOWING] = "Account address,Show boosts,Notify on new posts,Languages\n",
    [DB_EXPORT_FOLLOWERS] = NULL,
    [DB_EXPORT_BLOCKS] = NULL,
    [DB_EXPORT_MUTES] = "Account address,Hide notifications\n",
};
static const char *const CSV_TAIL[] = {
    [DB_EXPORT_FOLLOWING] = ",true,false,\n",
    [DB_EXPORT_FOLLOWERS] = "\n",
    [DB_EXPORT_BLOCKS] = "\n",
    [DB_EXPORT_MUTES] = ",true\n",
};

static int
write_list(struct archive *ar, struct arena *a, enum db_export_list which, enum list_form form,
	   const char *entry, const char *collection, struct err *err)
{
	if (zipw_begin(ar->zip, entry, true, err) != 0)
		return -1;
	int rc = 0;
	if (form == FORM_JSON)
		rc = collection_begin(
		    ar, a, ap_actor_path_uri(a, ar->base, ar->member->username, collection), err);
	else if (CSV_HEAD[which] != NULL)
		rc = put_str(ar, CSV_HEAD[which], err);
	long total = 0;
	int64_t after = 0;
	while (rc == 0) {
		struct arena *s = arena_new();
		struct db_export_account *rows = NULL;
		int n = db_export_accounts(s, ar->member->id, which, after, ROWS_PAGE, &rows, err);
		struct strbuf sb;
		strbuf_init(&sb, s);
		for (int i = 0; i < n; i++) {
			const struct db_export_account *r = &rows[i];
			if (form == FORM_CSV) {
				csv_field(&sb, arena_printf(s, "%s@%s", r->username,
							    r->domain ? r->domain : ar->domain));
				strbuf_puts(&sb, CSV_TAIL[which]);
				continue;
			}
			json_item(&sb, r->uri ? r->uri : ap_actor_uri(s, ar->base, r->username),
				  &total);
		}
		if (n < 0)
			rc = -1;
		else if (sb.len > 0)
			rc = zipw_write(ar->zip, sb.data, sb.len, err);
		if (n > 0)
			after = rows[n - 1].row_id;
		arena_free(s);
		if (n < ROWS_PAGE)
			break;
	}
	if (rc == 0 && form == FORM_JSON)
		rc = collection_end(ar, a, total, err);
	if (rc == 0)
		rc = zipw_end(ar->zip, err);
	return rc;
}

/* The bookmarked posts' ids: bookmarks.json (a collection) or bookmarks.csv (Mastodon's, one
 * URI a line, no header). */
static int
write_bookmarks(struct archive *ar, struct arena *a, enum list_form form, struct err *err)
{
	if (zipw_begin(ar->zip, form == FORM_JSON ? "bookmarks.json" : "bookmarks.csv", true,
		       err) != 0)
		return -1;
	int rc =
	    form == FORM_JSON
		? collection_begin(ar, a,
				   arena_printf(a, "%s#bookmarks",
						ap_actor_uri(a, ar->base, ar->member->username)),
				   err)
		: 0;
	long total = 0;
	int64_t after = 0;
	while (rc == 0) {
		struct arena *s = arena_new();
		struct db_export_bookmark *rows = NULL;
		int n = db_export_bookmarks(s, ar->member->id, after, ROWS_PAGE, &rows, err);
		struct strbuf sb;
		strbuf_init(&sb, s);
		for (int i = 0; i < n; i++) {
			const char *uri = rows[i].uri ? rows[i].uri
						      : ap_note_uri(s, ar->base, rows[i].username,
								    rows[i].status_id);
			if (form == FORM_CSV) {
				csv_field(&sb, uri);
				strbuf_putc(&sb, '\n');
				continue;
			}
			json_item(&sb, uri, &total);
		}
		if (n < 0)
			rc = -1;
		else if (sb.len > 0)
			rc = zipw_write(ar->zip, sb.data, sb.len, err);
		if (n > 0)
			after = rows[n - 1].row_id;
		arena_free(s);
		if (n < ROWS_PAGE)
			break;
	}
	if (rc == 0 && form == FORM_JSON)
		rc = collection_end(ar, a, total, err);
	if (rc == 0)
		rc = zipw_end(ar->zip, err);
	return rc;
}

/* The member's own bad-date alerts: alerts.json, an array of objects (db_export_alerts). */
static int
write_alerts(struct archive *ar, struct err *err)
{
	if (zipw_begin(ar->zip, "alerts.json", true, err) != 0)
		return -1;
	int rc = zipw_write(ar->zip, "[", 1, err);
	long total = 0;
	int64_t after = 0;
	while (rc == 0) {
		struct arena *s = arena_new();
		int64_t *ids;
		const char **json;
		int n = db_export_alerts(s, ar->member->id, after, ROWS_PAGE, &ids, &json, err);
		struct strbuf sb;
		strbuf_init(&sb, s);
		for (int i = 0; i < n; i++) {
			if (total++ > 0)
				strbuf_putc(&sb, ',');
			strbuf_puts(&sb, json[i]);
		}
		if (n < 0)
			rc = -1;
		else if (sb.len > 0)
			rc = zipw_write(ar->zip, sb.data, sb.len, err);
		if (n > 0)
			after = ids[n - 1];
		arena_free(s);
		if (n < ROWS_PAGE)
			break;
	}
	if (rc == 0)
		rc = zipw_write(ar->zip, "]", 1, err);
	if (rc == 0)
		rc = zipw_end(ar->zip, err);
	return rc;
}

static int
write_all(struct archive *ar, struct arena *a, const char *public_pem, struct err *err)
{
	json_t *person = ap_person_json(a, ar->base, ar->member, public_pem);
	int rc = zipw_begin(ar->zip, "actor.json", true, err) != 0 ||
			 put_json(ar, NULL, person, err) != 0 || zipw_end(ar->zip, err) != 0
		     ? -1
		     : 0;
	json_decref(person);
	if (rc != 0 || write_outbox(ar, a, err) != 0 || write_media(ar, a, err) != 0 ||
	    write_list(ar, a, DB_EXPORT_FOLLOWING, FORM_JSON, "following.json", "following", err) !=
		0 ||
	    write_list(ar, a, DB_EXPORT_FOLLOWERS, FORM_JSON, "followers.json", "followers", err) !=
		0 ||
	    write_bookmarks(ar, a, FORM_JSON, err) != 0 ||
	    write_list(ar, a, DB_EXPORT_FOLLOWING, FORM_CSV, "following_accounts.csv", NULL, err) !=
		0 ||
	    write_list(ar, a, DB_EXPORT_BLOCKS, FORM_CSV, "blocked_accounts.csv", NULL, err) != 0 ||
	    write_list(ar, a, DB_EXPORT_MUTES, FORM_CSV, "muted_accounts.csv", NULL, err) != 0 ||
	    write_bookmarks(ar, a, FORM_CSV, err) != 0 || write_alerts(ar, err) != 0)
		return -1;
	return 0;
}

int
ap_archive_write(struct arena *a, const struct account *member, int fd, uint64_t *size,
		 struct err *err)
{
	/* the key may be made now (a write): before the read-only snapshot */
	const char *priv, *pub;
	if (ap_account_keys(a, member->id, &priv, &pub, err) != 0)
		return -1;
	struct archive ar = {
	    .zip = zipw_new(fd, (time_t)clock_now()),
	    .member = member,
	    .base = ap_base_url(),
	    .domain = ap_local_domain(a, ap_base_url()),
	    .buf = arena_alloc(a, COPY_CHUNK),
	};
	int rc = db_begin_snapshot(err);
	if (rc == 0) {
		rc = write_all(&ar, a, pub, err);
		db_end_snapshot();
	}
	if (rc == 0)
		rc = zipw_finish(ar.zip, size, err);
	zipw_free(ar.zip);
	return rc;
}
