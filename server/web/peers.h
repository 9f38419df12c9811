/* peers.h - web pages: the admin's federation page (/admin/peers): the mode, the peers list,
 * and the contact attempts of unknown domains. */
#ifndef PARASOL_WEB_PEERS_H
#define PARASOL_WEB_PEERS_H

struct router;

/* Registers this page group's routes. 0, or -1 for a bad pattern. */
int web_peers_routes(struct router *r);

#endif
