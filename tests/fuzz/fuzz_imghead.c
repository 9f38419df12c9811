/* fuzz_imghead.c - image headers (util/imghead.c), the first code an upload's bytes meet:
 * whatever they hold, the reader never reads past them, and what it accepts is a known
 * format with a positive size (or HEIF, whose size only its decoder's header says). */
#include "fuzz.h"

#include "util/imghead.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a copy of exactly size bytes, so that ASan sees any read past the end */
	unsigned char *copy = malloc(size ? size : 1);
	if (size)
		memcpy(copy, data, size);
	struct img_head h;
	if (imghead_read(copy, size, &h) == 0) {
		FUZZ_ASSERT(h.format > IMG_UNKNOWN && h.format < IMG__MAX, "an accepted unknown format");
		if (h.format != IMG_HEIF)
			FUZZ_ASSERT(h.width > 0 && h.height > 0, "an accepted image without a size");
	}
	free(copy);
	return 0;
}
