/* timezone.c - zone names and offsets. */
#include "timezone.h"

#include <string.h>

#include "db/timezone.h"
#include "util/err.h"

int
tz_check(struct arena *a, const char *name, struct err *err)
{
	size_t n = name ? strlen(name) : 0;
	/* the shape the accounts table accepts, before asking the database */
	bool shape = n > 0 && n <= TZ_NAME_MAX && name[0] != '/' && name[n - 1] != '/' &&
		     strstr(name, "//") == NULL &&
		     strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				  "0123456789_+-/") == n;
	int known = shape ? db_time_zone_known(a, name, err) : 0;
	if (known < 0)
		return -1;
	if (!known)
		return err_set(err, ERR_UNPROCESSABLE,
			       "Unknown time zone. Write it as a region and a city, such as "
			       "Asia/Shanghai or America/New_York.",
			       "unknown time zone");
	return 0;
}

static bool
is_utc(const char *zone)
{
	return zone == NULL || *zone == '\0' || strcmp(zone, "UTC") == 0 ||
	       strcmp(zone, "Etc/UTC") == 0;
}

int
tz_offset(struct arena *a, struct tz_cache *cache, const char *zone, int64_t t, int *out,
	  struct err *err)
{
	*out = 0;
	if (is_utc(zone))
		return 0;
	if (cache->zone == NULL || strcmp(cache->zone, zone) != 0) {
		memset(cache, 0, sizeof *cache);
		cache->zone = zone;
	}
	int64_t day = t >= 0 ? t / 86400 : (t - 86399) / 86400;
	for (int i = 0; i < cache->ndays; i++) {
		if (cache->days[i].day != day)
			continue;
		if (!cache->days[i].mixed) {
			*out = cache->days[i].offset;
			return 0;
		}
		int ignored;
		return db_time_zone_offsets(a, zone, t, t, out, &ignored, err);
	}
	/* A day whose start and end have one offset has it throughout (zones change at most
	 * once a day); one with a change is asked about per instant. */
	int start, end;
	if (db_time_zone_offsets(a, zone, day * 86400, day * 86400 + 86399, &start, &end, err) !=
	    0)
		return -1;
	if (cache->ndays < (int)(sizeof cache->days / sizeof cache->days[0]))
		cache->days[cache->ndays++] =
		    (struct tz_day){.day = day, .offset = start, .mixed = start != end};
	if (start == end) {
		*out = start;
		return 0;
	}
	int ignored;
	return db_time_zone_offsets(a, zone, t, t, out, &ignored, err);
}
