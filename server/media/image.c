/* image.c - the server's side of the image pipeline: checks, then one parasol-image process
 * per image; see image.h. */
#include "image.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "media/imagewire.h"
#include "util/err.h"
#include "util/i18n.h"

#ifndef PARASOL_LIBEXECDIR
#define PARASOL_LIBEXECDIR "/usr/local/libexec/parasol"
#endif

const char image_damaged_msg[] =
    N_("The image could not be read: the file is damaged or cut short. Please try another copy.");

static char program[PATH_MAX];

static pthread_mutex_t slots_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t slots_free = PTHREAD_COND_INITIALIZER;
static int slots_used, slots_waiting;

/* The parasol-image beside the running executable into buf, if there is one there. */
static bool
beside_self(char *buf, size_t size)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n <= 0)
		return false;
	self[n] = '\0';
	int w = snprintf(buf, size, "%s/parasol-image", dirname(self));
	return w > 0 && (size_t)w < size && access(buf, X_OK) == 0;
}

int
image_init(const char *prog, struct err *err)
{
	int w = 0;
	if (prog != NULL && prog[0] != '\0')
		w = snprintf(program, sizeof program, "%s", prog);
	else if (!beside_self(program, sizeof program))
		w = snprintf(program, sizeof program, "%s/parasol-image", PARASOL_LIBEXECDIR);
	if (w < 0 || (size_t)w >= sizeof program)
		return err_set(err, ERR_INTERNAL, NULL, "image_program: the path is too long");
	if (access(program, X_OK) != 0)
		return err_set(err, ERR_INTERNAL, NULL, "image_program %s can't be run: %s", program,
			       strerror(errno));
	return 0;
}

int
image_precheck(const void *data, size_t len, const struct image_limits *lim,
	       struct img_head *head, struct err *err)
{
	if (len > lim->max_bytes)
		return err_set(err, ERR_TOO_LARGE,
			       N_("The image is too large a file. Please send a smaller one."),
			       "image of %zu bytes", len);
	if (imghead_read(data, len, head) != 0) {
		if (head->format == IMG_UNKNOWN)
			return err_set(err, ERR_UNPROCESSABLE,
				       N_("This file is not an image parasol can read. Please send a "
					  "JPEG, PNG, WebP, GIF or HEIC image."),
				       "not an image format we read");
		return err_set(err, ERR_UNPROCESSABLE, image_damaged_msg, "bad %s header",
			       imghead_format_name(head->format));
	}
	if (head->width > 0 && head->height > 0 && head->width * head->height > lim->max_pixels)
		return err_set(err, ERR_UNPROCESSABLE,
			       N_("The image has too many pixels. Please send a smaller one."),
			       "%s header declares %ldx%ld", imghead_format_name(head->format),
			       head->width, head->height);
	return 0;
}

/* Takes one of the IMAGE_CONCURRENCY slots, waiting for one only when fewer than
 * IMAGE_WAITERS requests wait already. 0, or -1 + err (ERR_UNAVAILABLE) at once. */
static int
slot_take(struct err *err)
{
	pthread_mutex_lock(&slots_lock);
	if (slots_used >= IMAGE_CONCURRENCY && slots_waiting >= IMAGE_WAITERS) {
		pthread_mutex_unlock(&slots_lock);
		return err_set(err, ERR_UNAVAILABLE,
			       N_("Too many images are being prepared right now. Please try again "
				  "in a minute."),
			       "image refused: %d being decoded and %d waiting", IMAGE_CONCURRENCY,
			       IMAGE_WAITERS);
	}
	slots_waiting++;
	while (slots_used >= IMAGE_CONCURRENCY)
		pthread_cond_wait(&slots_free, &slots_lock);
	slots_waiting--;
	slots_used++;
	pthread_mutex_unlock(&slots_lock);
	return 0;
}

static void
slot_give(void)
{
	pthread_mutex_lock(&slots_lock);
	slots_used--;
	pthread_cond_signal(&slots_free);
	pthread_mutex_unlock(&slots_lock);
}

/* The program's environment: empty but for the sanitizers' options of a test build. */
static void
child_env(char **envp, size_t max)
{
	static const char *const keep[] = {"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"};
	size_t n = 0;
	for (size_t i = 0; i < sizeof keep / sizeof keep[0] && n + 1 < max; i++)
		for (char **e = environ; *e != NULL; e++)
			if (strncmp(*e, keep[i], strlen(keep[i])) == 0 && (*e)[strlen(keep[i])] == '=')
				envp[n++] = *e;
	envp[n] = NULL;
}

/* Starts the program with one end of a socket pair as its stdin and stdout, stderr on
 * /dev/null, no other descriptor, default signal handling. *pid, *fd (our end). */
static int
spawn(pid_t *pid, int *fd, struct err *err)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		return err_set(err, ERR_INTERNAL, NULL, "socketpair: %s", strerror(errno));
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, sv[1], 0);
	posix_spawn_file_actions_adddup2(&fa, sv[1], 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	posix_spawnattr_init(&at);
	sigset_t none, defaults;
	sigemptyset(&none);
	sigfillset(&defaults);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &defaults);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	char *argv[] = {"parasol-image", NULL};
	char *envp[4];
	child_env(envp, sizeof envp / sizeof envp[0]);
	int rc = posix_spawn(pid, program, &fa, &at, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	close(sv[1]);
	if (rc != 0) {
		close(sv[0]);
		return err_set(err, ERR_INTERNAL, NULL, "could not start %s: %s", program,
			       strerror(rc));
	}
	/* The program's CPU limit stops a decoder that spins; this stops one that waits. */
	struct timeval tv = {.tv_sec = 2 * IMAGE_SECONDS};
	setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(sv[0], SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	*fd = sv[0];
	return 0;
}

/* Waits for pid; when rc says the answer didn't come, kills it first and puts what became of
 * it in err's detail. Returns rc. */
static int
reap(pid_t pid, int rc, struct err *err)
{
	if (rc != 0)
		kill(pid, SIGKILL);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (rc != 0 && err->code == ERR_INTERNAL) {
		char was[sizeof err->detail];
		memcpy(was, err->detail, sizeof was);
		if (WIFSIGNALED(status) && WTERMSIG(status) != SIGKILL)
			err_set(err, ERR_INTERNAL, NULL, "%.400s (parasol-image died of signal %d)", was,
				WTERMSIG(status));
		else if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
			err_set(err, ERR_INTERNAL, NULL, "%.400s (parasol-image exited with %d)", was,
				WEXITSTATUS(status));
	}
	return rc;
}

int
image_process(const void *data, size_t len, const struct image_limits *lim,
	      struct image_result *out, struct err *err)
{
	memset(out, 0, sizeof *out);
	struct img_head head;
	if (image_precheck(data, len, lim, &head, err) != 0)
		return -1;
	if (program[0] == '\0')
		return err_set(err, ERR_INTERNAL, NULL, "image_init was not called");
	if (slot_take(err) != 0)
		return -1;
	pid_t pid;
	int fd, rc = spawn(&pid, &fd, err);
	if (rc == 0) {
		/* An encoded file is never larger than its pixels plus its format's overhead. */
		size_t most = (size_t)lim->max_side * (size_t)lim->max_side * 4 + (1u << 20);
		rc = imagewire_send_request(fd, lim, data, len, err);
		if (rc == 0)
			rc = imagewire_read_answer(fd, most, out, err);
		close(fd);
		rc = reap(pid, rc, err);
	}
	slot_give();
	return rc;
}

void
image_result_free(struct image_result *out)
{
	free(out->full.data);
	free(out->thumb.data);
	memset(out, 0, sizeof *out);
}
