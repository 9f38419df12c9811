/* timefmt.h - how pages show a moment: "just now", "N min ago" or "N h ago" within the last
 * day, else the date and time ("2026-12-05 18:20") at the reader's UTC offset. Pure functions:
 * the caller passes the current time (one per request, so a page agrees with itself, and tests
 * choose it) and the offset (core/timezone.h looks it up). */
#ifndef PARASOL_TIMEFMT_H
#define PARASOL_TIMEFMT_H

#include <stdint.h>

enum timefmt_kind {
	TIMEFMT_JUST_NOW, /* under a minute ago */
	TIMEFMT_MINUTES,  /* n minutes ago, 1..59 */
	TIMEFMT_HOURS,	  /* n hours ago, 1..23 */
	TIMEFMT_ABSOLUTE, /* a day ago or more, or in the future: the date and time */
};

#define TIMEFMT_ABS_LEN 64 /* room for "YYYY-MM-DD HH:MM" (any int fields, for the compiler) */

/* Reads "YYYY-MM-DDTHH:MM:SSZ" (or "YYYY-MM-DD HH:MM", UTC) into Unix seconds. 0, or -1 when
 * it is neither. */
int timefmt_parse(const char *iso, int64_t *out);

/* How to show moment t read at now: the kind and, for minutes and hours, *n. */
enum timefmt_kind timefmt_relative(int64_t t, int64_t now, int *n);

/* The date and time of t at offset seconds east of UTC, as "YYYY-MM-DD HH:MM". */
void timefmt_absolute(int64_t t, int offset, char out[TIMEFMT_ABS_LEN]);

#endif
