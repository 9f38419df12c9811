/* secretbox.h - secrets the server must read back (TOTP secrets) sealed with a node key:
 * AES-256-GCM from OpenSSL, a fresh 96-bit nonce each time, and associated data that binds
 * the sealed text to its owner (a row's id), so that a sealed value copied onto another row
 * does not open. The key is a 32-byte file the server makes on first use (mode 0600) in its
 * data directory, apart from the database: a leaked dump or backup of the database alone
 * holds no readable secret. */
#ifndef PARASOL_SECRETBOX_H
#define PARASOL_SECRETBOX_H

#include <stddef.h>

struct arena;
struct err;

#define SECRETBOX_KEY_BYTES 32

/* Reads the key from path, or makes it there (random, 0600; made under another name and
 * linked into place, so two processes starting at once agree on one key). 0, or -1 + err
 * (ERR_INTERNAL) when the file can't be read or made, or has the wrong size. */
int secretbox_key_load(const char *path, unsigned char key[SECRETBOX_KEY_BYTES],
		       struct err *err);

/* Seals n bytes of plain with key, bound to aad: lower-case hex of nonce, ciphertext and
 * tag (arena), or NULL + err. */
char *secretbox_seal(struct arena *a, const unsigned char key[SECRETBOX_KEY_BYTES],
		     const char *aad, const unsigned char *plain, size_t n, struct err *err);

/* Opens what secretbox_seal made into out (outsz bytes at least the plain text's length):
 * the plain text's length, or -1 + ERR_INTERNAL when it is malformed, was sealed with
 * another key or for another aad, or was changed. */
long secretbox_open(const unsigned char key[SECRETBOX_KEY_BYTES], const char *aad,
		    const char *sealed, unsigned char *out, size_t outsz, struct err *err);

#endif
