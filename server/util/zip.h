/* zip.h - writing a zip archive to a file descriptor, one entry at a time (the member's
 * export, web/export.c). Small on purpose: regular files only, "stored" or deflate (zlib),
 * UTF-8 names, and the zip64 end records when an archive has 65,535 entries or more or its
 * central directory starts past 4 GiB; one entry may not pass 4 GiB. Entries are streamed:
 * an entry's size and CRC are written back into its header when it ends (the descriptor must
 * be a seekable file), so memory holds only a 64 KiB buffer and the list of names.
 *
 * Why not libarchive: one more library (and its dozen format parsers) in the server for the
 * one writer this needs; zlib is linked already. */
#ifndef PARASOL_ZIP_H
#define PARASOL_ZIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct err;
struct zipw;

/* A writer appending to fd (seekable, opened for writing, positioned at 0; not owned: the
 * caller closes it), whose entries carry mtime (local time of the archive's maker, as zip
 * stores it). malloc'd; free with zipw_free. Never NULL (allocation failure aborts). */
struct zipw *zipw_new(int fd, time_t mtime);

/* Frees the writer (not the descriptor). NULL is a no-op. */
void zipw_free(struct zipw *z);

/* Starts an entry named name (a relative path with '/' separators, no "..", at most 255
 * bytes), compressed with deflate when deflate is true. The entry before must have ended.
 * 0, or -1 + err (ERR_INTERNAL for a bad name or call; the write errors of zipw_write). */
int zipw_begin(struct zipw *z, const char *name, bool deflate, struct err *err);

/* Appends len bytes to the current entry. 0, or -1 + err: ERR_UNAVAILABLE when the disk is
 * full, ERR_TOO_LARGE past 4 GiB in one entry, ERR_INTERNAL for other write errors. */
int zipw_write(struct zipw *z, const void *data, size_t len, struct err *err);

/* Ends the current entry (its header gets its size and CRC). 0, or -1 + err. */
int zipw_end(struct zipw *z, struct err *err);

/* zipw_begin + zipw_write + zipw_end. */
int zipw_add(struct zipw *z, const char *name, const void *data, size_t len, bool deflate,
	     struct err *err);

/* Writes the central directory and the end records; nothing may be added after. The
 * archive's size in *size. 0, or -1 + err. */
int zipw_finish(struct zipw *z, uint64_t *size, struct err *err);

#endif
