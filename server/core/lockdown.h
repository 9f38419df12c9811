/* lockdown.h - the admin's lockdown switch: while it is on, registration is closed, peers get
 * 503 for everything they ask (web/lockdown.c), deliveries to peers wait in the queue without
 * being tried (db/jobs.c claims none), and visitors get the sign-in page instead of any
 * content. Turning it off lets the held deliveries go. Both are recorded in the moderation
 * log with the admin who did it. */
#ifndef PARASOL_CORE_LOCKDOWN_H
#define PARASOL_CORE_LOCKDOWN_H

#include <stdbool.h>

struct account;
struct arena;
struct err;

#define LOCKDOWN_REASON_MAX 1000

/* Turns lockdown on (on) or off as admin, with an optional reason for the log (NULL or
 * blank: none). The setting, its announcement to the other processes and the log record are
 * one transaction. ERR_FORBIDDEN unless admin is an admin; ERR_CONFLICT when it is in that
 * state already; ERR_UNPROCESSABLE for a reason too long or not UTF-8. 0 or -1 + err. */
int lockdown_set(struct arena *a, const struct account *admin, bool on, const char *reason,
		 struct err *err);

#endif
