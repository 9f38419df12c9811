/* import.h - importing Mastodon's CSV lists of follows, blocks and mutes (issue 12).
 *
 * A member uploads the file Mastodon (or parasol's own export) writes: following_accounts.csv
 * (header "Account address,Show boosts,Notify on new posts,Languages"), blocked_accounts.csv
 * (no header) or muted_accounts.csv ("Account address,Hide notifications"; both may also be
 * a bare list of addresses). import_start reads it strictly (util/csv.h) and either refuses
 * it whole, storing nothing, or stores one entry per distinct address and queues an 'import'
 * job. The job (import_job) works through the entries IMPORT_BATCH at a time: a member here
 * ("name", or "name@" this node) is acted on directly; an account elsewhere is looked up
 * (WebFinger and the actor, through the remote lookup ap/ registers) only when the
 * federation policy allows its domain; then it follows, blocks or mutes through the same
 * functions as the web's buttons (core/follow.h, core/block.h), so blocks, locked accounts
 * and moderation hold. Each entry is settled in the transaction that acts on it, after
 * locking it, so a worker killed at any moment neither loses an entry nor acts twice.
 * In overwrite mode, once every entry is settled, the follows (and follow requests), blocks
 * or mutes that the file does not name are removed. One import runs per member at a time. */
#ifndef PARASOL_CORE_IMPORT_H
#define PARASOL_CORE_IMPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/model.h"

struct arena;
struct err;

enum import_kind { IMPORT_FOLLOWING, IMPORT_BLOCKS, IMPORT_MUTES, IMPORT_KIND__MAX };
enum import_mode { IMPORT_MERGE, IMPORT_OVERWRITE, IMPORT_MODE__MAX };

#define IMPORT_BATCH 50		 /* entries one run of the job settles at most */
#define IMPORT_BATCH_SECONDS 60	 /* and for at most about this long (a lease is 300 s) */
#define IMPORT_SHOWN 5		 /* imports the status page lists */
#define IMPORT_FAILURES_SHOWN 50 /* failed entries it lists of each */
#define IMPORT_ADDRESS_MAX 300	 /* characters of an entry kept (a bad address is clipped) */

/* "following", "blocks", "mutes" / "merge", "overwrite" (as stored and in forms); the
 * parsers return 0, or -1 for anything else. */
const char *import_kind_name(enum import_kind kind);
int import_kind_parse(const char *s, enum import_kind *out);
const char *import_mode_name(enum import_mode mode);
int import_mode_parse(const char *s, enum import_mode *out);

/* The configured limits (import_max_bytes, import_max_rows). */
struct import_limits {
	size_t max_bytes;
	size_t max_rows; /* addresses, a header not counted */
};

/* What a member asked for. base_url: this node's (its host names members here). */
struct import_request {
	enum import_kind kind;
	enum import_mode mode;
	const char *data; /* the file, len bytes */
	size_t len;
	const char *base_url;
};

/* Reads the file and, when it is sound, stores the import and queues its job in one
 * transaction; *id gets it. A refused file stores nothing: ERR_UNPROCESSABLE with a message
 * (a msgid) saying what is wrong, and *line the line it is on (0 when the whole file is
 * meant); ERR_CONFLICT when the member has an import running. An address that is no
 * address is not a refusal: its entry is stored failed ("bad_address"). 0, or -1 + err. */
int import_start(struct arena *a, const struct account *member, const struct import_request *rq,
		 const struct import_limits *lim, int64_t *id, size_t *line, struct err *err);

/* A failed entry: the address as stored and why ("not_allowed", ...: import_entries.error). */
struct import_failure {
	const char *address;
	const char *error;
};

/* An import for the status page (strings and arrays are the arena's). */
struct import_info {
	int64_t id;
	enum import_kind kind;
	enum import_mode mode;
	bool running;
	int total, done, failed;
	const char *created_at, *finished_at; /* ISO 8601 UTC; finished_at "" while running */
	struct import_failure *failures;      /* the first IMPORT_FAILURES_SHOWN */
	int nfailures;
};

/* The member's IMPORT_SHOWN newest imports, newest first. The count, or -1 + err. */
int import_recent(struct arena *a, int64_t account_id, struct import_info **out, struct err *err);

/* The 'import' job's handler (jobs/worker.h; payload {"import": id, "account": id}): settles
 * up to IMPORT_BATCH entries (fewer when that took IMPORT_BATCH_SECONDS: slow peers) and
 * queues itself again while some may be pending; then trims
 * (overwrite) and finishes the import. A member suspended or gone meanwhile fails what is
 * left ("suspended"). 0, or -1 + err: every failure is retried (ERR_UNAVAILABLE or
 * ERR_INTERNAL), since a dropped job would leave the import running for good. */
int import_job(struct arena *a, const json_t *payload, struct err *err);

/* Its give-up hook (jobs/worker.h): a job that kept failing (the database, for two days)
 * fails what is left of its import ("refused") and finishes it, so that the member may
 * import again. */
void import_give_up(struct arena *a, const json_t *payload, const struct err *last);

#endif
