/* clock.h - the time the server's timed rules go by (two-factor codes, posts that expire). */
#ifndef PARASOL_UTIL_CLOCK_H
#define PARASOL_UTIL_CLOCK_H

#include <stdint.h>

/* The current Unix time, in seconds. For tests only: with PARASOL_TEST_CLOCK_FILE naming a
 * file, the Unix time written in it (read on every call, so a test moves the clock by
 * rewriting the file; an unreadable file falls back to the real clock). */
int64_t clock_now(void);

#endif
