/* respond.c - building req->resp. */
#include "respond.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "util/arena.h"
#include "util/log.h"

void
resp_set(struct req *req, int status, const char *content_type, const char *body, size_t len)
{
	req->resp.status = status;
	req->resp.content_type = content_type;
	req->resp.body = body;
	req->resp.len = len;
}

static void
close_fd(void *p)
{
	close(*(int *)p);
}

void
resp_file(struct req *req, int status, const char *content_type, int fd, uint64_t size)
{
	int *owned = arena_alloc(req->arena, sizeof *owned);
	*owned = fd;
	arena_defer(req->arena, close_fd, owned);
	resp_set(req, status, content_type, "", 0);
	req->resp.has_file = true;
	req->resp.file_fd = fd;
	req->resp.file_size = size;
	req->resp.not_for_page_cache = true;
}

void
resp_html(struct req *req, int status, const char *html, size_t len)
{
	resp_set(req, status, "text/html; charset=utf-8", html, len);
}

static void
resp_json_as(struct req *req, int status, const json_t *doc, const char *type)
{
	char *text = json_dumps(doc, JSON_COMPACT | JSON_ENCODE_ANY);
	if (text == NULL) {
		resp_set(req, MHD_HTTP_INTERNAL_SERVER_ERROR, "application/json",
			 "{\"error\":\"internal\"}", 20);
		return;
	}
	char *copy = arena_strdup(req->arena, text);
	free(text);
	resp_set(req, status, type, copy, strlen(copy));
}

void
resp_json(struct req *req, int status, const json_t *doc)
{
	resp_json_as(req, status, doc, "application/json; charset=utf-8");
}

void
resp_activity_json(struct req *req, int status, const json_t *doc)
{
	resp_json_as(req, status, doc, "application/activity+json");
}

void
resp_redirect(struct req *req, const char *location)
{
	resp_set(req, MHD_HTTP_SEE_OTHER, "text/plain; charset=utf-8", "", 0);
	resp_header(req, MHD_HTTP_HEADER_LOCATION, location);
}

void
resp_header(struct req *req, const char *name, const char *value)
{
	if (req->resp.nheaders == RESP_MAX_HEADERS) {
		log_msg(LOG_ERROR, "too many response headers; dropped %s", name);
		return;
	}
	req->resp.headers[req->resp.nheaders++] = (struct resp_header){name, value};
}

const char *
resp_get_header(const struct req *req, const char *name)
{
	for (size_t i = 0; i < req->resp.nheaders; i++)
		if (strcasecmp(req->resp.headers[i].name, name) == 0)
			return req->resp.headers[i].value;
	return NULL;
}

void
resp_replace_header(struct req *req, const char *name, const char *value)
{
	for (size_t i = 0; i < req->resp.nheaders; i++)
		if (strcasecmp(req->resp.headers[i].name, name) == 0) {
			req->resp.headers[i].value = value;
			return;
		}
	resp_header(req, name, value);
}

void
resp_remove_header(struct req *req, const char *name)
{
	size_t kept = 0;
	for (size_t i = 0; i < req->resp.nheaders; i++)
		if (strcasecmp(req->resp.headers[i].name, name) != 0)
			req->resp.headers[kept++] = req->resp.headers[i];
	req->resp.nheaders = kept;
}

/* Whether a comma-separated list holds token (case-insensitively, as a whole element). */
static bool
list_has(const char *list, const char *token)
{
	size_t n = strlen(token);
	for (const char *p = list; *p;) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		size_t len = strcspn(p, ",");
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len == n && strncasecmp(p, token, n) == 0)
			return true;
		p += strcspn(p, ",");
	}
	return false;
}

void
resp_vary(struct req *req, const char *token)
{
	const char *vary = resp_get_header(req, "Vary");
	if (vary == NULL)
		resp_header(req, "Vary", token);
	else if (!list_has(vary, token) && !list_has(vary, "*"))
		resp_replace_header(req, "Vary", arena_printf(req->arena, "%s, %s", vary, token));
}

int
resp_status_for(enum err_code code)
{
	static const int status[ERR__MAX] = {
		[ERR_NONE] = 200,
		[ERR_INVALID] = 400,
		[ERR_UNAUTHORIZED] = 401,
		[ERR_FORBIDDEN] = 403,
		[ERR_NOT_FOUND] = 404,
		[ERR_CONFLICT] = 409,
		[ERR_TOO_LARGE] = 413,
		[ERR_UNPROCESSABLE] = 422,
		[ERR_RATE_LIMITED] = 429,
		[ERR_UNAVAILABLE] = 503,
		[ERR_INTERNAL] = 500,
		[ERR_GONE] = 410,
	};
	if (code < 0 || code >= ERR__MAX)
		return 500;
	return status[code];
}
