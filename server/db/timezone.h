/* timezone.h - SQL for time zones: PostgreSQL reads the system's tz database (Debian builds it
 * with --with-system-tzdata), so the server asks it rather than changing the process's TZ. */
#ifndef PARASOL_DB_TIMEZONE_H
#define PARASOL_DB_TIMEZONE_H

#include <stdint.h>

struct arena;
struct err;

/* Whether name is a zone of the tz database (pg_timezone_names, abbreviations excluded):
 * 1, 0, or -1 + err. */
int db_time_zone_known(struct arena *a, const char *name, struct err *err);

/* The UTC offsets (seconds east) of zone at the Unix times t1 and t2. 0 or -1 + err. */
int db_time_zone_offsets(struct arena *a, const char *zone, int64_t t1, int64_t t2,
			 int *off1, int *off2, struct err *err);

#endif
