/* totp.c - see totp.h. */
#include "totp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "util/arena.h"
#include "util/clock.h"
#include "util/strbuf.h"

long
totp_hotp(const unsigned char *key, size_t keylen, uint64_t counter, int digits)
{
	unsigned char msg[8], md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	for (int i = 7; i >= 0; i--, counter >>= 8)
		msg[i] = (unsigned char)(counter & 0xff);
	if (digits < 6 || digits > 8 ||
	    HMAC(EVP_sha1(), key, (int)keylen, msg, sizeof msg, md, &mdlen) == NULL || mdlen != 20)
		return -1;
	int off = md[19] & 0x0f;
	uint32_t bin = ((uint32_t)(md[off] & 0x7f) << 24) | ((uint32_t)md[off + 1] << 16) |
		       ((uint32_t)md[off + 2] << 8) | md[off + 3];
	uint32_t mod = 1;
	for (int i = 0; i < digits; i++)
		mod *= 10;
	return (long)(bin % mod);
}

int64_t
totp_step(int64_t unix_time)
{
	return unix_time >= 0 ? unix_time / TOTP_PERIOD : -((-unix_time + TOTP_PERIOD - 1) / TOTP_PERIOD);
}

int
totp_is_code(const char *s)
{
	if (s == NULL)
		return 0;
	for (int i = 0; i < TOTP_DIGITS; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return s[TOTP_DIGITS] == '\0';
}

int64_t
totp_match(const unsigned char *key, size_t keylen, const char *code, int64_t now, int window,
	   int64_t last_step)
{
	if (!totp_is_code(code))
		return -1;
	long want = strtol(code, NULL, 10);
	int64_t step = totp_step(now), found = -1;
	/* every candidate is computed and compared, whichever matches, so the time taken does
	 * not tell which step (or whether any) did */
	for (int64_t s = step - window; s <= step + window; s++) {
		long v = s >= 0 ? totp_hotp(key, keylen, (uint64_t)s, TOTP_DIGITS) : -1;
		unsigned long diff = (unsigned long)(v ^ want);
		int match = v >= 0 && diff == 0 && s > last_step;
		if (match && found < 0)
			found = s;
	}
	return found;
}

char *
totp_uri(struct arena *a, const char *issuer, const char *account, const char *secret_b32)
{
	struct strbuf b;
	strbuf_init(&b, a);
	strbuf_puts(&b, "otpauth://totp/");
	strbuf_put_pct(&b, issuer, NULL);
	strbuf_putc(&b, ':');
	strbuf_put_pct(&b, account, NULL);
	strbuf_printf(&b, "?secret=%s&issuer=", secret_b32);
	strbuf_put_pct(&b, issuer, NULL);
	strbuf_printf(&b, "&algorithm=SHA1&digits=%d&period=%d", TOTP_DIGITS, TOTP_PERIOD);
	return b.data;
}

int64_t
totp_now(void)
{
	return clock_now();
}
