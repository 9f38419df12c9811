/* log.c - formatted one-line events on stderr. */
#include "log.h"

#include <ctype.h>
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

static int
is_hex(char c)
{
	return isxdigit((unsigned char)c);
}

/* Whether s[0..n) looks like an IPv4 address: four groups of 1-3 digits. */
static int
looks_ipv4(const char *s, size_t n)
{
	int groups = 0, digits = 0;
	for (size_t i = 0; i < n; i++) {
		if (isdigit((unsigned char)s[i])) {
			if (++digits > 3)
				return 0;
		} else if (s[i] == '.' && digits > 0) {
			groups++;
			digits = 0;
		} else {
			return 0;
		}
	}
	return groups == 3 && digits > 0;
}

/* Whether s[0..n) looks like an IPv6 address: hex groups with "::" or at least five colons. */
static int
looks_ipv6(const char *s, size_t n)
{
	int colons = 0;
	for (size_t i = 0; i < n; i++)
		colons += s[i] == ':';
	return colons >= 2 && (memmem(s, n, "::", 2) != NULL || colons >= 5);
}

/* Replaces anything shaped like an IP address in msg with "[address]": the house rule is
 * that logs never hold an address, and this holds it even when a library's message (libpq
 * naming its server, say) would carry one. Writes into out (size outsz). */
static size_t
scrub_addresses(const char *msg, size_t n, char *out, size_t outsz)
{
	size_t o = 0;
	for (size_t i = 0; i < n && o + 1 < outsz;) {
		size_t j = i;
		int boundary = i == 0 || !isalnum((unsigned char)msg[i - 1]);
		while (j < n && (is_hex(msg[j]) || msg[j] == ':' || msg[j] == '.'))
			j++;
		if (boundary && j > i && (j == n || !isalnum((unsigned char)msg[j]))) {
			/* Trailing dots and colons belong to the sentence, not the address. */
			size_t k = j;
			while (k > i && (msg[k - 1] == '.' || msg[k - 1] == ':'))
				k--;
			if (looks_ipv4(msg + i, k - i) || looks_ipv6(msg + i, k - i)) {
				o += (size_t)snprintf(out + o, outsz - o, "[address]");
				if (o >= outsz)
					o = outsz - 1;
				i = k;
				continue;
			}
		}
		if (j == i)
			j = i + 1;
		while (i < j && o + 1 < outsz)
			out[o++] = msg[i++];
	}
	out[o] = '\0';
	return o;
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
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	int m = vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	size_t mlen = m < 0 ? 0 : ((size_t)m >= sizeof msg ? sizeof msg - 1 : (size_t)m);
	size_t end = n + scrub_addresses(msg, mlen, line + n, sizeof line - n - 1);
	for (size_t i = n; i < end; i++)
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
			line[i] = ' ';
	line[end] = '\n';
	fwrite(line, 1, end + 1, stderr); /* one write per line; stdio locks the stream */
}
