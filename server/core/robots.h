/* robots.h - the text of robots.txt. Everything is disallowed, except, for each member of
 * this node who chose it in their settings, their profile page ("discoverable") and their
 * posts' pages ("indexable"; only public posts' pages leave out noindex, see
 * web_welcome_search_engines). */
#ifndef PARASOL_CORE_ROBOTS_H
#define PARASOL_CORE_ROBOTS_H

struct arena;
struct err;

#define ROBOTS_MAX_MEMBERS 10000 /* members listed at most (a larger node lists the first) */

/* robots.txt for now (arena), or NULL + err when the database can't be read (the caller then
 * serves robots_disallow_all). */
const char *robots_txt(struct arena *a, struct err *err);

/* robots.txt that disallows everything. */
extern const char robots_disallow_all[];

#endif
