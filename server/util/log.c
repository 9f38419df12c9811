/* log.c - formatted one-line events on stderr. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static enum log_level min_level = LOG_INFO;
static const char *const level_names[LOG__MAX] = {"debug", "info", "warn", "error", "crit"};

void
log_set_level(enum log_level level)
{
	min_level = level;
}

int
log_level_parse(const char *s, enum log_level *out)
{
	for (int i = 0; i < LOG__MAX; i++) {
		if (strcmp(s, level_names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return -1;
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
	if (level < min_level || level >= LOG__MAX)
		return;
	char line[1024];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	size_t n = strftime(line, sizeof line, "%Y-%m-%dT%H:%M:%SZ ", &tm);
	n += (size_t)snprintf(line + n, sizeof line - n, "%s ", level_names[level]);
	va_list ap;
	va_start(ap, fmt);
	int m = vsnprintf(line + n, sizeof line - n, fmt, ap);
	va_end(ap);
	size_t end = m < 0 ? n : (n + (size_t)m >= sizeof line - 1 ? sizeof line - 2 : n + (size_t)m);
	for (size_t i = n; i < end; i++)
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
			line[i] = ' ';
	line[end] = '\n';
	fwrite(line, 1, end + 1, stderr); /* one write per line; stdio locks the stream */
}
