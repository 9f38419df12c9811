/* import.c - see import.h. Reading the file is the first half, the job the second. */
#include "core/import.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/account.h"
#include "core/block.h"
#include "core/federation.h"
#include "core/follow.h"
#include "db/db.h"
#include "db/imports.h"
#include "jobs/queue.h"
#include "util/arena.h"
#include "util/csv.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/id.h"
#include "util/log.h"
#include "util/utf8.h"

static const char *const kind_names[IMPORT_KIND__MAX] = {
    [IMPORT_FOLLOWING] = "following", [IMPORT_BLOCKS] = "blocks", [IMPORT_MUTES] = "mutes"};
static const char *const mode_names[IMPORT_MODE__MAX] = {
    [IMPORT_MERGE] = "merge", [IMPORT_OVERWRITE] = "overwrite"};

const char *
import_kind_name(enum import_kind kind)
{
	return (unsigned)kind < IMPORT_KIND__MAX ? kind_names[kind] : "?";
}

int
import_kind_parse(const char *s, enum import_kind *out)
{
	for (int k = 0; s != NULL && k < IMPORT_KIND__MAX; k++)
		if (strcmp(s, kind_names[k]) == 0) {
			*out = (enum import_kind)k;
			return 0;
		}
	return -1;
}

const char *
import_mode_name(enum import_mode mode)
{
	return (unsigned)mode < IMPORT_MODE__MAX ? mode_names[mode] : "?";
}

int
import_mode_parse(const char *s, enum import_mode *out)
{
	for (int m = 0; s != NULL && m < IMPORT_MODE__MAX; m++)
		if (strcmp(s, mode_names[m]) == 0) {
			*out = (enum import_mode)m;
			return 0;
		}
	return -1;
}

/* --- reading the file --------------------------------------------------------------------- */

/* The columns Mastodon writes for each list. A file's header is these, or their first ones
 * (at least the address). */
#define HEADER_MAX 4
static const char *const headers[IMPORT_KIND__MAX][HEADER_MAX] = {
    [IMPORT_FOLLOWING] = {"Account address", "Show boosts", "Notify on new posts", "Languages"},
    [IMPORT_BLOCKS] = {"Account address"},
    [IMPORT_MUTES] = {"Account address", "Hide notifications"},
};

static size_t
header_len(enum import_kind kind)
{
	size_t n = 0;
	while (n < HEADER_MAX && headers[kind][n] != NULL)
		n++;
	return n;
}

/* What each refusal of the reader tells the member. */
static const char *const csv_messages[CSV__MAX] = {
    [CSV_EMPTY] = N_("The file is empty."),
    [CSV_TOO_BIG] = N_("The file is bigger than this server takes in one import."),
    [CSV_NUL] = N_("This is not a CSV file: it holds binary data. Choose the CSV file itself."),
    [CSV_BINARY] = N_("This is not a CSV file: it holds binary data. Choose the CSV file itself."),
    [CSV_NOT_UTF8] = N_("This is not a CSV file in UTF-8 text. Choose the CSV file itself, or "
			"save it again as CSV in UTF-8."),
    [CSV_TOO_MANY_ROWS] = N_("The file lists more accounts than this server takes in one "
			     "import. Split it into smaller files."),
    [CSV_TOO_MANY_FIELDS] = N_("A line has more columns than a Mastodon list has."),
    [CSV_FIELD_TOO_LONG] = N_("A value is too long to be an account address."),
    [CSV_STRAY_QUOTE] = N_("A quote mark is in the middle of a value: a value with quote marks "
			   "must be in quote marks as a whole."),
    [CSV_AFTER_QUOTE] = N_("Something follows a closing quote mark: a quoted value must end at "
			   "a comma or at the end of the line."),
    [CSV_OPEN_QUOTE] = N_("A quote mark is never closed."),
    [CSV_BARE_CR] = N_("A line ends with a lone carriage return. Save the file as CSV again."),
};

#define MSG_WRONG_HEADER                                                                           \
	N_("The first line is not a header this import knows. A list of follows starts with "      \
	   "\"Account address,Show boosts,Notify on new posts,Languages\", a list of mutes with "  \
	   "\"Account address,Hide notifications\"; a list of blocks has no header.")
#define MSG_COLUMNS N_("A line has another number of columns than the first line.")
#define MSG_NO_ACCOUNTS N_("The file has a header but no accounts.")

static int
refuse(struct err *err, size_t *line, size_t at, const char *msg, const char *detail)
{
	*line = at;
	return err_set(err, ERR_UNPROCESSABLE, msg, "import refused: %s", detail);
}

static const char *
trim(struct arena *a, const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	size_t n = strlen(s);
	while (n > 0 &&
	       (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	return arena_strndup(a, s, n);
}

/* Whether the row is kind's header (or its first columns). */
static bool
is_header_of(struct arena *a, const struct csv_row *row, enum import_kind kind)
{
	if (row->nfields > header_len(kind))
		return false;
	for (size_t i = 0; i < row->nfields; i++)
		if (strcasecmp(trim(a, row->fields[i]), headers[kind][i]) != 0)
			return false;
	return true;
}

/* Whether the first row is a header: its first value is Mastodon's first column's name, or
 * is neither an address nor a name (then it is a header, a wrong one). */
static bool
looks_like_header(struct arena *a, const struct csv_row *row)
{
	const char *first = trim(a, row->fields[0]);
	if (strcasecmp(first, headers[IMPORT_FOLLOWING][0]) == 0)
		return true;
	if (*first == '@')
		first++;
	if (strchr(first, '@') != NULL || *first == '\0')
		return false;
	struct err ignored;
	return account_check_username(first, &ignored) != 0;
}

/* The first n code points of s (s is UTF-8). */
static const char *
clip(struct arena *a, const char *s, size_t n)
{
	const char *p = s;
	for (size_t i = 0; *p && i < n; i++) {
		p++;
		while ((*p & 0xC0) == 0x80)
			p++;
	}
	return arena_strndup(a, s, (size_t)(p - s));
}

/* The address as stored: "name" for a member here, "user@domain" (lower case, the domain
 * normalised) for an account elsewhere; NULL when raw is no address. */
static const char *
normalise(struct arena *a, const char *raw, const char *local)
{
	char *s = arena_strdup(a, raw);
	if (*s == '@')
		s++;
	for (char *p = s; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	struct err ignored;
	char *at = strrchr(s, '@');
	if (at == NULL)
		return account_check_username(s, &ignored) == 0 ? s : NULL;
	*at = '\0';
	if (strchr(at + 1, '/') != NULL)
		return NULL;
	const char *domain = federation_domain_normalise(a, at + 1, &ignored);
	if (domain == NULL)
		return NULL;
	if (local != NULL && strcmp(domain, local) == 0)
		return account_check_username(s, &ignored) == 0 ? s : NULL;
	if (!account_remote_username_ok(s))
		return NULL;
	return arena_printf(a, "%s@%s", s, domain);
}

/* The entries of the rows from first on, as import_entries takes them (db/imports.h). */
static json_t *
entries_of(struct arena *a, const struct csv_table *t, size_t first, const char *local)
{
	json_t *list = json_array();
	for (size_t i = first; i < t->nrows; i++) {
		const char *given = trim(a, t->rows[i].fields[0]);
		if (*given == '\0')
			continue; /* a row without an address: nothing to do */
		const char *address = normalise(a, given, local);
		if (address != NULL && utf8_chars(address) > IMPORT_ADDRESS_MAX)
			address = NULL; /* longer than any handle this node stores */
		json_array_append_new(
		    list,
		    address ? json_pack("[sn]", address)
			    : json_pack("[ss]", clip(a, given, IMPORT_ADDRESS_MAX), "bad_address"));
	}
	return list;
}

/* Reads and checks the file: rows, header, columns. 0 with *entries (JSON, the caller's to
 * release), or -1 + err and *line. */
static int
read_file(struct arena *a, const struct import_request *rq, const struct import_limits *lim,
	  json_t **entries, size_t *line, struct err *err)
{
	const struct csv_limits cl = {.max_bytes = lim->max_bytes,
				      .max_rows = lim->max_rows + 1, /* and a header */
				      .max_fields = HEADER_MAX,
				      .max_field_bytes = 1024};
	struct csv_table t;
	enum csv_error ce = csv_parse(a, rq->data, rq->len, &cl, &t, line);
	if (ce != CSV_OK) /* too many rows: the limit, not a line, is the point */
		return refuse(err, line, ce == CSV_TOO_MANY_ROWS ? 0 : *line, csv_messages[ce],
			      csv_error_name(ce));
	size_t first = 0, columns = t.rows[0].nfields;
	if (looks_like_header(a, &t.rows[0])) {
		if (!is_header_of(a, &t.rows[0], rq->kind)) {
			/* another list's header: say which list the file is */
			if (rq->kind != IMPORT_FOLLOWING &&
			    is_header_of(a, &t.rows[0], IMPORT_FOLLOWING))
				return refuse(err, line, 1,
					      N_("This file is a list of follows: choose "
						 "\"Follows\" above."),
					      "a follows header");
			if (rq->kind != IMPORT_MUTES && is_header_of(a, &t.rows[0], IMPORT_MUTES))
				return refuse(err, line, 1,
					      N_("This file is a list of mutes: choose \"Mutes\" "
						 "above."),
					      "a mutes header");
			return refuse(err, line, 1, MSG_WRONG_HEADER, "wrong header");
		}
		first = 1;
	} else if (columns > header_len(rq->kind)) {
		return refuse(err, line, 1, csv_messages[CSV_TOO_MANY_FIELDS], "too many columns");
	}
	if (t.nrows == first)
		return refuse(err, line, 0, MSG_NO_ACCOUNTS, "header only");
	if (t.nrows - first > lim->max_rows)
		return refuse(err, line, 0, csv_messages[CSV_TOO_MANY_ROWS], "too many rows");
	for (size_t i = first; i < t.nrows; i++)
		if (t.rows[i].nfields != columns)
			return refuse(err, line, t.rows[i].line, MSG_COLUMNS, "ragged rows");
	struct err ignored;
	const char *local = federation_domain_normalise(a, rq->base_url, &ignored);
	*entries = entries_of(a, &t, first, local);
	if (json_array_size(*entries) == 0) { /* only empty addresses */
		json_decref(*entries);
		*entries = NULL;
		return refuse(err, line, 0, N_("The file lists no accounts."), "no addresses");
	}
	return 0;
}

int
import_start(struct arena *a, const struct account *member, const struct import_request *rq,
	     const struct import_limits *lim, int64_t *id, size_t *line, struct err *err)
{
	*line = 0;
	json_t *entries = NULL;
	if (read_file(a, rq, lim, &entries, line, err) != 0)
		return -1;
	char *text = json_dumps(entries, JSON_COMPACT);
	json_decref(entries);
	if (text == NULL)
		return err_set(err, ERR_INTERNAL, NULL, "import: entries not serialised");
	const char *copy = arena_strdup(a, text);
	free(text);
	int total = 0;
	char b[ID_STRLEN], m[ID_STRLEN];
	if (db_begin(err) != 0)
		return -1;
	if (db_import_create(a, member->id, import_kind_name(rq->kind), import_mode_name(rq->mode),
			     copy, id, &total, err) != 0) {
		db_rollback();
		if (err->code == ERR_CONFLICT)
			err_set(err, ERR_CONFLICT,
				"An import of yours is still running. Wait until it is finished, "
				"then try again.",
				"import already running");
		return -1;
	}
	json_t *payload =
	    json_pack("{ssss}", "import", id_format(*id, b), "account", id_format(member->id, m));
	int64_t job = job_enqueue(a, JOB_IMPORT, payload, 0, err);
	json_decref(payload);
	if (job < 0 || db_commit(err) != 0) {
		db_rollback();
		return -1;
	}
	log_msg(LOG_INFO, "import %lld: %d entries of %s (%s)", (long long)*id, total,
		import_kind_name(rq->kind), import_mode_name(rq->mode));
	return 0;
}

/* --- the status page ---------------------------------------------------------------------- */

int
import_recent(struct arena *a, int64_t account_id, struct import_info **out, struct err *err)
{
	struct db_import *rows;
	int n = db_imports_recent(a, account_id, IMPORT_SHOWN, &rows, err);
	if (n < 0)
		return -1;
	*out = arena_alloc(a, sizeof **out * (size_t)(n + 1));
	int64_t *ids = arena_alloc(a, sizeof *ids * (size_t)(n + 1));
	for (int i = 0; i < n; i++) {
		struct import_info *in = &(*out)[i];
		memset(in, 0, sizeof *in);
		in->id = ids[i] = rows[i].id;
		if (import_kind_parse(rows[i].kind, &in->kind) != 0)
			in->kind = IMPORT_FOLLOWING;
		if (import_mode_parse(rows[i].mode, &in->mode) != 0)
			in->mode = IMPORT_MERGE;
		in->running = rows[i].running;
		in->total = rows[i].total;
		in->done = rows[i].done;
		in->failed = rows[i].failed;
		in->created_at = rows[i].created_at;
		in->finished_at = rows[i].finished_at;
		in->failures = arena_alloc(a, sizeof *in->failures * IMPORT_FAILURES_SHOWN);
	}
	struct db_import_entry *f;
	int nf = n > 0 ? db_import_failures(a, ids, n, IMPORT_FAILURES_SHOWN, &f, err) : 0;
	if (nf < 0)
		return -1;
	for (int j = 0; j < nf; j++)
		for (int i = 0; i < n; i++) {
			struct import_info *in = &(*out)[i];
			if (in->id == f[j].import_id && in->nfailures < IMPORT_FAILURES_SHOWN) {
				in->failures[in->nfailures].address = f[j].address;
				in->failures[in->nfailures].error = f[j].error;
				in->nfailures++;
			}
		}
	return n;
}

/* --- the job ------------------------------------------------------------------------------ */

/* Why the lookup of an account elsewhere failed, as import_entries.error says it. Every
 * failure is the entry's: a peer that answers nonsense must not hold the import up (when
 * the database itself is down, recording the failure fails too, and the job is retried). */
static const char *
lookup_failure(const struct err *e)
{
	switch (e->code) {
	case ERR_FORBIDDEN:
		return "not_allowed";
	case ERR_UNAVAILABLE:
	case ERR_INTERNAL:
	case ERR_RATE_LIMITED:
		return "unreachable";
	default:
		return "not_found";
	}
}

/* The account entry names, or NULL with *why (a failure to record), or NULL with *why NULL
 * and err set (try the job again later). Looking up an account elsewhere may contact its
 * server: it is done outside any transaction. */
static struct account *
resolve(struct arena *a, const char *address, const char **why, struct err *err)
{
	*why = NULL;
	struct err e;
	err_clear(&e);
	struct account *acct;
	const char *at = strchr(address, '@');
	if (at == NULL) {
		acct = account_by_username(a, address, &e);
	} else {
		if (!federation_domain_allowed(a, at + 1, &e)) {
			if (e.code == ERR_UNAVAILABLE || e.code == ERR_INTERNAL) {
				*err = e;
				return NULL;
			}
			*why = "not_allowed";
			return NULL;
		}
		acct = account_lookup_remote(a, address, &e);
	}
	if (acct == NULL) {
		if (at == NULL && e.code != ERR_NOT_FOUND) { /* the database failed */
			*err = e;
			return NULL;
		}
		*why = lookup_failure(&e);
		return NULL;
	}
	if (!acct->approved || acct->suspended)
		*why = "not_found";
	return acct->approved && !acct->suspended ? acct : NULL;
}

/* Follows, blocks or mutes target as the member's buttons do (they join the caller's
 * transaction). 0, or -1 + err. */
static int
act(struct arena *a, enum import_kind kind, int64_t member_id, const struct account *target,
    struct err *err)
{
	switch (kind) {
	case IMPORT_FOLLOWING: {
		bool requested;
		int64_t followed;
		return follow_chosen(a, member_id, target, &requested, &followed, err);
	}
	case IMPORT_BLOCKS:
		return block_add(a, member_id, target->id, err);
	default:
		return mute_add(a, member_id, target->id, err);
	}
}

/* Why an action was refused, as import_entries.error says it; NULL: try the job again. */
static const char *
action_failure(const struct err *e)
{
	switch (e->code) {
	case ERR_FORBIDDEN:
		return "blocked";
	case ERR_UNPROCESSABLE:
		return "self";
	case ERR_NOT_FOUND:
		return "not_found";
	case ERR_UNAVAILABLE:
	case ERR_INTERNAL:
	case ERR_NONE:
		return NULL;
	default:
		return "refused";
	}
}

/* Settles entry e of an import of member's: locks it, acts, records the outcome, all in
 * one transaction (an action refused rolls it back: the failure is recorded in another).
 * 0, or -1 + err when the database failed. */
static int
settle(struct arena *a, enum import_kind kind, const struct account *member,
       const struct db_import_entry *e, struct err *err)
{
	const char *why = NULL;
	struct account *target = resolve(a, e->address, &why, err);
	if (target == NULL && why == NULL)
		return -1;
	if (target != NULL && target->id == member->id)
		why = "self";
	if (db_begin(err) != 0)
		return -1;
	int locked = db_import_entry_lock(a, e->id, err);
	if (locked < 0)
		goto fail;
	if (locked == 0) { /* another run settled it */
		db_rollback();
		return 0;
	}
	if (why == NULL) {
		struct err ae;
		err_clear(&ae);
		if (act(a, kind, member->id, target, &ae) != 0) {
			db_rollback();
			if ((why = action_failure(&ae)) == NULL) {
				*err = ae;
				return -1;
			}
			/* the action's own rollback ended the transaction: record in a new one */
			if (db_begin(err) != 0)
				return -1;
			if ((locked = db_import_entry_lock(a, e->id, err)) <= 0)
				goto fail;
		}
	}
	if (db_import_entry_settle(a, e->id, why, why ? 0 : target->id, err) < 0 ||
	    db_commit(err) != 0)
		goto fail;
	return 0;
fail:
	db_rollback();
	return locked == 0 ? 0 : -1;
}

/* Overwrite: removes the relations of the member's that no entry names. Each removal is
 * its own transaction and removing again is a no-op, so a run killed midway is finished by
 * the next. 0, or -1 + err. */
static int
trim_unlisted(struct arena *a, enum import_kind kind, int64_t member_id, int64_t import_id,
	      struct err *err)
{
	static const enum db_import_relation rel[IMPORT_KIND__MAX] = {
	    [IMPORT_FOLLOWING] = DB_IMPORT_FOLLOWS,
	    [IMPORT_BLOCKS] = DB_IMPORT_BLOCKS,
	    [IMPORT_MUTES] = DB_IMPORT_MUTES};
	int64_t *ids;
	int n = db_import_unlisted(a, rel[kind], member_id, import_id, &ids, err);
	for (int i = 0; i < n; i++) {
		int rc = kind == IMPORT_FOLLOWING ? follow_undo(a, member_id, ids[i], err)
			 : kind == IMPORT_BLOCKS  ? block_remove(a, member_id, ids[i], err)
						  : mute_remove(a, member_id, ids[i], err);
		if (rc != 0)
			return -1;
	}
	return n < 0 ? -1 : 0;
}

/* Fails what is left of the import and finishes it (a member gone or suspended, a job
 * given up). 0, or -1 + err. */
static int
stop(struct arena *a, int64_t id, const char *why, struct err *err)
{
	if (db_import_fail_pending(a, id, why, err) < 0)
		return -1;
	return db_import_finish(a, id, err);
}

void
import_give_up(struct arena *a, const json_t *payload, const struct err *last)
{
	(void)last;
	int64_t id;
	struct err err;
	err_clear(&err);
	if (id_parse(json_string_value(json_object_get(payload, "import")), &id) == 0 &&
	    stop(a, id, "refused", &err) != 0)
		log_msg(LOG_WARN, "import %lld given up but not finished: %s", (long long)id,
			err.detail);
}

static int run(struct arena *a, int64_t id, const json_t *payload, struct err *err);

int
import_job(struct arena *a, const json_t *payload, struct err *err)
{
	int64_t id;
	if (id_parse(json_string_value(json_object_get(payload, "import")), &id) != 0)
		return err_set(err, ERR_INVALID, NULL, "malformed import job");
	if (run(a, id, payload, err) == 0)
		return 0;
	/* Whatever failed, the job is tried again (a dropped job would leave the import
	 * running for good); import_give_up ends it if it never succeeds. */
	if (err->code != ERR_UNAVAILABLE && err->code != ERR_INTERNAL)
		err->code = ERR_INTERNAL;
	return -1;
}

/* One run of import id's job. */
static int
run(struct arena *a, int64_t id, const json_t *payload, struct err *err)
{
	struct db_import im;
	int found = db_import_get(a, id, &im, err);
	if (found <= 0)
		return found; /* gone with its account, or the database failed */
	if (!im.running)
		return 0; /* a second job of a finished import */
	enum import_kind kind;
	enum import_mode mode;
	if (import_kind_parse(im.kind, &kind) != 0 || import_mode_parse(im.mode, &mode) != 0)
		return err_set(err, ERR_INVALID, NULL, "import %lld of an unknown kind",
			       (long long)id);
	struct err me;
	struct account *member = account_by_id(a, im.account_id, &me);
	if (member == NULL && me.code != ERR_NOT_FOUND) {
		*err = me;
		return -1;
	}
	if (member == NULL || member->suspended)
		return stop(a, id, "suspended", err);
	struct db_import_entry *entries;
	int n = db_import_pending(a, id, IMPORT_BATCH, &entries, err);
	if (n < 0)
		return -1;
	struct timespec start, now;
	clock_gettime(CLOCK_MONOTONIC, &start);
	bool cut = false;
	for (int i = 0; i < n && !cut; i++) {
		if (settle(a, kind, member, &entries[i], err) != 0)
			return -1;
		/* slow peers: stop well within the job's lease, the rest is another run */
		clock_gettime(CLOCK_MONOTONIC, &now);
		cut = i + 1 < n && now.tv_sec - start.tv_sec >= IMPORT_BATCH_SECONDS;
	}
	if (n == IMPORT_BATCH || cut) /* perhaps more: the next batch is another run */
		return job_enqueue(a, JOB_IMPORT, payload, 0, err) < 0 ? -1 : 0;
	if (mode == IMPORT_OVERWRITE && trim_unlisted(a, kind, member->id, id, err) != 0)
		return -1;
	if (db_import_finish(a, id, err) != 0)
		return -1;
	log_msg(LOG_INFO, "import %lld finished", (long long)id);
	return 0;
}
