/* fileio.h - reading whole files, for configuration, templates, migrations and static files. */
#ifndef PARASOL_FILEIO_H
#define PARASOL_FILEIO_H

#include <stddef.h>

struct err;

/* Reads the whole file at path into a malloc'd NUL-terminated buffer (caller frees) and sets
 * *len. Fails with ERR_NOT_FOUND or ERR_INTERNAL (detail names the path) and returns NULL.
 * Files larger than max_size fail with ERR_TOO_LARGE. */
char *fileio_read(const char *path, size_t max_size, size_t *len, struct err *err);

/* Lists the names of regular files in dir ending in suffix, sorted bytewise, as a malloc'd
 * NULL-terminated array of malloc'd strings; free with fileio_list_free. NULL + err on failure. */
char **fileio_list(const char *dir, const char *suffix, struct err *err);
void fileio_list_free(char **names);

#endif
