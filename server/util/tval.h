/* tval.h - the values templates render: a tree of objects, lists and scalars in an arena.
 *
 * Keys and strings are copied into the arena of the object or list they are put in, so the
 * caller's buffers may be reused at once. Setting an existing key replaces its value. Nothing
 * here is freed on its own: the arena owns every value. tmpl.h includes this header. */
#ifndef PARASOL_TVAL_H
#define PARASOL_TVAL_H

#include <stddef.h>

struct arena;

/* A value: object, list, string, trusted HTML, integer or boolean. */
struct tval;

/* One element of a list, for walking it (tval_items). */
struct tval_item;

enum tval_kind { TVAL_STR, TVAL_HTML, TVAL_INT, TVAL_BOOL, TVAL_OBJ, TVAL_LIST };

/* ---- building ---------------------------------------------------------------------------- */

/* Returns a new empty object / list owned by a (never NULL). */
struct tval *tval_obj(struct arena *a);
struct tval *tval_list(struct arena *a);

/* Sets key to a copy of s (NULL stores ""). Rendered escaped. A NULL obj is ignored. */
void tval_set_str(struct tval *obj, const char *key, const char *s);

/* Sets key to an integer (rendered in decimal; true in a section when non-zero). */
void tval_set_int(struct tval *obj, const char *key, long long v);

/* Sets key to a boolean (for sections; rendered as "true"/"false" in {{name}}). */
void tval_set_bool(struct tval *obj, const char *key, int b);

/* Sets key to child (an object or list, not copied: it must live as long as obj).
 * A NULL child is ignored. */
void tval_set(struct tval *obj, const char *key, struct tval *child);

/* Sets key to a copy of TRUSTED HTML, the only kind {{& key}} will output unescaped.
 * Pass ONLY the output of the HTML sanitiser or of core's own text-to-HTML renderer,
 * never input from people or remote servers. In {{key}} it is escaped like a string. */
void tval_set_html(struct tval *obj, const char *key, const char *html);

/* Appends item (not copied) / a copy of s to a list. Pushing on something that is not a
 * list, or a NULL item, is logged and ignored. */
void tval_push(struct tval *list, struct tval *item);
void tval_push_str(struct tval *list, const char *s);

/* ---- reading (for the renderer) ---------------------------------------------------------- */

/* The kind of v (v must not be NULL). */
enum tval_kind tval_kind(const struct tval *v);

/* The value of the len-byte key in obj, or NULL when obj is NULL, not an object, or has no
 * such key. The result is owned by obj's arena. */
const struct tval *tval_get(const struct tval *obj, const char *key, size_t len);

/* The text of a string or trusted-HTML value (owned by its arena), else NULL. */
const char *tval_str(const struct tval *v);

/* The text a scalar renders as: the string, an integer formatted into buf (size bytes),
 * "true"/"false"; "" for objects, lists and NULL. Never NULL. */
const char *tval_text(const struct tval *v, char *buf, size_t size);

/* Whether a section over v renders: non-empty strings, non-zero numbers, true, non-empty
 * lists and any object; NULL (a missing key) is false. */
int tval_truthy(const struct tval *v);

/* The first element of a list (NULL when empty or v is not a list), the element after it,
 * and its value: for (it = tval_items(l); it != NULL; it = tval_item_next(it)) ... */
const struct tval_item *tval_items(const struct tval *list);
const struct tval_item *tval_item_next(const struct tval_item *it);
const struct tval *tval_item_value(const struct tval_item *it);

#endif
