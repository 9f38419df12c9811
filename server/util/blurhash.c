/* blurhash.c - BlurHash encoding: a DCT of the linear-light image, quantised and written in
 * base 83. Written from the published description of the format. */
#include "blurhash.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char digits83[] =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~";

/* Appends value as len base-83 digits, most significant first. */
static char *
put83(char *p, long value, int len)
{
	for (int i = len - 1; i >= 0; i--) {
		p[i] = digits83[value % 83];
		value /= 83;
	}
	return p + len;
}

static double
to_linear(unsigned char c)
{
	double v = c / 255.0;
	return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
}

static long
to_srgb(double v)
{
	if (v < 0)
		v = 0;
	if (v > 1)
		v = 1;
	if (v <= 0.0031308)
		return (long)(v * 12.92 * 255 + 0.5);
	return (long)((1.055 * pow(v, 1 / 2.4) - 0.055) * 255 + 0.5);
}

static double
sign_sqrt(double v)
{
	return v < 0 ? -sqrt(-v) : sqrt(v);
}

static long
clampl(double v, long lo, long hi)
{
	long n = (long)floor(v);
	return n < lo ? lo : n > hi ? hi : n;
}

int
blurhash_encode(const unsigned char *rgb, int width, int height, size_t stride, int xc, int yc,
		char out[BLURHASH_MAX_LEN])
{
	out[0] = '\0';
	if (rgb == NULL || width < 1 || height < 1 || xc < 1 || xc > 9 || yc < 1 || yc > 9 ||
	    stride < (size_t)width * 3)
		return -1;
	double factors[81][3];
	double *lin = malloc(sizeof *lin * 3 * (size_t)width * (size_t)height);
	double *cosx = malloc(sizeof *cosx * (size_t)width);
	double *cosy = malloc(sizeof *cosy * (size_t)height);
	if (lin == NULL || cosx == NULL || cosy == NULL) {
		free(lin);
		free(cosx);
		free(cosy);
		return -1;
	}
	for (int y = 0; y < height; y++)
		for (int x = 0; x < width; x++)
			for (int c = 0; c < 3; c++)
				lin[((size_t)y * width + x) * 3 + c] =
				    to_linear(rgb[(size_t)y * stride + (size_t)x * 3 + c]);
	for (int j = 0; j < yc; j++) {
		for (int y = 0; y < height; y++)
			cosy[y] = cos(M_PI * j * y / height);
		for (int i = 0; i < xc; i++) {
			for (int x = 0; x < width; x++)
				cosx[x] = cos(M_PI * i * x / width);
			double sum[3] = {0, 0, 0};
			for (int y = 0; y < height; y++)
				for (int x = 0; x < width; x++) {
					double basis = cosx[x] * cosy[y];
					const double *px = &lin[((size_t)y * width + x) * 3];
					sum[0] += basis * px[0];
					sum[1] += basis * px[1];
					sum[2] += basis * px[2];
				}
			double scale = (i == 0 && j == 0 ? 1.0 : 2.0) / ((double)width * height);
			for (int c = 0; c < 3; c++)
				factors[j * xc + i][c] = sum[c] * scale;
		}
	}
	free(lin);
	free(cosx);
	free(cosy);

	int n = xc * yc;
	char *p = put83(out, (xc - 1) + (yc - 1) * 9, 1);
	double maximum = 1;
	if (n > 1) {
		double actual = 0;
		for (int k = 1; k < n; k++)
			for (int c = 0; c < 3; c++)
				if (fabs(factors[k][c]) > actual)
					actual = fabs(factors[k][c]);
		long quantised = clampl(actual * 166 - 0.5, 0, 82);
		maximum = (quantised + 1) / 166.0;
		p = put83(p, quantised, 1);
	} else {
		p = put83(p, 0, 1);
	}
	p = put83(p, (to_srgb(factors[0][0]) << 16) + (to_srgb(factors[0][1]) << 8) +
			 to_srgb(factors[0][2]),
		  4);
	for (int k = 1; k < n; k++) {
		long q[3];
		for (int c = 0; c < 3; c++)
			q[c] = clampl(sign_sqrt(factors[k][c] / maximum) * 9 + 9.5, 0, 18);
		p = put83(p, q[0] * 19 * 19 + q[1] * 19 + q[2], 2);
	}
	*p = '\0';
	return 0;
}
