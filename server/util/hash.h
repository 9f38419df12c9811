/* hash.h - FNV-1a, the one string hash of the in-memory tables (page cache, prepared
 * statements, rate limits, key fetches, template fields, log repeats). Not for anything an
 * attacker could aim at for collisions beyond slowing one lookup: the tables compare keys. */
#ifndef PARASOL_UTIL_HASH_H
#define PARASOL_UTIL_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* FNV-1a (64 bits) of the n bytes at s. */
static inline uint64_t
hash_bytes(const void *s, size_t n)
{
	const unsigned char *p = s;
	uint64_t h = 14695981039346656037ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 1099511628211ULL;
	return h;
}

/* FNV-1a (64 bits) of the string s. */
static inline uint64_t
hash_str(const char *s)
{
	return hash_bytes(s, strlen(s));
}

#endif
