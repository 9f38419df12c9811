/* clock.c - see clock.h. */
#include "util/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int64_t
clock_now(void)
{
	const char *path = getenv("PARASOL_TEST_CLOCK_FILE");
	if (path != NULL && *path != '\0') {
		FILE *f = fopen(path, "r");
		long long t;
		int ok = f != NULL && fscanf(f, "%lld", &t) == 1;
		if (f != NULL)
			fclose(f);
		if (ok)
			return (int64_t)t;
	}
	return (int64_t)time(NULL);
}
