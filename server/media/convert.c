/* convert.c - decoding and re-encoding with libvips, inside the parasol-image program; see
 * convert.h (and image.h for what goes and what stays). */
#include "convert.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <vips/vips.h>

#include "util/err.h"
#include "util/imghead.h"

/* libvips's and glib's warnings (a GIF's odd frame, a damaged chunk): dropped. The program's
 * stderr is /dev/null, and glib's own writer would first ask the socket layer whether stderr
 * is the systemd journal, a call the sandbox (media/sandbox.h) doesn't allow. */
static GLogWriterOutput
drop_log(GLogLevelFlags level, const GLogField *fields, gsize n, gpointer data)
{
	(void)level;
	(void)fields;
	(void)n;
	(void)data;
	return G_LOG_WRITER_HANDLED;
}

int
convert_init(const char *argv0, struct err *err)
{
	g_log_set_writer_func(drop_log, NULL, NULL);
	/* Decoded pixels stay in memory whatever their size (the pixel limit bounds them):
	 * libvips would otherwise spill large images into a temporary file. */
	setenv("VIPS_DISC_THRESHOLD", "8g", 1);
	/* libvips stamps what it does with the local time; with TZ unset, glibc opens
	 * /etc/localtime again at every localtime(), which the sandbox (media/sandbox.h) forbids.
	 * With TZ set and read once here, it never opens a file for it again. */
	setenv("TZ", "UTC", 1);
	tzset();
	/* No code generated at run time (liborc writes SIMD code into memory it maps
	 * executable): the sandbox allows no executable memory, and a decoder needs none. */
	setenv("VIPS_NOVECTOR", "1", 1);
	if (VIPS_INIT(argv0) != 0)
		return err_set(err, ERR_INTERNAL, NULL, "libvips could not start");
	vips_cache_set_max(0);
	vips_cache_set_max_mem(0);
	vips_cache_set_max_files(0);
	vips_concurrency_set(1);
	vips_block_untrusted_set(TRUE);
	return 0;
}

/* The message libvips left (for the log only: it names no content), cleared. */
static int
vips_failed(struct err *err, enum err_code code, const char *safe, const char *step)
{
	char *msg = vips_error_buffer_copy();
	size_t n = msg ? strcspn(msg, "\n") : 0;
	err_set(err, code, safe, "%s: %.*s", step, (int)(n > 300 ? 300 : n),
		msg ? msg : "");
	g_free(msg);
	return -1;
}

static VipsImage *
load(enum img_format fmt, const void *data, size_t len)
{
	void *buf = (void *)data; /* the loaders only read it */
	VipsImage *img = NULL;
	int rc = -1;
	switch (fmt) {
	case IMG_JPEG:
		rc = vips_jpegload_buffer(buf, len, &img, "fail_on", VIPS_FAIL_ON_ERROR, NULL);
		break;
	case IMG_PNG:
		rc = vips_pngload_buffer(buf, len, &img, "fail_on", VIPS_FAIL_ON_ERROR, NULL);
		break;
	case IMG_GIF: /* the first frame ("n" is 1 by default) */
		rc = vips_gifload_buffer(buf, len, &img, "fail_on", VIPS_FAIL_ON_ERROR, NULL);
		break;
	case IMG_WEBP:
		rc = vips_webpload_buffer(buf, len, &img, "fail_on", VIPS_FAIL_ON_ERROR, NULL);
		break;
	case IMG_HEIF:
		rc = vips_heifload_buffer(buf, len, &img, "fail_on", VIPS_FAIL_ON_ERROR, NULL);
		break;
	default:
		break;
	}
	return rc == 0 ? img : NULL;
}

/* Replaces *img by out (unref'ing the old one) when rc is 0. */
static int
step(VipsImage **img, VipsImage *out, int rc)
{
	if (rc != 0)
		return -1;
	g_object_unref(*img);
	*img = out;
	return 0;
}

/* Upright, sRGB, 8 bits, 3 or 4 bands, at most max_side wide and high. */
static int
normalise(VipsImage **img, int max_side)
{
	VipsImage *out = NULL;
	if (step(img, out, vips_autorot(*img, &out, NULL)) != 0)
		return -1;
	if (vips_image_get_typeof(*img, VIPS_META_ICC_NAME) != 0) {
		out = NULL;
		if (step(img, out,
			 vips_icc_transform(*img, &out, "srgb", "embedded", TRUE, "intent",
					    VIPS_INTENT_PERCEPTUAL, NULL)) != 0)
			return -1;
	}
	out = NULL;
	if (step(img, out, vips_colourspace(*img, &out, VIPS_INTERPRETATION_sRGB, NULL)) != 0)
		return -1;
	if ((*img)->Bands > 4) { /* extra channels: keep colour and alpha */
		out = NULL;
		if (step(img, out, vips_extract_band(*img, &out, 0, "n", 4, NULL)) != 0)
			return -1;
	}
	out = NULL;
	if (step(img, out, vips_cast_uchar(*img, &out, NULL)) != 0)
		return -1;
	if ((*img)->Xsize > max_side || (*img)->Ysize > max_side) {
		out = NULL;
		if (step(img, out,
			 vips_thumbnail_image(*img, &out, max_side, "height", max_side, "size",
					      VIPS_SIZE_DOWN, "no_rotate", TRUE, NULL)) != 0)
			return -1;
	}
	return 0;
}

/* A new image holding only img's pixels: no header field, no metadata of any kind. */
static VipsImage *
pixels_only(VipsImage *img)
{
	size_t size;
	void *pixels = vips_image_write_to_memory(img, &size);
	if (pixels == NULL)
		return NULL;
	VipsImage *clean = vips_image_new_from_memory_copy(
	    pixels, size, img->Xsize, img->Ysize, img->Bands, VIPS_FORMAT_UCHAR);
	g_free(pixels);
	if (clean == NULL)
		return NULL;
	VipsImage *out = NULL;
	if (vips_copy(clean, &out, "interpretation", VIPS_INTERPRETATION_sRGB, NULL) != 0) {
		g_object_unref(clean);
		return NULL;
	}
	g_object_unref(clean);
	return out;
}

static int
encode(VipsImage *img, struct image_file *f)
{
	void *buf = NULL;
	size_t len = 0;
	int rc;
	if (img->Bands == 4) {
		rc = vips_pngsave_buffer(img, &buf, &len, "strip", TRUE, "compression", 6, NULL);
		f->media_type = "image/png";
		f->ext = "png";
	} else {
		rc = vips_jpegsave_buffer(img, &buf, &len, "strip", TRUE, "Q", 85,
					  "optimize_coding", TRUE, NULL);
		f->media_type = "image/jpeg";
		f->ext = "jpg";
	}
	if (rc != 0)
		return -1;
	/* Ours to free with free(): copy out of glib's allocator. */
	f->data = malloc(len ? len : 1);
	if (f->data == NULL) {
		g_free(buf);
		return -1;
	}
	memcpy(f->data, buf, len);
	g_free(buf);
	f->len = len;
	f->width = img->Xsize;
	f->height = img->Ysize;
	return 0;
}

/* The blurhash of img, from a copy at most 32 px wide, alpha flattened onto white. */
static int
hash(VipsImage *img, char out[BLURHASH_MAX_LEN])
{
	VipsImage *small = NULL, *flat = NULL;
	int rc = -1;
	if (vips_thumbnail_image(img, &small, 32, "height", 32, NULL) != 0)
		return -1;
	if (small->Bands == 4) {
		double white[3] = {255, 255, 255};
		VipsArrayDouble *bg = vips_array_double_new(white, 3);
		int frc = vips_flatten(small, &flat, "background", bg, NULL);
		vips_area_unref(VIPS_AREA(bg));
		if (frc != 0)
			goto done;
	} else {
		flat = small;
		g_object_ref(flat);
	}
	size_t size;
	unsigned char *px = vips_image_write_to_memory(flat, &size);
	if (px == NULL)
		goto done;
	int w = flat->Xsize, h = flat->Ysize;
	if (flat->Bands == 3 && size == (size_t)w * h * 3) {
		int xc = w >= h ? 4 : 3, yc = w >= h ? 3 : 4;
		rc = blurhash_encode(px, w, h, (size_t)w * 3, xc, yc, out);
	}
	g_free(px);
done:
	if (flat != NULL)
		g_object_unref(flat);
	g_object_unref(small);
	return rc;
}

int
convert_image(const void *data, size_t len, const struct image_limits *lim,
	      struct image_result *out, struct err *err)
{
	memset(out, 0, sizeof *out);
	struct img_head head;
	if (image_precheck(data, len, lim, &head, err) != 0)
		return -1;
	int rc = -1;
	VipsImage *img = load(head.format, data, len), *clean = NULL;
	if (img == NULL) {
		vips_failed(err, ERR_UNPROCESSABLE, image_damaged_msg, "load");
		goto done;
	}
	/* The decoder's header, read without decoding, must agree with the limit too (HEIF
	 * declares its size only there). */
	if ((long)img->Xsize * img->Ysize > lim->max_pixels) {
		err_set(err, ERR_UNPROCESSABLE,
			"The image has too many pixels. Please send a smaller one.",
			"decoder header declares %dx%d", img->Xsize, img->Ysize);
		goto done;
	}
	if (normalise(&img, lim->max_side) != 0 || (clean = pixels_only(img)) == NULL) {
		vips_failed(err, ERR_UNPROCESSABLE, image_damaged_msg, "decode");
		goto done;
	}
	if (encode(clean, &out->full) != 0) {
		vips_failed(err, ERR_INTERNAL, NULL, "encode");
		goto done;
	}
	VipsImage *thumb = NULL;
	if (vips_thumbnail_image(clean, &thumb, lim->thumb_side, "height", lim->thumb_side, "size",
				 VIPS_SIZE_DOWN, NULL) != 0 ||
	    encode(thumb, &out->thumb) != 0 || hash(clean, out->blurhash) != 0) {
		if (thumb != NULL)
			g_object_unref(thumb);
		vips_failed(err, ERR_INTERNAL, NULL, "thumbnail");
		goto done;
	}
	g_object_unref(thumb);
	rc = 0;
done:
	if (clean != NULL)
		g_object_unref(clean);
	if (img != NULL)
		g_object_unref(img);
	if (rc != 0)
		image_result_free(out);
	return rc;
}
