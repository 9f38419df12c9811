/* archive.h - a member's export (issue 12, "leaving"): one zip of everything they own,
 * built on demand into a file the caller gives and keeps nowhere else.
 *
 *   actor.json              the profile, as the Person document peers get
 *   outbox.json             every post of theirs (every visibility, edited ones as they read
 *                           now) as a Create of its Note, newest first, in an
 *                           OrderedCollection; members-only posts have empty to/cc
 *   media/NAME              each image of those posts, the picture and the header, named as
 *                           in the documents' urls (BASE/media/NAME)
 *   following.json, followers.json, bookmarks.json
 *                           OrderedCollections of actor and post ids
 *   following_accounts.csv, blocked_accounts.csv, muted_accounts.csv, bookmarks.csv
 *                           the files Mastodon's import reads, in its columns
 *
 * Everything is read in one snapshot of the database (the files, at that moment) and in
 * pages of a scratch arena each, so an account of 10,000 posts needs no more memory than one
 * of 100. */
#ifndef PARASOL_AP_ARCHIVE_H
#define PARASOL_AP_ARCHIVE_H

#include <stdint.h>

#include "db/model.h"

struct arena;
struct err;

/* Writes member's archive into fd (a new, empty, seekable file; the caller closes it) and
 * its size into *size. Must not be called inside a transaction. 0, or -1 + err (the file
 * then holds a partial archive the caller throws away). */
int ap_archive_write(struct arena *a, const struct account *member, int fd, uint64_t *size,
		     struct err *err);

#endif
