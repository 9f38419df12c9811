/* id.c - decimal ids. */
#include "id.h"

#include <stdio.h>

int
id_parse(const char *s, int64_t *out)
{
	if (s == NULL || *s == '\0')
		return -1;
	uint64_t v = 0;
	int digits = 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || ++digits > 19)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (v > (uint64_t)INT64_MAX)
		return -1;
	*out = (int64_t)v;
	return 0;
}

char *
id_format(int64_t id, char buf[ID_STRLEN])
{
	snprintf(buf, ID_STRLEN, "%lld", (long long)id);
	return buf;
}

int64_t
id_from_time_ms(int64_t ms)
{
	if (ms < 0)
		ms = 0;
	if (ms > (INT64_MAX >> 16))
		ms = INT64_MAX >> 16;
	return ms << 16;
}

int64_t
id_time_ms(int64_t id)
{
	return id >> 16;
}
