/* fuzz_config.c - the configuration file parser: whatever the file holds, it is read or
 * refused with a message naming the line, and nothing leaks. */
#include "fuzz.h"

#include "config.h"
#include "util/err.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size);
	struct config cfg;
	config_defaults(&cfg);
	struct err err = {0};
	if (config_parse(&cfg, text, "fuzz.conf", &err) != 0)
		FUZZ_ASSERT(err.code != ERR_NONE, "a refused file without a reason");
	config_free(&cfg);
	free(text);
	return 0;
}
