/* social.h - web pages: social (placeholder until written). */
#ifndef PARASOL_WEB_SOCIAL_H
#define PARASOL_WEB_SOCIAL_H

struct router;

/* Registers this page group's routes. 0, or -1 for a bad pattern. */
int web_social_routes(struct router *r);

#endif
