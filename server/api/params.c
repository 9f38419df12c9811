/* params.c - the API's one parameter reader (see params.h). */
#include "api/params.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "http/body.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/id.h"
#include "util/utf8.h"

/* Fails naming the parameter: "status: must be a string" (the name is ours, never input). */
static int
bad(struct api_call *call, const char *name, const char *msg)
{
	struct req *req = call->req;
	err_set(&req->err, ERR_UNPROCESSABLE, msg, "parameter %s refused", name);
	snprintf(req->err.safe, sizeof req->err.safe, "%s: %s", name, i18n_gettext(req->lang, msg));
	return -1;
}

static json_t *
json_param(struct api_call *call, const char *name)
{
	const struct body *b = &call->req->body;
	if (b->kind != BODY_JSON || !json_is_object(b->json))
		return NULL;
	json_t *v = json_object_get(b->json, name);
	return json_is_null(v) ? NULL : v;
}

/* The first form field or query argument called name (or name[] when brackets), or NULL. */
static const char *
text_param(struct api_call *call, const char *name, bool brackets)
{
	const struct body *b = &call->req->body;
	const char *key = brackets ? arena_printf(call->req->arena, "%s[]", name) : name;
	if (b->kind == BODY_FORM)
		for (size_t i = 0; i < b->nfields; i++)
			if (strcmp(b->fields[i].name, key) == 0 && b->fields[i].filename == NULL)
				return b->fields[i].value;
	return req_query(call->req, key);
}

/* A body that is JSON but not an object: refused once, for any parameter. */
static int
check_json_root(struct api_call *call)
{
	const struct body *b = &call->req->body;
	if (b->kind == BODY_JSON && !json_is_object(b->json))
		return err_set(&call->req->err, ERR_INVALID,
			       "The request body must be a JSON object.",
			       "json body not an object");
	return 0;
}

static int
string_ok(struct api_call *call, const char *name, const char *s, size_t len, size_t max)
{
	if (len > max)
		return bad(call, name, N_("is too long"));
	if (strlen(s) != len || !utf8_valid(s, len))
		return bad(call, name, N_("must be text (UTF-8)"));
	return 0;
}

int
api_str(struct api_call *call, const char *name, size_t max_bytes, const char **out)
{
	*out = NULL;
	if (check_json_root(call) != 0)
		return -1;
	json_t *j = json_param(call, name);
	if (j != NULL) {
		if (!json_is_string(j))
			return bad(call, name, N_("must be a string"));
		if (string_ok(call, name, json_string_value(j), json_string_length(j), max_bytes))
			return -1;
		*out = json_string_value(j);
		return 0;
	}
	const char *s = text_param(call, name, false);
	if (s == NULL)
		return 0;
	if (string_ok(call, name, s, strlen(s), max_bytes) != 0)
		return -1;
	*out = s;
	return 0;
}

int
api_bool(struct api_call *call, const char *name, bool def, bool *out)
{
	*out = def;
	if (check_json_root(call) != 0)
		return -1;
	json_t *j = json_param(call, name);
	if (j != NULL) {
		if (json_is_boolean(j)) {
			*out = json_is_true(j);
			return 0;
		}
		if (!json_is_string(j))
			return bad(call, name, N_("must be true or false"));
	}
	const char *s = j != NULL ? json_string_value(j) : text_param(call, name, false);
	if (s == NULL || *s == '\0')
		return 0;
	static const char *const yes[] = {"1", "true", "True", "TRUE", "on", "yes"};
	static const char *const no[] = {"0", "false", "False", "FALSE", "off", "no"};
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		if (strcmp(s, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcmp(s, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return bad(call, name, N_("must be true or false"));
}

int
api_id(struct api_call *call, const char *name, int64_t *out)
{
	*out = 0;
	if (check_json_root(call) != 0)
		return -1;
	json_t *j = json_param(call, name);
	if (j != NULL && json_is_integer(j)) {
		if (json_integer_value(j) <= 0)
			return bad(call, name, N_("must be an id"));
		*out = (int64_t)json_integer_value(j);
		return 0;
	}
	if (j != NULL && !json_is_string(j))
		return bad(call, name, N_("must be an id"));
	const char *s = j != NULL ? json_string_value(j) : text_param(call, name, false);
	if (s == NULL || *s == '\0')
		return 0;
	if (id_parse(s, out) != 0 || *out <= 0)
		return bad(call, name, N_("must be an id"));
	return 0;
}

int
api_int(struct api_call *call, const char *name, long lo, long hi, long def, long *out)
{
	*out = def;
	if (check_json_root(call) != 0)
		return -1;
	json_t *j = json_param(call, name);
	long v;
	if (j != NULL && json_is_integer(j)) {
		json_int_t x = json_integer_value(j);
		v = x > hi ? hi : x < lo ? lo - 1 : (long)x;
	} else {
		if (j != NULL && !json_is_string(j))
			return bad(call, name, N_("must be a number"));
		const char *s = j != NULL ? json_string_value(j) : text_param(call, name, false);
		if (s == NULL || *s == '\0')
			return 0;
		char *end;
		errno = 0;
		v = strtol(s, &end, 10);
		if (*end != '\0' || end == s || (errno == ERANGE && v < 0))
			return bad(call, name, N_("must be a number"));
		if (errno == ERANGE || v > hi)
			v = hi;
	}
	if (v < lo)
		return bad(call, name, N_("is out of range"));
	*out = v;
	return 0;
}

int
api_list(struct api_call *call, const char *name, int max, const char ***out, int *n)
{
	*out = NULL;
	*n = 0;
	if (check_json_root(call) != 0)
		return -1;
	struct arena *a = call->req->arena;
	json_t *j = json_param(call, name);
	if (j != NULL) {
		if (!json_is_array(j))
			return bad(call, name, N_("must be a list"));
		if ((int)json_array_size(j) > max)
			return bad(call, name, N_("has too many items"));
		*out = arena_alloc(a, sizeof **out * (json_array_size(j) + 1));
		size_t i;
		json_t *v;
		json_array_foreach(j, i, v)
		{
			if (json_is_integer(v))
				(*out)[(*n)++] =
				    arena_printf(a, "%lld", (long long)json_integer_value(v));
			else if (json_is_string(v))
				(*out)[(*n)++] = json_string_value(v);
			else
				return bad(call, name, N_("must be a list of strings"));
		}
		return 0;
	}
	const struct body *b = &call->req->body;
	const char *key = arena_printf(a, "%s[]", name);
	*out = arena_alloc(a, sizeof **out * (size_t)(max + 1));
	if (b->kind == BODY_FORM && b->nfields > 0) {
		for (size_t i = 0; i < b->nfields; i++)
			if ((strcmp(b->fields[i].name, key) == 0 ||
			     strcmp(b->fields[i].name, name) == 0) &&
			    b->fields[i].filename == NULL) {
				if (*n >= max)
					return bad(call, name, N_("has too many items"));
				(*out)[(*n)++] = b->fields[i].value;
			}
		return 0;
	}
	/* the query string: name[]=a&name[]=b */
	const char *q = req_raw_query(call->req);
	while (q != NULL && *q) {
		size_t len = strcspn(q, "&");
		const char *eq = memchr(q, '=', len);
		if (eq != NULL) {
			char *k = router_decode(a, q, (size_t)(eq - q), 1);
			if (k != NULL && (strcmp(k, key) == 0 || strcmp(k, name) == 0)) {
				char *v = router_decode(a, eq + 1, len - (size_t)(eq + 1 - q), 1);
				if (v == NULL)
					return bad(call, name, N_("must be a list of strings"));
				if (*n >= max)
					return bad(call, name, N_("has too many items"));
				(*out)[(*n)++] = v;
			}
		}
		q += len;
		if (*q == '&')
			q++;
	}
	return 0;
}
