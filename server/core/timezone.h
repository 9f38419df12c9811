/* timezone.h - members' time zones: a name from the system's tz database ("Asia/Shanghai"),
 * chosen in Settings, else the node's (an admin setting, UTC unless changed). Offsets come
 * from PostgreSQL, which reads that database; a request keeps the ones it asked for. */
#ifndef PARASOL_TIMEZONE_H
#define PARASOL_TIMEZONE_H

#include <stdbool.h>
#include <stdint.h>

struct arena;
struct err;

#define TZ_NAME_MAX 64

/* Checks a zone name: ERR_UNPROCESSABLE unless the tz database knows it. 0 or -1 + err. */
int tz_check(struct arena *a, const char *name, struct err *err);

/* The offsets one request has looked up, per zone and day; starts zeroed. */
struct tz_cache {
	const char *zone;
	struct tz_day {
		int64_t day; /* Unix time / 86400 */
		int offset;  /* seconds east of UTC, for the whole day */
		bool mixed;  /* the offset changes during that day: ask per instant */
	} days[16];
	int ndays;
};

/* The UTC offset (seconds east) of zone at Unix time t; "UTC" (or NULL) is 0 without asking.
 * On a database error the offset is 0 (the time shows in UTC) and -1 + err is returned. */
int tz_offset(struct arena *a, struct tz_cache *cache, const char *zone, int64_t t, int *out,
	      struct err *err);

#endif
