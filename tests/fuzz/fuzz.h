/* fuzz.h - what every libFuzzer target of tests/fuzz/ shares.
 *
 * Each target is one file defining LLVMFuzzerTestOneInput: it feeds the input to one parser
 * of parasol, on a fresh arena, and aborts (a crash libFuzzer reports and keeps) when the
 * parser's result breaks a promise the target checks. The sanitizers (ASan, UBSan) catch the
 * rest. Built by `./dev fuzz` and `./dev test` in build-fuzz/ with clang; see tests/fuzz/README. */
#ifndef PARASOL_FUZZ_H
#define PARASOL_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A NUL-terminated copy of the input, for parsers that take C strings (malloc; free it). */
static inline char *
fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (s == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Fails the run with a message: the input broke a promise. */
#define FUZZ_ASSERT(cond, ...)                                                                 \
	do {                                                                                   \
		if (!(cond)) {                                                                 \
			fprintf(stderr, "promise broken: " __VA_ARGS__);                      \
			fputc('\n', stderr);                                                   \
			abort();                                                               \
		}                                                                              \
	} while (0)

#endif
