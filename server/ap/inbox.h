/* inbox.h - POST /inbox (shared), /users/:name/inbox and /actor/inbox. Verify, check the
 * allowlist, store, answer: the request is verified (ap/verify.c, which also refuses
 * non-peers with 403 before anything is stored), the activity's actor must be the signer
 * and its id on the signer's host, the signer's domain must be within its rate limit (429
 * with Retry-After otherwise), then it is stored as an 'inbox' job by the group commit
 * (jobs/group.h: the handler thread is freed at once) and answered 202 once the commit that
 * holds it is done (503 when the database is away, nothing stored). A worker applies it
 * later (ap/receive.c). */
#ifndef PARASOL_AP_INBOX_H
#define PARASOL_AP_INBOX_H

struct router;

/* The window of the per-peer inbox rate limit (config inbox_rate_limit per window): past
 * it a peer's verified activities are answered 429 with Retry-After. */
#define INBOX_RATE_WINDOW_S 60

/* Registers the inbox routes. 0, or -1. */
int ap_inbox_routes(struct router *r);

#endif
