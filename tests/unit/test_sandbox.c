/* test_sandbox.c - the decoder's seccomp filter (media/sandbox.h) with libvips behind it, as
 * parasol-image runs them: once convert_init and sandbox_enter ran, every fixture format
 * (JPEG, PNG, WebP, GIF, HEIC) still converts, read from and answered on a socket as the
 * server speaks to parasol-image (media/imagewire.h), and a socket, an open of any file, an exec, a
 * fork or ptrace kill the process with SIGSYS. Each case runs in a child of its own, since a
 * filter can't be taken back; in the sanitizer build the children run under ASan and UBSan.
 *
 * "test_sandbox --probe CALL" is a decoder that breaks the filter instead of answering:
 * tests/http/test_media.py gives it to the server as image_program (the server itself never
 * starts parasol-image with arguments). */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vips/vips.h>

#include "media/convert.h"
#include "media/imagewire.h"
#include "media/sandbox.h"
#include "util/err.h"

#if defined(__SANITIZE_ADDRESS__)
/* As in parasol-image: LeakSanitizer's exit check uses ptrace, which the filter forbids. The
 * children leave with _exit, and the parent runs no filter, but the probe mode exits. */
int __lsan_is_turned_off(void);
int
__lsan_is_turned_off(void)
{
	return 1;
}
#endif

/* What parasol-image does before it reads an image. Exits 90 when it can't. */
static void
confine(void)
{
	struct err err = {0};
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || convert_init("test_sandbox", &err) != 0 ||
	    sandbox_enter(&err) != 0) {
		fprintf(stderr, "confine: %s\n", err.detail);
		_exit(90);
	}
}

/* Makes the call named; returns only when the filter let it through. */
static void
probe(const char *call)
{
	if (strcmp(call, "socket") == 0) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		(void)fd;
	} else if (strcmp(call, "open") == 0) {
		int fd = open("/etc/passwd", O_RDONLY);
		(void)fd;
	} else if (strcmp(call, "create") == 0) {
		int fd = open("/tmp/parasol-sandbox-probe", O_WRONLY | O_CREAT, 0600);
		(void)fd;
	} else if (strcmp(call, "execve") == 0) {
		char *argv[] = {"true", NULL}, *envp[] = {NULL};
		execve("/bin/true", argv, envp);
	} else if (strcmp(call, "fork") == 0) {
		pid_t pid = fork();
		if (pid == 0)
			_exit(0);
	} else if (strcmp(call, "ptrace") == 0) {
		ptrace(PTRACE_TRACEME, 0, NULL, NULL);
	} else if (strcmp(call, "warning") == 0) {
		/* as libvips warns of an odd GIF frame: glib's own writer would ask getpeername
		 * whether stderr is the journal (convert_init replaces it) */
		g_warning("a warning under the filter");
	} else if (strcmp(call, "none") != 0) {
		fprintf(stderr, "unknown probe %s\n", call);
		_exit(91);
	}
}

/* Runs fn in a child; its wait status. */
static int
in_child(void (*fn)(const void *), const void *arg)
{
	fflush(NULL);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	int status = 0;
	while (waitpid(pid, &status, 0) < 0)
		ck_assert_int_eq(errno, EINTR);
	return status;
}

static void
confine_and_probe(const void *call)
{
	confine();
	probe(call);
}

static void
assert_killed_by_filter(const char *call)
{
	int status = in_child(confine_and_probe, call);
	ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS,
		      "%s under the filter: status %#x, not killed by SIGSYS", call, status);
}

START_TEST(test_forbidden_calls_kill)
{
	static const char *const calls[] = {"socket", "open", "create", "execve", "fork",
					    "ptrace"};
	for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++)
		assert_killed_by_filter(calls[i]);
	ck_assert_int_ne(access("/tmp/parasol-sandbox-probe", F_OK), 0);
}
END_TEST

static void
probe_only(const void *call)
{
	probe(call);
}

START_TEST(test_same_calls_without_the_filter)
{
	/* without the filter the same calls return (what the test above sees is the filter,
	 * not a call that fails by itself), and a confined child that breaks no rule exits,
	 * even when libvips or glib log a warning */
	static const char *const calls[] = {"socket", "open", "ptrace"};
	for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
		int status = in_child(probe_only, calls[i]);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s: status %#x",
			      calls[i], status);
	}
	static const char *const harmless[] = {"none", "warning"};
	for (size_t i = 0; i < sizeof harmless / sizeof harmless[0]; i++) {
		int status = in_child(confine_and_probe, harmless[i]);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s: status %#x",
			      harmless[i], status);
	}
}
END_TEST

struct fixture {
	const char *name, *type;
	void *data;
	size_t len;
};

static struct fixture fixtures[] = {
    {"photo.jpg", "image/jpeg", NULL, 0}, {"alpha.png", "image/png", NULL, 0},
    {"photo.webp", "image/jpeg", NULL, 0}, {"photo.gif", "image/jpeg", NULL, 0},
    {"photo.heic", "image/jpeg", NULL, 0},
};
#define NFIXTURES (sizeof fixtures / sizeof fixtures[0])

static void
read_fixtures(void)
{
	const char *src = getenv("PARASOL_SRCDIR");
	for (size_t i = 0; i < NFIXTURES; i++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/tests/fixtures/images/%s", src ? src : ".",
			 fixtures[i].name);
		FILE *f = fopen(path, "rb");
		ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
		fixtures[i].data = malloc(1 << 22);
		ck_assert_ptr_nonnull(fixtures[i].data);
		fixtures[i].len = fread(fixtures[i].data, 1, 1 << 22, f);
		ck_assert_uint_gt(fixtures[i].len, 0);
		fclose(f);
	}
}

/* The child: parasol-image's steps on the socket fd (confined, then the request read, the
 * image converted and the answer sent), then _exit. */
static void
decode_child(int fd)
{
	confine();
	struct image_limits lim;
	void *data;
	size_t len;
	struct err err = {0};
	if (imagewire_read_request(fd, 1 << 24, &lim, &data, &len, &err) != 0)
		_exit(20);
	struct image_result out = {0};
	int rc = convert_image(data, len, &lim, &out, &err);
	free(data);
	if (imagewire_send_answer(fd, rc, &out, &err) != 0)
		_exit(21);
	image_result_free(&out);
	_exit(0);
}

START_TEST(test_every_format_converts_under_the_filter)
{
	read_fixtures();
	struct image_limits lim = {.max_bytes = 1 << 22, .max_pixels = 40000000,
				   .max_side = 4096, .thumb_side = 640};
	for (size_t i = 0; i < NFIXTURES; i++) {
		int sv[2];
		ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
		fflush(NULL);
		pid_t pid = fork();
		ck_assert_int_ge(pid, 0);
		if (pid == 0) {
			close(sv[0]);
			decode_child(sv[1]);
		}
		close(sv[1]);
		struct err err = {0};
		struct image_result out;
		int sent = imagewire_send_request(sv[0], &lim, fixtures[i].data, fixtures[i].len,
						  &err);
		int rc = sent == 0 ? imagewire_read_answer(sv[0], 1 << 26, &out, &err) : -1;
		close(sv[0]);
		int status = 0;
		while (waitpid(pid, &status, 0) < 0)
			ck_assert_int_eq(errno, EINTR);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			      "%s under the filter: status %#x (a signal: the filter refused a call "
			      "the decoder needs)",
			      fixtures[i].name, status);
		ck_assert_msg(rc == 0, "%s: %s", fixtures[i].name, err.detail);
		ck_assert_str_eq(out.full.media_type, fixtures[i].type);
		ck_assert(out.full.len > 0 && out.thumb.len > 0 && out.full.width > 0);
		ck_assert(out.blurhash[0] != '\0');
		image_result_free(&out);
		free(fixtures[i].data);
	}
}
END_TEST

static Suite *
sandbox_suite(void)
{
	Suite *s = suite_create("sandbox");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_forbidden_calls_kill);
	tcase_add_test(tc, test_same_calls_without_the_filter);
	tcase_add_test(tc, test_every_format_converts_under_the_filter);
	suite_add_tcase(s, tc);
	return s;
}

int
main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--probe") == 0) {
		confine();
		probe(argv[2]);
		return 0;
	}
	SRunner *sr = srunner_create(sandbox_suite());
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
