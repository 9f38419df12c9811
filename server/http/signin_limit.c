/* signin_limit.c - see signin_limit.h. */
#include "http/signin_limit.h"

#include <stdio.h>
#include <string.h>

#include "http/backoff.h"
#include "http/ratelimit.h"
#include "http/request.h"
#include "http/respond.h"
#include "util/arena.h"
#include "util/err.h"

/* The process's tables: made at start-up, read by every handler thread (each is
 * thread-safe). */
static struct ratelimit *by_client; /* failed sign-ins per client (keyed hash) */
static struct backoff *by_account;  /* failed sign-ins per username (keyed hash) */

int
signin_limit_init(int delay_first, int delay_max)
{
	struct backoff_rule rule = {
	    .free_failures = SIGNIN_ACCOUNT_FREE,
	    .base_ms = (int64_t)delay_first * 1000,
	    .max_ms = (int64_t)(delay_max > delay_first ? delay_max : delay_first) * 1000,
	    .forget_ms = (int64_t)SIGNIN_CLIENT_WINDOW_S * 1000,
	};
	signin_limit_free();
	by_client = ratelimit_new(4096, SIGNIN_CLIENT_FAILURES, SIGNIN_CLIENT_WINDOW_S, NULL);
	by_account = backoff_new(4096, &rule, NULL);
	return by_client && by_account ? 0 : -1;
}

void
signin_limit_free(void)
{
	ratelimit_free(by_client);
	backoff_free(by_account);
	by_client = NULL;
	by_account = NULL;
}

/* The account's key: a keyed hash of the username in lower case (usernames are
 * case-insensitive, and so is their limit). */
static void
account_key(const char *username, char key[33])
{
	char lower[256];
	size_t n = strlen(username);
	if (n >= sizeof lower)
		n = sizeof lower - 1;
	for (size_t i = 0; i < n; i++) {
		char c = username[i];
		lower[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
	}
	req_keyed_hash(lower, n, key);
}

static void
retry_after(struct req *req, int64_t wait_ms)
{
	long s = (long)((wait_ms + 999) / 1000);
	resp_replace_header(req, "Retry-After", arena_printf(req->arena, "%ld", s > 0 ? s : 1));
}

int
signin_limit_check(struct req *req, const char *username, struct err *err)
{
	char client[33];
	req_client_key(req, client);
	int64_t wait = ratelimit_wait_ms(by_client, client);
	if (wait > 0) {
		retry_after(req, wait);
		return err_set(err, ERR_RATE_LIMITED,
			       "Too many sign-in attempts. Please wait a quarter of an hour.",
			       "too many failures from one client");
	}
	if (username == NULL || *username == '\0')
		return 0;
	char key[33];
	account_key(username, key);
	wait = backoff_wait_ms(by_account, key);
	if (wait > 0) {
		retry_after(req, wait);
		return err_set(err, ERR_RATE_LIMITED,
			       "Many wrong passwords were tried for this account. Please wait a "
			       "minute and try again.",
			       "account slowed down after failures");
	}
	return 0;
}

void
signin_limit_failed(struct req *req, const char *username)
{
	char client[33];
	req_client_key(req, client);
	ratelimit_hit(by_client, client);
	if (username != NULL && *username != '\0') {
		char key[33];
		account_key(username, key);
		backoff_failure(by_account, key);
	}
}

void
signin_limit_challenged(struct req *req)
{
	signin_limit_failed(req, NULL);
}

void
signin_limit_forgive(struct req *req)
{
	char client[33];
	req_client_key(req, client);
	ratelimit_forgive(by_client, client);
}

void
signin_limit_succeeded(struct req *req, const char *username)
{
	(void)req; /* the client's failures stay: only the account's are forgotten */
	if (username == NULL || *username == '\0')
		return;
	char key[33];
	account_key(username, key);
	backoff_reset(by_account, key);
}
