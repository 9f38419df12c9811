/* err.c - filling struct err. */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const err_names[ERR__MAX] = {
	[ERR_NONE] = "none",
	[ERR_INVALID] = "invalid",
	[ERR_UNAUTHORIZED] = "unauthorized",
	[ERR_FORBIDDEN] = "forbidden",
	[ERR_NOT_FOUND] = "not_found",
	[ERR_CONFLICT] = "conflict",
	[ERR_TOO_LARGE] = "too_large",
	[ERR_UNPROCESSABLE] = "unprocessable",
	[ERR_RATE_LIMITED] = "rate_limited",
	[ERR_UNAVAILABLE] = "unavailable",
	[ERR_INTERNAL] = "internal",
	[ERR_GONE] = "gone",
};

static const char *const err_default_safe[ERR__MAX] = {
	[ERR_NONE] = "",
	[ERR_INVALID] = "The request was malformed.",
	[ERR_UNAUTHORIZED] = "You need to sign in.",
	[ERR_FORBIDDEN] = "You are not allowed to do that.",
	[ERR_NOT_FOUND] = "Not found.",
	[ERR_CONFLICT] = "That already exists.",
	[ERR_TOO_LARGE] = "The request is too large.",
	[ERR_UNPROCESSABLE] = "The request could not be processed.",
	[ERR_RATE_LIMITED] = "Too many attempts; please wait a moment.",
	[ERR_UNAVAILABLE] = "The service is temporarily unavailable.",
	[ERR_INTERNAL] = "Something went wrong on our side.",
	[ERR_GONE] = "That can't be used any more.",
};

int
err_set(struct err *err, enum err_code code, const char *safe, const char *detail_fmt, ...)
{
	if (err == NULL)
		return -1;
	if (code <= ERR_NONE || code >= ERR__MAX)
		code = ERR_INTERNAL;
	err->code = code;
	snprintf(err->safe, sizeof err->safe, "%s", safe ? safe : err_default_safe[code]);
	err->detail[0] = '\0';
	if (detail_fmt != NULL) {
		va_list ap;
		va_start(ap, detail_fmt);
		vsnprintf(err->detail, sizeof err->detail, detail_fmt, ap);
		va_end(ap);
	}
	return -1;
}

void
err_show_detail(struct err *err)
{
	size_t n = strnlen(err->detail, sizeof err->safe - 1);
	memcpy(err->safe, err->detail, n);
	err->safe[n] = '\0';
}

void
err_clear(struct err *err)
{
	memset(err, 0, sizeof *err);
}

const char *
err_code_name(enum err_code code)
{
	if (code < 0 || code >= ERR__MAX)
		return "internal";
	return err_names[code];
}
