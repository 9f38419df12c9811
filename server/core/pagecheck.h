/* pagecheck.h - proving a member's cached page current (http/server.c, "Member pages";
 * web/memberpage.c uses it). A page is rendered inside a snapshot (pagecheck_begin ..
 * pagecheck_end) and the check's token read in the same snapshot; a later token equal to it
 * proves that nothing the page shows changed since (db/pagemarks.h says what it reads). */
#ifndef PARASOL_CORE_PAGECHECK_H
#define PARASOL_CORE_PAGECHECK_H

#include <stdbool.h>
#include <stdint.h>

struct arena;
struct err;

/* Starts the snapshot on this thread's connection: every query until pagecheck_end reads
 * one moment's state. -1 + err when it can't (inside a transaction, the database away). */
int pagecheck_begin(struct err *err);

/* Ends the snapshot (it wrote nothing). */
void pagecheck_end(void);

/* Whether the snapshot pagecheck_begin started is still open (a failure in between may
 * have rolled it back: then what was read after is not of its moment). */
bool pagecheck_open(void);

/* What a page depends on, as text to keep with it: the viewer, the posts and the accounts
 * it shows (n ids each; repeats are fine). Arena-owned. */
const char *pagecheck_deps(struct arena *a, int64_t viewer_id, const int64_t *status_ids,
			   int nstatus, const int64_t *account_ids, int naccount);

/* The token for deps (from pagecheck_deps) now: arena string, or NULL + err (a malformed
 * deps is ERR_INTERNAL). One query. */
const char *pagecheck_token(struct arena *a, const char *deps, struct err *err);

/* After a page was rendered (its snapshot ended) or served again from the cache: marks
 * the remote images it shows as shown now (core/remote_media.h remote_media_mark_shown),
 * when its token says it shows any; costs nothing otherwise. Failures are logged. */
void pagecheck_shown(struct arena *a, const char *deps, const char *token);

#endif
