/* web.h - the HTML side: page routes, rendering a template inside the site layout, error
 * pages. Handlers here stay thin: they call core/ and hand the results to a template. */
#ifndef PARASOL_WEB_H
#define PARASOL_WEB_H

struct req;
struct router;
struct tval;

/* Registers every web route (pages, /static/, /healthz). 0, or -1 for a bad pattern. */
int web_routes(struct router *r);

/* Renders template name into req->resp with status, adding the keys every page has (lang,
 * title (translated here), instance_name, instance_description, version, signed_in).
 * ctx may be NULL. Returns 0, or -1 with req->err set when the template fails. */
int web_render(struct req *req, int status, const char *name, const char *title,
	       struct tval *ctx);

/* The error answer for status and message (an English msgid, translated here): a page, or
 * {"error": "..."} when the client prefers JSON. Used as http_options.render_error. */
void web_render_error(struct req *req, int status, const char *message);

/* Runs before routing: today nothing beyond the language negotiated by http/ (members'
 * sessions and language settings arrive with the members issue). */
int web_before(struct req *req);

#endif
