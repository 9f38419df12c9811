/* discovery.h - /.well-known/webfinger, /.well-known/host-meta, /.well-known/nodeinfo and
 * /nodeinfo/2.0, /nodeinfo/2.1. Public: peers need them before they can sign anything. */
#ifndef PARASOL_AP_DISCOVERY_H
#define PARASOL_AP_DISCOVERY_H

struct router;

/* Registers the discovery routes. 0, or -1. */
int ap_discovery_routes(struct router *r);

#endif
