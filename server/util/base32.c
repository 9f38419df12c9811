/* base32.c - see base32.h. */
#include "base32.h"

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

size_t
base32_len(size_t n, bool pad)
{
	size_t chars = (n * 8 + 4) / 5;
	return pad ? (chars + 7) / 8 * 8 : chars;
}

size_t
base32_encode(const unsigned char *in, size_t n, bool pad, char *out)
{
	size_t o = 0;
	unsigned int buffer = 0;
	int bits = 0;
	for (size_t i = 0; i < n; i++) {
		buffer = (buffer << 8) | in[i];
		bits += 8;
		while (bits >= 5) {
			out[o++] = alphabet[(buffer >> (bits - 5)) & 31];
			bits -= 5;
		}
		buffer &= (1u << bits) - 1; /* keep only the bits not written yet */
	}
	if (bits > 0)
		out[o++] = alphabet[(buffer << (5 - bits)) & 31];
	while (pad && o % 8 != 0)
		out[o++] = '=';
	out[o] = '\0';
	return o;
}
