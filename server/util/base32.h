/* base32.h - RFC 4648 base32 (the upper-case alphabet A-Z2-7), the form authenticator apps
 * take a TOTP secret in. */
#ifndef PARASOL_BASE32_H
#define PARASOL_BASE32_H

#include <stdbool.h>
#include <stddef.h>

/* The length base32_encode writes for n bytes (without the terminating NUL). */
size_t base32_len(size_t n, bool pad);

/* Encodes n bytes of in into out (base32_len(n, pad) + 1 bytes, NUL-terminated); pad: end
 * with '=' to a multiple of 8 characters as RFC 4648 does (otpauth URIs leave it off).
 * Returns the length written. */
size_t base32_encode(const unsigned char *in, size_t n, bool pad, char *out);

#endif
