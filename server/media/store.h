/* store.h - image files in the media directory (config media_dir): random names, atomic
 * writes, removal. One flat directory that several processes (or machines, on a shared
 * mount) may use at once. */
#ifndef PARASOL_MEDIA_STORE_H
#define PARASOL_MEDIA_STORE_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct err;

/* Makes dir (and its parents) when missing and checks that it is a writable directory.
 * 0 or -1 + err (ERR_INTERNAL naming the path). */
int store_init(const char *dir, struct err *err);

/* A fresh unguessable file name, 32 random bytes as base64url + "." + ext ("jpg", "png"),
 * owned by the arena. NULL + ERR_INTERNAL when the CSPRNG fails. */
char *store_new_name(struct arena *a, const char *ext, struct err *err);

/* Whether name is one store_new_name could have made (so it is safe as a path part). */
bool store_name_valid(const char *name);

/* Writes len bytes as dir/name so that readers see the whole file or none: a temporary file
 * in dir, written, fsync'd, renamed over name, then the directory fsync'd. On any failure
 * the temporary file is removed and nothing is left; ERR_UNAVAILABLE ("no room") when the
 * disk or quota is full, ERR_INTERNAL otherwise. */
int store_write(const char *dir, const char *name, const void *data, size_t len,
		struct err *err);

/* Removes dir/name; a name already gone is not an error. 0 or -1 + err. */
int store_remove(const char *dir, const char *name, struct err *err);

/* "image/jpeg" or "image/png" for a valid name's extension, else NULL. */
const char *store_media_type(const char *name);

#endif
