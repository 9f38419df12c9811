/* token.h - random tokens (sessions, invites, recovery codes, CSRF) and their stored form. */
#ifndef PARASOL_TOKEN_H
#define PARASOL_TOKEN_H

#include <stddef.h>

struct arena;
struct err;

/* bytes (at most 64) random bytes from OpenSSL's CSPRNG as unpadded base64url, owned by the
 * arena (32 bytes give 43 characters). NULL + ERR_INTERNAL if the CSPRNG fails. */
char *token_random(struct arena *a, size_t bytes, struct err *err);

/* The SHA-256 of s in PostgreSQL's bytea input form ("\x" + 64 hex digits), owned by the
 * arena: what is stored instead of a token. */
char *token_hash(struct arena *a, const char *s);

/* A token derived from secret for one purpose: HMAC-SHA256(secret, purpose) as unpadded
 * base64url (43 characters), owned by the arena. The session's CSRF token is this of the
 * session token: it changes with every session and nobody can choose it. */
char *token_derive(struct arena *a, const char *secret, const char *purpose);

/* The SHA-256 of s as unpadded base64url (43 characters), owned by the arena: the PKCE
 * S256 transform of a code verifier (RFC 7636). */
char *token_sha256_b64url(struct arena *a, const char *s);

/* Compares two strings in time independent of where they differ (for secrets). */
int token_equal(const char *x, const char *y);

#endif
