/* totp.h - one-time codes for two-factor sign-in: HOTP (RFC 4226) and TOTP (RFC 6238) with
 * HMAC-SHA1 from OpenSSL, 6 digits, 30-second steps, the step before and after the server's
 * own accepted (a phone's clock a little off), each step at most once (replay). Pure but for
 * the clock (totp_now). */
#ifndef PARASOL_TOTP_H
#define PARASOL_TOTP_H

#include <stddef.h>
#include <stdint.h>

struct arena;

#define TOTP_SECRET_BYTES 20 /* 160 bits, RFC 4226's recommendation */
#define TOTP_DIGITS 6
#define TOTP_PERIOD 30
#define TOTP_WINDOW 1 /* steps accepted either side of now */

/* The HOTP value of counter under key: the dynamically truncated HMAC-SHA1 modulo
 * 10^digits (digits 6 to 8). -1 if HMAC fails. */
long totp_hotp(const unsigned char *key, size_t keylen, uint64_t counter, int digits);

/* The TOTP step of a Unix time: floor(t / TOTP_PERIOD). */
int64_t totp_step(int64_t unix_time);

/* Which step a code answers: the step s in [step(now) - window, step(now) + window] with
 * s > last_step whose TOTP_DIGITS-digit code is code (exactly TOTP_DIGITS ASCII digits),
 * compared in constant time. The step, or -1 when none (wrong, malformed, too old or too
 * new, or its step was used already). */
int64_t totp_match(const unsigned char *key, size_t keylen, const char *code, int64_t now,
		   int window, int64_t last_step);

/* Whether s is TOTP_DIGITS ASCII digits (a code, not a recovery code). */
int totp_is_code(const char *s);

/* The otpauth:// URI authenticator apps read from the QR code (arena): the issuer (the
 * node's name) and account as label, the base32 secret, SHA1, 6 digits, 30 s. */
char *totp_uri(struct arena *a, const char *issuer, const char *account,
	       const char *secret_b32);

/* The time codes are checked against: clock_now() (util/clock.h), whose test clock
 * (PARASOL_TEST_CLOCK_FILE) is how the HTTP tests move it a step or two without waiting. */
int64_t totp_now(void);

#endif
