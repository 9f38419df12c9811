/* static.c - in-memory static files. */
#include "static.h"

#include <microhttpd.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/compress.h"
#include "http/request.h"
#include "http/respond.h"
#include "util/err.h"
#include "util/fileio.h"

struct static_file {
	char *name;
	char *data;
	size_t len;
	const char *type;
	char etag[24]; /* "\"" + 16 hex digits of SHA-256 + "\"" */
	unsigned char *gz; /* the gzip variant, or NULL when it wouldn't help */
	size_t gz_len;
};

struct static_files {
	struct static_file *files;
	size_t n;
};

static const char *
content_type_for(const char *name)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{".css", "text/css; charset=utf-8"}, {".png", "image/png"},
		{".svg", "image/svg+xml"},	     {".ico", "image/x-icon"},
		{".txt", "text/plain; charset=utf-8"}, {".webp", "image/webp"},
		{".woff2", "font/woff2"},
	};
	const char *dot = strrchr(name, '.');
	for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return "application/octet-stream";
}

static void
make_etag(struct static_file *f)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_Digest(f->data, f->len, md, &mdlen, EVP_sha256(), NULL);
	char *p = f->etag;
	*p++ = '"';
	for (int i = 0; i < 8; i++)
		p += sprintf(p, "%02x", md[i]);
	*p++ = '"';
	*p = '\0';
}

struct static_files *
static_load(const char *dir, struct err *err)
{
	char **names = fileio_list(dir, "", err);
	if (names == NULL)
		return NULL;
	struct static_files *sf = calloc(1, sizeof *sf);
	size_t count = 0;
	while (names[count])
		count++;
	if (sf == NULL || (sf->files = calloc(count ? count : 1, sizeof *sf->files)) == NULL) {
		err_set(err, ERR_INTERNAL, NULL, "out of memory");
		goto fail;
	}
	for (size_t i = 0; i < count; i++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		struct static_file *f = &sf->files[sf->n];
		if ((f->data = fileio_read(path, 16 << 20, &f->len, err)) == NULL)
			goto fail;
		sf->n++;
		if ((f->name = strdup(names[i])) == NULL) {
			err_set(err, ERR_INTERNAL, NULL, "out of memory");
			goto fail;
		}
		f->type = content_type_for(f->name);
		make_etag(f);
		if (compress_type_ok(f->type) && f->len >= COMPRESS_MIN_BYTES)
			f->gz = compress_gzip(f->data, f->len, 9, &f->gz_len);
	}
	fileio_list_free(names);
	return sf;
fail:
	fileio_list_free(names);
	static_free(sf);
	return NULL;
}

void
static_free(struct static_files *sf)
{
	if (sf == NULL)
		return;
	for (size_t i = 0; i < sf->n; i++) {
		free(sf->files[i].name);
		free(sf->files[i].data);
		free(sf->files[i].gz);
	}
	free(sf->files);
	free(sf);
}

int
static_serve(const struct static_files *sf, struct req *req, const char *name)
{
	for (size_t i = 0; i < sf->n; i++) {
		const struct static_file *f = &sf->files[i];
		if (strcmp(f->name, name) != 0)
			continue;
		resp_header(req, MHD_HTTP_HEADER_ETAG, f->etag);
		resp_header(req, MHD_HTTP_HEADER_CACHE_CONTROL, "public, max-age=86400");
		resp_set(req, MHD_HTTP_OK, f->type, f->data, f->len);
		req->resp.gz_body = (const char *)f->gz;
		req->resp.gz_len = f->gz_len;
		req->resp.not_for_page_cache = true; /* in memory already */
		return 0;
	}
	return err_set(&req->err, ERR_NOT_FOUND, "Not found.", "no static file");
}
