/* search.h - web pages: search (placeholder until written). */
#ifndef PARASOL_WEB_SEARCH_H
#define PARASOL_WEB_SEARCH_H

struct router;

/* Registers this page group's routes. 0, or -1 for a bad pattern. */
int web_search_routes(struct router *r);

#endif
