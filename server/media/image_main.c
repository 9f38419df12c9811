/* image_main.c - the parasol-image program: reads one image request on its standard input
 * (a socket the server holds the other end of), converts it with libvips (media/convert.c)
 * and writes the answer back (media/imagewire.h), then exits. The server starts one per image
 * (media/image.c); it is not meant to be run by hand. Before reading anything it limits its
 * CPU time and forbids core dumps, so a member's pixels never reach the disk that way. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "media/convert.h"
#include "media/imagewire.h"
#include "util/err.h"

/* Whatever the request says, no more than this is read. */
#define HARD_MAX_BYTES ((size_t)1 << 30)

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
	struct image_limits lim;
	void *data;
	size_t len;
	if (imagewire_read_request(0, HARD_MAX_BYTES, &lim, &data, &len, &err) != 0)
		return 2;
	struct image_result out = {0};
	int rc = convert_init(argv[0], &err);
	if (rc == 0)
		rc = convert_image(data, len, &lim, &out, &err);
	free(data);
	int sent = imagewire_send_answer(1, rc, &out, &err);
	image_result_free(&out);
	return sent == 0 ? 0 : 3;
}
