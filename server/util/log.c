/* log.c - formatted one-line events on stderr, repeats folded into one summary. */
#include "log.h"

#include "util/hash.h"

#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
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

/* Repeats: the same warning or error (level and message) again within REPEAT_WINDOW seconds
 * of its first printing is counted instead of printed; when the window is over (seen at the next line of
 * any kind, or at exit) one summary line says how many there were. A database outage polled
 * by health checks printed 405 identical warnings in 21 s. */
#define REPEAT_WINDOW 30
#define REPEAT_SLOTS 8

struct repeat {
	bool used;
	uint64_t hash;
	enum log_level level;
	time_t first, last;  /* first printed, last seen */
	unsigned long count; /* seen again, not printed */
	char msg[1024];
};

static pthread_mutex_t repeat_lock = PTHREAD_MUTEX_INITIALIZER;
static struct repeat repeats[REPEAT_SLOTS];
static time_t (*clock_fn)(void);
static pthread_once_t exit_once = PTHREAD_ONCE_INIT;

void
log_set_clock(time_t (*now)(void))
{
	clock_fn = now;
}

static time_t
log_now(void)
{
	return clock_fn != NULL ? clock_fn() : time(NULL);
}

/* Writes "TIME LEVEL msg\n" in one write. */
static void
emit(time_t now, enum log_level level, const char *msg, size_t len)
{
	char line[1200];
	struct tm tm;
	gmtime_r(&now, &tm);
	size_t n = strftime(line, sizeof line, "%Y-%m-%dT%H:%M:%SZ ", &tm);
	int m = snprintf(line + n, sizeof line - n, "%s %.*s\n", level_names[level], (int)len, msg);
	size_t total = m < 0 ? n : n + (size_t)m;
	if (total >= sizeof line) {
		total = sizeof line - 1;
		line[total - 1] = '\n';
	}
	fwrite(line, 1, total, stderr); /* one write per line; stdio locks the stream */
}

/* Prints slot r's summary if it counted repeats, and frees it. Under repeat_lock. */
static void
close_slot(struct repeat *r, time_t now)
{
	if (r->count > 0) {
		char sum[1200];
		int m = snprintf(sum, sizeof sum, "(repeated %lu times in %lld s) %s", r->count,
				 (long long)(r->last - r->first), r->msg);
		emit(now, r->level, sum,
		     m < 0 ? 0 : ((size_t)m >= sizeof sum ? sizeof sum - 1 : (size_t)m));
	}
	r->used = false;
}

void
log_flush(void)
{
	pthread_mutex_lock(&repeat_lock);
	time_t now = log_now();
	for (int i = 0; i < REPEAT_SLOTS; i++)
		if (repeats[i].used)
			close_slot(&repeats[i], now);
	pthread_mutex_unlock(&repeat_lock);
	fflush(stderr);
}

static void
register_flush(void)
{
	atexit(log_flush);
}

/* Prints msg (scrubbed, one line) unless it repeats a line printed within the window. */
static void
print_or_count(enum log_level level, const char *msg, size_t len)
{
	pthread_once(&exit_once, register_flush);
	uint64_t h = hash_bytes(msg, len) ^ (uint64_t)level;
	pthread_mutex_lock(&repeat_lock);
	time_t now = log_now();
	if (level < LOG_WARN) { /* only warnings and errors flood; an event is never folded */
		for (int i = 0; i < REPEAT_SLOTS; i++)
			if (repeats[i].used && now - repeats[i].first >= REPEAT_WINDOW)
				close_slot(&repeats[i], now);
		emit(now, level, msg, len);
		pthread_mutex_unlock(&repeat_lock);
		return;
	}
	struct repeat *same = NULL, *free_slot = NULL, *oldest = NULL;
	for (int i = 0; i < REPEAT_SLOTS; i++) {
		struct repeat *r = &repeats[i];
		if (r->used && now - r->first >= REPEAT_WINDOW)
			close_slot(r, now); /* its window is over: its summary, then it's free */
		if (!r->used) {
			if (free_slot == NULL)
				free_slot = r;
			continue;
		}
		if (r->hash == h && r->level == level && strlen(r->msg) == len &&
		    memcmp(r->msg, msg, len) == 0)
			same = r;
		if (oldest == NULL || r->first < oldest->first)
			oldest = r;
	}
	if (same != NULL) {
		same->count++;
		same->last = now;
		pthread_mutex_unlock(&repeat_lock);
		return;
	}
	struct repeat *r = free_slot;
	if (r == NULL) {
		close_slot(oldest, now);
		r = oldest;
	}
	*r = (struct repeat){.used = true, .hash = h, .level = level, .first = now, .last = now};
	memcpy(r->msg, msg, len < sizeof r->msg ? len : sizeof r->msg - 1);
	emit(now, level, msg, len);
	pthread_mutex_unlock(&repeat_lock);
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
	if (level < min_level || level >= LOG__MAX)
		return;
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	int m = vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	size_t mlen = m < 0 ? 0 : ((size_t)m >= sizeof msg ? sizeof msg - 1 : (size_t)m);
	char clean[1024];
	size_t n = scrub_addresses(msg, mlen, clean, sizeof clean);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)clean[i] < 0x20 || clean[i] == 0x7f)
			clean[i] = ' ';
	print_or_count(level, clean, n);
}
