/* body.h - request bodies: application/x-www-form-urlencoded, multipart/form-data and JSON.
 *
 * The whole body is buffered first (it is bounded by the configured body_limit, enforced in
 * http/server.c before anything is read), then parsed here in one pass. Everything parsed is
 * owned by the request's arena; a JSON document is released when the arena is freed. */
#ifndef PARASOL_BODY_H
#define PARASOL_BODY_H

#include <jansson.h>
#include <stddef.h>

struct arena;
struct err;

enum body_kind { BODY_NONE, BODY_FORM, BODY_JSON };

struct body_field {
	const char *name;
	const char *value; /* NUL-terminated; may hold NULs if binary (see len) */
	size_t len;
	const char *filename;	  /* multipart file parts only, else NULL */
	const char *content_type; /* multipart parts only, else NULL */
};

#define BODY_MAX_FIELDS 256

struct body {
	enum body_kind kind;
	struct body_field *fields;
	size_t nfields;
	json_t *json; /* BODY_JSON: borrowed from the arena */
	const char *raw;
	size_t raw_len;
};

/* Parses data according to content_type (NULL or empty with no data gives BODY_NONE).
 * Fails with ERR_INVALID for malformed bodies (bad escapes, bad multipart framing, invalid or
 * duplicate-key JSON, too many fields) and ERR_UNPROCESSABLE (415-like) for an unsupported
 * content type on a non-empty body; err->safe says precisely what was wrong. */
int body_parse(struct arena *a, const char *content_type, const char *data, size_t len,
	       struct body *out, struct err *err);

int body_parse_urlencoded(struct arena *a, const char *data, size_t len, struct body *out,
			  struct err *err);
int body_parse_multipart(struct arena *a, const char *content_type, const char *data, size_t len,
			 struct body *out, struct err *err);
int body_parse_json(struct arena *a, const char *data, size_t len, struct body *out,
		    struct err *err);

/* The first field called name, or NULL. */
const struct body_field *body_field(const struct body *b, const char *name);

/* The value of the first field called name, or NULL. */
const char *body_value(const struct body *b, const char *name);

#endif
