/* store.c - files of the media directory. */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/arena.h"
#include "util/err.h"
#include "util/token.h"

#define NAME_RANDOM_LEN 43 /* base64url of 32 bytes */

static int
mkdirs(const char *dir)
{
	char path[4096];
	if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path)
		return -1;
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0750) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(path, 0750) != 0 && errno != EEXIST ? -1 : 0;
}

int
store_init(const char *dir, struct err *err)
{
	struct stat st;
	if (dir == NULL || *dir == '\0')
		return err_set(err, ERR_INTERNAL, NULL, "media_dir is empty");
	if (mkdirs(dir) != 0 || stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return err_set(err, ERR_INTERNAL, NULL, "media_dir %s: %s", dir, strerror(errno));
	if (access(dir, W_OK | X_OK) != 0)
		return err_set(err, ERR_INTERNAL, NULL, "media_dir %s is not writable", dir);
	return 0;
}

char *
store_new_name(struct arena *a, const char *ext, struct err *err)
{
	char *r = token_random(a, 32, err);
	return r ? arena_printf(a, "%s.%s", r, ext) : NULL;
}

bool
store_name_valid(const char *name)
{
	size_t i = 0;
	for (; name[i] != '\0' && name[i] != '.'; i++) {
		char c = name[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return false;
	}
	return i == NAME_RANDOM_LEN && store_media_type(name) != NULL;
}

const char *
store_media_type(const char *name)
{
	const char *dot = strchr(name, '.');
	if (dot == NULL)
		return NULL;
	if (strcmp(dot, ".jpg") == 0)
		return "image/jpeg";
	if (strcmp(dot, ".png") == 0)
		return "image/png";
	return NULL;
}

static int
write_failed(struct err *err, int e, const char *what)
{
	if (e == ENOSPC || e == EDQUOT || e == EFBIG)
		return err_set(err, ERR_UNAVAILABLE,
			       "The server has no room to store this image right now. Please try "
			       "again later, and tell the admins.",
			       "media %s: %s", what, strerror(e));
	return err_set(err, ERR_INTERNAL, "The image could not be stored. Please try again.",
		       "media %s: %s", what, strerror(e));
}

int
store_write(const char *dir, const char *name, const void *data, size_t len, struct err *err)
{
	char tmp[4096], final[4096];
	if (snprintf(final, sizeof final, "%s/%s", dir, name) >= (int)sizeof final ||
	    snprintf(tmp, sizeof tmp, "%s/.tmp-%s", dir, name) >= (int)sizeof tmp)
		return err_set(err, ERR_INTERNAL, NULL, "media path too long");
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	if (fd < 0)
		return write_failed(err, errno, "open");
	const char *p = data;
	size_t left = len;
	int e = 0;
	const char *what = "write";
	while (left > 0) {
		ssize_t n = write(fd, p, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			e = n < 0 ? errno : ENOSPC;
			break;
		}
		p += n;
		left -= (size_t)n;
	}
	if (e == 0 && fsync(fd) != 0)
		e = errno, what = "fsync";
	if (close(fd) != 0 && e == 0)
		e = errno, what = "close";
	if (e == 0 && rename(tmp, final) != 0)
		e = errno, what = "rename";
	if (e != 0) {
		unlink(tmp);
		return write_failed(err, e, what);
	}
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) { /* the rename itself survives a crash */
		fsync(dfd);
		close(dfd);
	}
	return 0;
}

int
store_remove(const char *dir, const char *name, struct err *err)
{
	char path[4096];
	if (!store_name_valid(name))
		return err_set(err, ERR_INTERNAL, NULL, "not a media file name");
	if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
		return err_set(err, ERR_INTERNAL, NULL, "media path too long");
	if (unlink(path) != 0 && errno != ENOENT)
		return err_set(err, ERR_INTERNAL, NULL, "media unlink: %s", strerror(errno));
	return 0;
}
