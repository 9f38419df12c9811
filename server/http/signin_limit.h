/* signin_limit.h - the limits on guessing secrets (passwords, recovery codes, invite codes)
 * at sign-in, recovery, sign-up and Settings' current-password check. Only failures count:
 *   - per client (its address behind a trusted proxy, as a keyed hash; req_client_key):
 *     SIGNIN_CLIENT_FAILURES failures in SIGNIN_CLIENT_WINDOW_S, then 429 until the window
 *     ends. Other clients, the node as a whole, are not touched.
 *   - per account: after SIGNIN_ACCOUNT_FREE failures, each further one makes the next
 *     attempt at that account wait `signin_delay_first` seconds (1), then twice as long each
 *     time, up to `signin_delay_max` (60); an attempt
 *     during the wait gets 429 with Retry-After and is not looked at or counted. Once the
 *     wait is over the right password always gets in, so a member is slowed, never locked
 *     out. The count is forgotten after a success or SIGNIN_CLIENT_WINDOW_S without failures.
 * Nothing is stored or logged; a restart forgets everything.
 *
 * It lives in http/ because it counts clients of HTTP requests (req_client_key) and answers
 * with Retry-After, and both the web's forms (web/) and the client API's password grant
 * (api/oauth.c) use it: one count for both doors. */
#ifndef PARASOL_HTTP_SIGNIN_LIMIT_H
#define PARASOL_HTTP_SIGNIN_LIMIT_H

struct err;
struct req;

#define SIGNIN_CLIENT_FAILURES 30
#define SIGNIN_CLIENT_WINDOW_S (15 * 60)
#define SIGNIN_ACCOUNT_FREE 5

/* Makes the process's two tables (per client, per account) with the configuration's
 * `signin_delay_first` and `signin_delay_max` (seconds). -1 when out of memory. Call once at
 * start-up, before requests; signin_limit_free frees them. */
int signin_limit_init(int delay_first, int delay_max);
void signin_limit_free(void);

/* Before a secret is checked: 0 when this client may try, and may try for username (NULL
 * when no account is named, as at sign-up); else -1 with ERR_RATE_LIMITED in err (a message
 * safe to show) and a Retry-After header on req's response. */
int signin_limit_check(struct req *req, const char *username, struct err *err);

/* The secret was wrong: counts one failure for the client and for username (NULL: none). */
void signin_limit_failed(struct req *req, const char *username);

/* The password step of an account with two-factor sign-in, right or wrong: one failure of
 * the client, counted now (so that passwords tried without ever answering the code step are
 * limited too) and taken back by signin_limit_forgive when the code step signs in. Counted
 * alike either way, so the limits never tell whether the password was right. */
void signin_limit_challenged(struct req *req);

/* Takes back the client's failure signin_limit_challenged counted. */
void signin_limit_forgive(struct req *req);

/* The secret was right: username's failures are forgotten (the client's are not). */
void signin_limit_succeeded(struct req *req, const char *username);

#endif
