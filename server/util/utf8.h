/* utf8.h - counting and checking UTF-8 text. Limits members see ("at most 5,000
 * characters") count code points, as PostgreSQL's char_length does. */
#ifndef PARASOL_UTF8_H
#define PARASOL_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* The number of code points in a NUL-terminated UTF-8 string (continuation bytes are not
 * counted; the string is assumed valid, see utf8_valid). */
size_t utf8_chars(const char *s);

/* Whether s[0..n) is well-formed UTF-8 (no overlong forms, surrogates, code points past
 * U+10FFFF, or NUL bytes). */
bool utf8_valid(const char *s, size_t n);

#endif
