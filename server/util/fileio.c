/* fileio.c - whole-file reads and sorted directory listings. */
#include "fileio.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "err.h"

char *
fileio_read(const char *path, size_t max_size, size_t *len, struct err *err)
{
	char *buf = NULL;
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		err_set(err, errno == ENOENT ? ERR_NOT_FOUND : ERR_INTERNAL, NULL, "%s: %s", path,
			strerror(errno));
		return NULL;
	}
	struct stat st;
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
		err_set(err, ERR_INTERNAL, NULL, "%s: not a regular file", path);
		goto fail;
	}
	if ((size_t)st.st_size > max_size) {
		err_set(err, ERR_TOO_LARGE, NULL, "%s: larger than %zu bytes", path, max_size);
		goto fail;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (buf == NULL) {
		err_set(err, ERR_INTERNAL, NULL, "%s: out of memory", path);
		goto fail;
	}
	size_t n = fread(buf, 1, (size_t)st.st_size, f);
	if (ferror(f)) {
		err_set(err, ERR_INTERNAL, NULL, "%s: read error", path);
		goto fail;
	}
	buf[n] = '\0';
	*len = n;
	fclose(f);
	return buf;
fail:
	free(buf);
	fclose(f);
	return NULL;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **
fileio_list(const char *dir, const char *suffix, struct err *err)
{
	DIR *d = opendir(dir);
	if (d == NULL) {
		err_set(err, errno == ENOENT ? ERR_NOT_FOUND : ERR_INTERNAL, NULL, "%s: %s", dir,
			strerror(errno));
		return NULL;
	}
	size_t n = 0, cap = 16, slen = strlen(suffix);
	char **names = calloc(cap + 1, sizeof *names);
	if (names == NULL)
		goto oom;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len <= slen || strcmp(de->d_name + len - slen, suffix))
			continue;
		if (n == cap) {
			char **nn = realloc(names, (cap * 2 + 1) * sizeof *names);
			if (nn == NULL)
				goto oom;
			names = nn;
			cap *= 2;
		}
		if ((names[n] = strdup(de->d_name)) == NULL)
			goto oom;
		names[++n] = NULL;
	}
	closedir(d);
	qsort(names, n, sizeof *names, cmp_names);
	return names;
oom:
	closedir(d);
	fileio_list_free(names);
	err_set(err, ERR_INTERNAL, NULL, "%s: out of memory", dir);
	return NULL;
}

void
fileio_list_free(char **names)
{
	if (names == NULL)
		return;
	for (char **p = names; *p != NULL; p++)
		free(*p);
	free(names);
}
