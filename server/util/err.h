/* err.h - one error value with three views: a code (mapped to an HTTP status in one place,
 * http/respond.c), a message safe to show to the member, and detail for the log.
 *
 * Functions that can fail return -1 (or NULL) and fill a caller-provided struct err. */
#ifndef PARASOL_ERR_H
#define PARASOL_ERR_H

enum err_code {
	ERR_NONE = 0,
	ERR_INVALID,	   /* malformed input: 400 */
	ERR_UNAUTHORIZED,  /* no or bad credentials: 401 */
	ERR_FORBIDDEN,	   /* not allowed: 403 */
	ERR_NOT_FOUND,	   /* 404 */
	ERR_CONFLICT,	   /* already exists: 409 */
	ERR_TOO_LARGE,	   /* 413 */
	ERR_UNPROCESSABLE, /* well-formed but refused (validation): 422 */
	ERR_RATE_LIMITED,  /* 429 */
	ERR_UNAVAILABLE,   /* a dependency (the database) is down: 503 */
	ERR_INTERNAL,	   /* a bug or an unexpected failure: 500 */
	ERR_GONE,	   /* existed, but can't be used any more (a used-up invite): 410 */
	ERR__MAX
};

struct err {
	enum err_code code;
	char safe[256];	  /* shown to people; never contains input they did not send */
	char detail[512]; /* for the log only; never secrets, addresses or post contents */
};

/* Fills err (if not NULL) and returns -1, so callers can `return err_set(...)`.
 * safe may be NULL (a generic message for the code is used). */
int err_set(struct err *err, enum err_code code, const char *safe, const char *detail_fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Makes the detail the safe message too, for errors that only ever hold text the operator
 * wrote (configuration and migration file errors shown by the command line). */
void err_show_detail(struct err *err);

/* Clears err to ERR_NONE. */
void err_clear(struct err *err);

/* Stable lower-case name of a code ("not_found"), for logs and JSON errors. */
const char *err_code_name(enum err_code code);

#endif
