/* log.h - one line per event on stderr: "2026-11-29T02:40:00Z level message".
 *
 * House rule: never pass IP addresses, user agents, cookies, tokens, passwords or post
 * contents to these functions. tests/http/test_logging.py checks the log for them. */
#ifndef PARASOL_LOG_H
#define PARASOL_LOG_H

#include <time.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR, LOG_CRIT, LOG__MAX };

/* Sets the lowest level printed (default LOG_INFO). */
void log_set_level(enum log_level level);

/* Parses "debug", "info", "warn", "error", "crit"; returns -1 for anything else. */
int log_level_parse(const char *s, enum log_level *out);

/* Writes one line; newlines and control characters in the message are replaced with spaces
 * so one event is always one line. A warning or error identical to one printed less than 30 s
 * before (same level, same message) is counted, not printed (debug and info lines, events
 * that tests and admins count, are always printed); once those 30 s are over, one line
 * "(repeated N times in S s) message" follows, at the next line logged or at exit.
 * Thread-safe. */
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints the summaries of the repeats still counted, and flushes stderr (also run at exit). */
void log_flush(void);

/* The clock log lines are stamped and repeats timed by (tests); NULL: time(). */
void log_set_clock(time_t (*now)(void));

#endif
