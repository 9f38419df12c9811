/* secretbox.c - see secretbox.h. */
#include "secretbox.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "util/arena.h"
#include "util/err.h"

#define NONCE 12
#define TAG 16
#define MAX_PLAIN 256

/* Reads exactly SECRETBOX_KEY_BYTES from path: 0, 1 when it does not exist, -1 otherwise. */
static int
read_key(const char *path, unsigned char key[SECRETBOX_KEY_BYTES])
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 1 : -1;
	unsigned char extra;
	ssize_t n = read(fd, key, SECRETBOX_KEY_BYTES);
	ssize_t more = read(fd, &extra, 1);
	close(fd);
	return n == SECRETBOX_KEY_BYTES && more == 0 ? 0 : -1;
}

int
secretbox_key_load(const char *path, unsigned char key[SECRETBOX_KEY_BYTES], struct err *err)
{
	int rc = read_key(path, key);
	if (rc == 1) {
		unsigned char fresh[SECRETBOX_KEY_BYTES];
		char tmp[4096];
		if (RAND_bytes(fresh, sizeof fresh) != 1 ||
		    snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid()) >= (int)sizeof tmp)
			return err_set(err, ERR_INTERNAL, NULL, "cannot make the node key");
		int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		bool ok = fd >= 0 && write(fd, fresh, sizeof fresh) == (ssize_t)sizeof fresh &&
			  fsync(fd) == 0;
		if (fd >= 0)
			close(fd);
		/* link() fails if another process put its key there first: then theirs counts */
		if (ok && link(tmp, path) != 0 && errno != EEXIST)
			ok = false;
		unlink(tmp);
		OPENSSL_cleanse(fresh, sizeof fresh);
		if (!ok)
			return err_set(err, ERR_INTERNAL, NULL, "cannot write the node key %s: %s",
				       path, strerror(errno));
		rc = read_key(path, key);
	}
	if (rc != 0)
		return err_set(err, ERR_INTERNAL, NULL, "cannot read the node key %s", path);
	return 0;
}

static const char hexdigits[] = "0123456789abcdef";

char *
secretbox_seal(struct arena *a, const unsigned char key[SECRETBOX_KEY_BYTES], const char *aad,
	       const unsigned char *plain, size_t n, struct err *err)
{
	if (n > MAX_PLAIN) {
		err_set(err, ERR_INTERNAL, NULL, "secret too long to seal");
		return NULL;
	}
	unsigned char box[NONCE + MAX_PLAIN + TAG];
	int len = 0, fin = 0;
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	bool ok = ctx != NULL && RAND_bytes(box, NONCE) == 1 &&
		  EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, box) == 1 &&
		  EVP_EncryptUpdate(ctx, NULL, &len, (const unsigned char *)aad,
				    (int)strlen(aad)) == 1 &&
		  EVP_EncryptUpdate(ctx, box + NONCE, &len, plain, (int)n) == 1 &&
		  EVP_EncryptFinal_ex(ctx, box + NONCE + len, &fin) == 1 &&
		  EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, TAG, box + NONCE + n) == 1;
	EVP_CIPHER_CTX_free(ctx);
	if (!ok) {
		OPENSSL_cleanse(box, sizeof box);
		err_set(err, ERR_INTERNAL, NULL, "sealing a secret failed");
		return NULL;
	}
	size_t total = NONCE + n + TAG;
	char *hex = arena_alloc(a, total * 2 + 1);
	for (size_t i = 0; i < total; i++) {
		hex[2 * i] = hexdigits[box[i] >> 4];
		hex[2 * i + 1] = hexdigits[box[i] & 15];
	}
	hex[total * 2] = '\0';
	OPENSSL_cleanse(box, sizeof box);
	return hex;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

long
secretbox_open(const unsigned char key[SECRETBOX_KEY_BYTES], const char *aad,
	       const char *sealed, unsigned char *out, size_t outsz, struct err *err)
{
	size_t hexlen = sealed ? strlen(sealed) : 0;
	unsigned char box[NONCE + MAX_PLAIN + TAG];
	if (hexlen % 2 != 0 || hexlen / 2 < NONCE + TAG || hexlen / 2 > sizeof box)
		return err_set(err, ERR_INTERNAL, NULL, "a sealed secret is malformed");
	size_t total = hexlen / 2, n = total - NONCE - TAG;
	for (size_t i = 0; i < total; i++) {
		int hi = hexval(sealed[2 * i]), lo = hexval(sealed[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return err_set(err, ERR_INTERNAL, NULL, "a sealed secret is malformed");
		box[i] = (unsigned char)(hi << 4 | lo);
	}
	if (n > outsz)
		return err_set(err, ERR_INTERNAL, NULL, "a sealed secret is too long");
	int len = 0, fin = 0;
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	bool ok = ctx != NULL && EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, box) == 1 &&
		  EVP_DecryptUpdate(ctx, NULL, &len, (const unsigned char *)aad,
				    (int)strlen(aad)) == 1 &&
		  EVP_DecryptUpdate(ctx, out, &len, box + NONCE, (int)n) == 1 &&
		  EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, TAG, box + NONCE + n) == 1 &&
		  EVP_DecryptFinal_ex(ctx, out + len, &fin) == 1;
	EVP_CIPHER_CTX_free(ctx);
	OPENSSL_cleanse(box, sizeof box);
	if (!ok) {
		OPENSSL_cleanse(out, n);
		return err_set(err, ERR_INTERNAL, NULL,
			       "a sealed secret does not open (another node key, or changed)");
	}
	return (long)n;
}
