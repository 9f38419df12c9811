/* imghead.c - image headers: magic numbers and the dimensions each format declares. */
#include "imghead.h"

#include <string.h>

static unsigned long
be16(const unsigned char *p)
{
	return (unsigned long)p[0] << 8 | p[1];
}

static unsigned long
be32(const unsigned char *p)
{
	return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 |
	       p[3];
}

static unsigned long
le16(const unsigned char *p)
{
	return (unsigned long)p[1] << 8 | p[0];
}

static unsigned long
le24(const unsigned char *p)
{
	return (unsigned long)p[2] << 16 | (unsigned long)p[1] << 8 | p[0];
}

/* The first SOFn frame header after the markers before it; APPn segments (EXIF, ICC, XMP)
 * are skipped by their lengths. */
static int
jpeg_head(const unsigned char *d, size_t len, struct img_head *out)
{
	size_t i = 2;
	while (i + 4 <= len) {
		if (d[i] != 0xFF)
			return -1;
		unsigned char m = d[i + 1];
		if (m == 0xFF) { /* fill byte */
			i++;
			continue;
		}
		if (m == 0xD8 || (m >= 0xD0 && m <= 0xD7) || m == 0x01) { /* no length */
			i += 2;
			continue;
		}
		if (m == 0xD9 || m == 0xDA) /* end of image or scan data before any frame */
			return -1;
		size_t seg = be16(d + i + 2);
		if (seg < 2)
			return -1;
		int sof = m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
		if (sof) {
			if (seg < 7 || i + 4 + 5 > len)
				return -1;
			out->height = (long)be16(d + i + 5);
			out->width = (long)be16(d + i + 7);
			return out->width > 0 && out->height > 0 ? 0 : -1;
		}
		i += 2 + seg;
	}
	return -1;
}

static int
webp_head(const unsigned char *d, size_t len, struct img_head *out)
{
	if (len < 30)
		return -1;
	const unsigned char *c = d + 12;
	if (memcmp(c, "VP8 ", 4) == 0) {
		/* frame tag (3 bytes), start code 9d 01 2a, then 14-bit width and height */
		if (c[11] != 0x9d || c[12] != 0x01 || c[13] != 0x2a)
			return -1;
		out->width = (long)(le16(c + 14) & 0x3fff);
		out->height = (long)(le16(c + 16) & 0x3fff);
	} else if (memcmp(c, "VP8L", 4) == 0) {
		if (c[8] != 0x2f)
			return -1;
		unsigned long bits = le24(c + 9) | (unsigned long)c[12] << 24;
		out->width = (long)(bits & 0x3fff) + 1;
		out->height = (long)((bits >> 14) & 0x3fff) + 1;
	} else if (memcmp(c, "VP8X", 4) == 0) {
		out->width = (long)le24(c + 12) + 1;
		out->height = (long)le24(c + 15) + 1;
	} else {
		return -1;
	}
	return out->width > 0 && out->height > 0 ? 0 : -1;
}

/* ISO BMFF "ftyp" with a HEIF brand (HEIC, HEIX, MIF1, ...); dimensions come from the
 * decoder's header read. */
static int
heif_head(const unsigned char *d, size_t len)
{
	static const char *const brands[] = {"heic", "heix", "heim", "heis", "hevc",
					     "hevx", "mif1", "msf1"};
	if (len < 16 || memcmp(d + 4, "ftyp", 4) != 0)
		return -1;
	size_t box = be32(d);
	if (box < 16 || box > len)
		return -1;
	for (size_t off = 8; off + 4 <= box; off += 4) {
		if (off == 12)
			continue; /* minor version */
		for (size_t b = 0; b < sizeof brands / sizeof *brands; b++)
			if (memcmp(d + off, brands[b], 4) == 0)
				return 0;
	}
	return -1;
}

int
imghead_read(const unsigned char *d, size_t len, struct img_head *out)
{
	memset(out, 0, sizeof *out);
	if (d == NULL)
		return -1;
	if (len >= 4 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF) {
		out->format = IMG_JPEG;
		return jpeg_head(d, len, out);
	}
	if (len >= 8 && memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0) {
		out->format = IMG_PNG;
		if (len < 24 || memcmp(d + 12, "IHDR", 4) != 0)
			return -1;
		out->width = (long)be32(d + 16);
		out->height = (long)be32(d + 20);
		return out->width > 0 && out->height > 0 && out->width <= 0x7fffffffL &&
			       out->height <= 0x7fffffffL
			   ? 0
			   : -1;
	}
	if (len >= 6 && (memcmp(d, "GIF87a", 6) == 0 || memcmp(d, "GIF89a", 6) == 0)) {
		out->format = IMG_GIF;
		if (len < 10)
			return -1;
		out->width = (long)le16(d + 6);
		out->height = (long)le16(d + 8);
		return out->width > 0 && out->height > 0 ? 0 : -1;
	}
	if (len >= 16 && memcmp(d, "RIFF", 4) == 0 && memcmp(d + 8, "WEBP", 4) == 0) {
		out->format = IMG_WEBP;
		return webp_head(d, len, out);
	}
	if (heif_head(d, len) == 0) {
		out->format = IMG_HEIF;
		return 0;
	}
	out->format = IMG_UNKNOWN;
	return -1;
}

const char *
imghead_format_name(enum img_format f)
{
	static const char *const names[IMG__MAX] = {"unknown", "jpeg", "png", "gif", "webp",
						    "heif"};
	return (unsigned)f < IMG__MAX ? names[f] : "unknown";
}
