/* arena.h - region allocator: one arena per request (or per job), freed at once.
 *
 * Every allocation is zeroed and lives until arena_free(). Allocation failure is
 * not recoverable in this server: the functions log and abort() rather than return NULL,
 * so callers never check for NULL from an arena. */
#ifndef PARASOL_ARENA_H
#define PARASOL_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena;

/* Creates an empty arena. The caller owns it and must call arena_free(). */
struct arena *arena_new(void);

/* Frees every allocation made from the arena, then the arena. NULL is a no-op. */
void arena_free(struct arena *a);

/* Returns n zeroed bytes aligned for any type, owned by the arena. */
void *arena_alloc(struct arena *a, size_t n);

/* Returns a copy of s (NUL-terminated) owned by the arena; NULL gives NULL. */
char *arena_strdup(struct arena *a, const char *s);

/* Returns a NUL-terminated copy of the first n bytes of s, owned by the arena. */
char *arena_strndup(struct arena *a, const char *s, size_t n);

/* s without the ASCII white space (space, tab, CR, LF, FF, VT) around it, copied into a; NULL
 * reads as "". */
char *arena_strtrim(struct arena *a, const char *s);

/* Returns a printf-formatted string owned by the arena. */
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap);

/* Runs fn(ptr) when the arena is freed, newest first: for objects owned by another library
 * (a PGresult, a json_t) whose lifetime is the request's. */
void arena_defer(struct arena *a, void (*fn)(void *), void *ptr);

/* Bytes handed out so far (for tests and benchmarks). */
size_t arena_used(const struct arena *a);

#endif
