/* inbox.h - POST /inbox (shared), /users/:name/inbox and /actor/inbox. Verify, check the
 * allowlist, store, answer: the request is verified (ap/verify.c, which also refuses
 * non-peers with 403 before anything is stored), the activity's actor must be the signer
 * and its id on the signer's host, then it is queued as an 'inbox' job and answered 202. A
 * worker applies it later (ap/receive.c). */
#ifndef PARASOL_AP_INBOX_H
#define PARASOL_AP_INBOX_H

struct router;

/* Registers the inbox routes. 0, or -1. */
int ap_inbox_routes(struct router *r);

#endif
