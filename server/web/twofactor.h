/* twofactor.h - the pages of two-factor sign-in (core/twofactor.h): the code step of signing
 * in (GET/POST /login/code) and setting it up or turning it off in Settings
 * (GET /settings/two-factor, POST /settings/two-factor/start, /enable, /disable). */
#ifndef PARASOL_WEB_TWOFACTOR_H
#define PARASOL_WEB_TWOFACTOR_H

#include <stdbool.h>
#include <stdint.h>

struct req;
struct router;
struct tval;

int web_twofactor_routes(struct router *r);

/* After the password step for account_id, which has two-factor on (password_ok: whether
 * the password was right; the answer is the same either way): starts the challenge, sets
 * its cookie and redirects to the code step. next: where to go once signed in. 0, or -1 +
 * req->err. */
int web_code_step(struct req *req, int64_t account_id, bool password_ok, const char *next);

/* two_factor_on: whether the viewer has two-factor sign-in on (the Settings section, and the
 * pages whose form asks for the password and then the code: export, deletion, moving). */
void web_twofactor_keys(struct req *req, struct tval *ctx);

#endif
