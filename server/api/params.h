/* params.h - one reader for an API call's parameters, wherever the client put them: a JSON
 * body (toot), a form body, urlencoded or multipart (Mastodon.py), or the query string.
 * The body is looked at first, then the query string.
 *
 * Forms carry only strings: booleans arrive as "1"/"0", "true"/"false", "True"/"False"
 * (Python's str()), "on"/"off"; lists as "key[]" repeated (or "key" repeated). JSON carries
 * types, and a wrong one is refused: {"status": 5} is 422, naming the parameter.
 *
 * Each reader returns 0 (the parameter is absent: the default is set) or -1 with
 * ERR_UNPROCESSABLE in call->req->err naming the parameter (a wrong type, a value out of
 * range, text too long or not UTF-8). Strings are the request's (arena). */
#ifndef PARASOL_API_PARAMS_H
#define PARASOL_API_PARAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct api_call;

/* A string of at most max_bytes bytes of UTF-8 without NUL; *out NULL when absent (JSON
 * null counts as absent). */
int api_str(struct api_call *call, const char *name, size_t max_bytes, const char **out);

/* A boolean; *out = def when absent. */
int api_bool(struct api_call *call, const char *name, bool def, bool *out);

/* An id (a decimal string, or a JSON integer); *out = 0 when absent or empty. */
int api_id(struct api_call *call, const char *name, int64_t *out);

/* An integer within lo..hi; *out = def when absent. A value past hi is hi (Mastodon's
 * limit=1000 gives 40), below lo an error. */
int api_int(struct api_call *call, const char *name, long lo, long hi, long def, long *out);

/* A list of strings (JSON array, "name[]" fields, or "name" repeated), at most max items;
 * *n = 0 when absent. */
int api_list(struct api_call *call, const char *name, int max, const char ***out, int *n);

#endif
