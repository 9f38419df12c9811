/* tmpl.h - logic-less HTML templates (mustache-like) that escape by default.
 *
 * Templates are parsed once at start; the parser follows the HTML around each tag and
 * refuses templates that put a value where escaping cannot make it safe (tag or attribute
 * names, unquoted attribute values, <script>/<style>, event-handler and style attributes).
 *
 * Syntax: {{name}} {{a.b}} {{.}} (escaped), {{& name}} (trusted HTML, text only),
 * {{#name}}..{{/name}}, {{^name}}..{{/name}}, {{> partial}}, {{! comment}},
 * {{_ Text to translate with {placeholders}}}. */
#ifndef PARASOL_TMPL_H
#define PARASOL_TMPL_H

#include <stddef.h>

#include "tval.h" /* the render context: struct tval and tval_* */

struct arena;
struct err;
struct strbuf;

/* All the templates of one directory, parsed and checked once. */
struct tmpl_set;

/* Loads and checks every *.html file in dir (name = file name without ".html"). The caller
 * owns the set (tmpl_set_free). NULL + err (detail "file.html:LINE: message") on failure. */
struct tmpl_set *tmpl_set_load(const char *dir, struct err *err);

/* Same as tmpl_set_load from n in-memory templates (texts are copied); for tests. */
struct tmpl_set *tmpl_set_from_strings(const char *const *names, const char *const *texts, size_t n,
				       struct err *err);

/* Frees the set and everything parsed into it. NULL is a no-op. */
void tmpl_set_free(struct tmpl_set *set);

/* Returns 1 if the set has a template called name, else 0. */
int tmpl_has(const struct tmpl_set *set, const char *name);

/* Returns the translation of msgid (or NULL for "use msgid"); must stay valid during render. */
typedef const char *(*tmpl_translate_fn)(void *arg, const char *msgid);

/* Renders template name with ctx (may be NULL) and appends the HTML to out. tr may be NULL
 * (texts are used untranslated). Returns 0, or -1 + err (ERR_INTERNAL) for an unknown
 * template, a non-HTML value in {{& }} or partials nested too deeply; out may then hold
 * part of the page and must be discarded. */
int tmpl_render(const struct tmpl_set *set, const char *name, const struct tval *ctx,
		tmpl_translate_fn tr, void *tr_arg, struct strbuf *out, struct err *err);

#endif
