/* image_main.c - the parasol-image program: reads one image request on its standard input
 * (a socket the server holds the other end of), converts it with libvips (media/convert.c)
 * and writes the answer back (media/imagewire.h), then exits. The server starts one per image
 * (media/image.c); it is not meant to be run by hand. Before reading anything it limits its
 * CPU time, forbids core dumps (so a member's pixels never reach the disk that way), starts
 * libvips and installs its seccomp filter (media/sandbox.h): the bytes of the image are only
 * ever seen by a process that can open nothing, connect nowhere and run nothing else. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "media/convert.h"
#include "media/imagewire.h"
#include "media/sandbox.h"
#include "util/err.h"

/* Whatever the request says, no more than this is read. */
#define HARD_MAX_BYTES ((size_t)1 << 30)

#if defined(__SANITIZE_ADDRESS__)
/* In a sanitizer build, LeakSanitizer's check at exit would stop the threads with ptrace,
 * which the filter forbids (the process would die of SIGSYS after answering): it is off
 * here. The program's stderr is /dev/null, so no report of it was ever read anyway. */
int __lsan_is_turned_off(void);
int
__lsan_is_turned_off(void)
{
	return 1;
}
#endif

int
main(int argc, char **argv)
{
	(void)argc;
	struct rlimit cpu = {IMAGE_SECONDS, IMAGE_SECONDS + 1}, core = {0, 0};
	if (setrlimit(RLIMIT_CPU, &cpu) != 0 || setrlimit(RLIMIT_CORE, &core) != 0 ||
	    prctl(PR_SET_DUMPABLE, 0) != 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return 2;
	if (isatty(0)) {
		fprintf(stderr, "parasol-image is started by the parasol server, one image at a "
				"time; it is not meant to be run by hand.\n");
		return 2;
	}
	struct err err = {0};
	/* libvips opens what it needs (its modules) while it starts: before the filter. */
	int rc = convert_init(argv[0], &err);
	if (rc == 0)
		rc = sandbox_enter(&err);
	struct image_limits lim;
	void *data;
	size_t len;
	if (imagewire_read_request(0, HARD_MAX_BYTES, &lim, &data, &len, &err) != 0)
		return 2;
	struct image_result out = {0};
	if (rc == 0) /* never decoded outside the filter */
		rc = convert_image(data, len, &lim, &out, &err);
	free(data);
	int sent = imagewire_send_answer(1, rc, &out, &err);
	image_result_free(&out);
	return sent == 0 ? 0 : 3;
}
