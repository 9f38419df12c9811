/* pages.h - public pages: the visitors' home page, the about page, the safety guide,
 * /healthz and /static/. */
#ifndef PARASOL_PAGES_H
#define PARASOL_PAGES_H

struct req;

/* GET / : the instance's name, description, rules and a sign-in link. */
int page_home(struct req *req);

/* GET /about : description, rules, what is and isn't stored, member count, version. */
int page_about(struct req *req);

/* GET /safety : the members' safety guide (templates/safety.html): what is stored, who sees
 * what, what peers receive, photos, handles, phones, a compromised account. The same for
 * everyone, so visitors get it from the page cache. */
int page_safety(struct req *req);

/* GET /healthz : 200 "ok" when PostgreSQL answers, 503 otherwise. Never cached. */
int page_healthz(struct req *req);

/* GET /robots.txt: every crawler is asked to stay out of everything (SAFETY.md: nothing here
 * is indexed; the pages say noindex too). */
int page_robots(struct req *req);

/* GET /static/:file */
int page_static(struct req *req);

#endif
