/* timefmt.c - relative and absolute times. */
#include "timefmt.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int
digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int
timefmt_parse(const char *iso, int64_t *out)
{
	size_t len = iso ? strlen(iso) : 0;
	bool full = len == 20 && iso[10] == 'T' && iso[16] == ':' && iso[19] == 'Z';
	bool minutes = len == 16 && iso[10] == ' ';
	if ((!full && !minutes) || iso[4] != '-' || iso[7] != '-' || iso[13] != ':')
		return -1;
	struct tm tm = {0};
	int y = digits(iso, 4), mo = digits(iso + 5, 2), d = digits(iso + 8, 2);
	int h = digits(iso + 11, 2), mi = digits(iso + 14, 2), s = full ? digits(iso + 17, 2) : 0;
	if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 ||
	    mi > 59 || s < 0 || s > 60)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	*out = (int64_t)timegm(&tm);
	return 0;
}

enum timefmt_kind
timefmt_relative(int64_t t, int64_t now, int *n)
{
	int64_t ago = now - t;
	*n = 0;
	if (ago < 0 || ago >= 86400)
		return TIMEFMT_ABSOLUTE;
	if (ago < 60)
		return TIMEFMT_JUST_NOW;
	if (ago < 3600) {
		*n = (int)(ago / 60);
		return TIMEFMT_MINUTES;
	}
	*n = (int)(ago / 3600);
	return TIMEFMT_HOURS;
}

void
timefmt_absolute(int64_t t, int offset, char out[TIMEFMT_ABS_LEN])
{
	time_t local = (time_t)(t + offset);
	struct tm tm;
	if (gmtime_r(&local, &tm) == NULL) {
		snprintf(out, TIMEFMT_ABS_LEN, "?");
		return;
	}
	snprintf(out, TIMEFMT_ABS_LEN, "%04d-%02d-%02d %02d:%02d", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
}
