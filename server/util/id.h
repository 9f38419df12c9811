/* id.h - time-ordered 64-bit ids: milliseconds since the Unix epoch << 16 | a 16-bit sequence.
 *
 * PostgreSQL makes them (the parasol_id() column default, migrations/0001_foundation.sql) so
 * that any number of processes share one sequence; C only parses, formats and compares them.
 * They travel as decimal strings, as the Mastodon API expects. */
#ifndef PARASOL_ID_H
#define PARASOL_ID_H

#include <stdint.h>

#define ID_STRLEN 21 /* enough for any int64 in decimal, with the NUL */

/* Parses a decimal id (digits only, 1..19 of them, no sign or spaces, at most INT64_MAX,
 * PostgreSQL's bigint). Returns 0, or -1 for anything else. */
int id_parse(const char *s, int64_t *out);

/* Writes id in decimal into buf (at least ID_STRLEN bytes) and returns buf. */
char *id_format(int64_t id, char buf[ID_STRLEN]);

/* The smallest id that could have been made at ms milliseconds since the epoch (for
 * "posts since <time>" keys). */
int64_t id_from_time_ms(int64_t ms);

/* The creation time of an id, in milliseconds since the epoch. */
int64_t id_time_ms(int64_t id);

#endif
