/* tval.c - render values: objects keep their fields in insertion order, lists their items,
 * both as linked lists in the arena (an object holds tens of fields: a scan is fast enough,
 * when it compares each field's hash and length before its bytes). */
#include "tval.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "log.h"
#include "util/hash.h"

struct tval_field {
	const char *key;
	size_t len;    /* strlen(key) */
	uint64_t hash; /* hash_bytes(key, len) */
	struct tval *val;
	struct tval_field *next;
};

struct tval_item {
	struct tval *val;
	struct tval_item *next;
};

struct tval {
	enum tval_kind kind;
	struct arena *arena;
	const char *str; /* STR, HTML */
	long long num;	 /* INT, BOOL */
	struct tval_field *fields, *last_field;
	struct tval_item *items, *last_item;
	size_t count;
};

static struct tval *
tval_new(struct arena *a, enum tval_kind kind)
{
	struct tval *v = arena_alloc(a, sizeof(*v));
	v->kind = kind;
	v->arena = a;
	return v;
}

struct tval *
tval_obj(struct arena *a)
{
	return tval_new(a, TVAL_OBJ);
}

struct tval *
tval_list(struct arena *a)
{
	return tval_new(a, TVAL_LIST);
}

static struct tval_field *
find_field(const struct tval *obj, const char *key, size_t len, uint64_t hash)
{
	for (struct tval_field *f = obj->fields; f != NULL; f = f->next)
		if (f->hash == hash && f->len == len && memcmp(f->key, key, len) == 0)
			return f;
	return NULL;
}

const struct tval *
tval_get(const struct tval *obj, const char *key, size_t len)
{
	if (obj == NULL || obj->kind != TVAL_OBJ)
		return NULL;
	struct tval_field *f = find_field(obj, key, len, hash_bytes(key, len));
	return f != NULL ? f->val : NULL;
}

static void
obj_put(struct tval *obj, const char *key, struct tval *val)
{
	if (obj == NULL || obj->kind != TVAL_OBJ || key == NULL) {
		log_msg(LOG_ERROR, "tmpl: value set on something that is not an object");
		return;
	}
	size_t len = strlen(key);
	uint64_t hash = hash_bytes(key, len);
	struct tval_field *f = find_field(obj, key, len, hash);
	if (f != NULL) {
		f->val = val;
		return;
	}
	f = arena_alloc(obj->arena, sizeof(*f));
	f->key = arena_strdup(obj->arena, key);
	f->len = len;
	f->hash = hash;
	f->val = val;
	if (obj->last_field != NULL)
		obj->last_field->next = f;
	else
		obj->fields = f;
	obj->last_field = f;
}

static struct tval *
scalar_str(struct tval *owner, enum tval_kind kind, const char *s)
{
	struct tval *v = tval_new(owner->arena, kind);
	v->str = arena_strdup(owner->arena, s != NULL ? s : "");
	return v;
}

void
tval_set_str(struct tval *obj, const char *key, const char *s)
{
	if (obj != NULL)
		obj_put(obj, key, scalar_str(obj, TVAL_STR, s));
}

void
tval_set_html(struct tval *obj, const char *key, const char *html)
{
	if (obj != NULL)
		obj_put(obj, key, scalar_str(obj, TVAL_HTML, html));
}

static void
set_num(struct tval *obj, const char *key, enum tval_kind kind, long long n)
{
	if (obj == NULL)
		return;
	struct tval *v = tval_new(obj->arena, kind);
	v->num = n;
	obj_put(obj, key, v);
}

void
tval_set_int(struct tval *obj, const char *key, long long v)
{
	set_num(obj, key, TVAL_INT, v);
}

void
tval_set_bool(struct tval *obj, const char *key, int b)
{
	set_num(obj, key, TVAL_BOOL, b != 0);
}

void
tval_set(struct tval *obj, const char *key, struct tval *child)
{
	if (child != NULL)
		obj_put(obj, key, child);
}

void
tval_push(struct tval *list, struct tval *item)
{
	if (list == NULL || list->kind != TVAL_LIST || item == NULL) {
		log_msg(LOG_ERROR, "tmpl: push on something that is not a list");
		return;
	}
	struct tval_item *it = arena_alloc(list->arena, sizeof(*it));
	it->val = item;
	if (list->last_item != NULL)
		list->last_item->next = it;
	else
		list->items = it;
	list->last_item = it;
	list->count++;
}

void
tval_push_str(struct tval *list, const char *s)
{
	if (list != NULL)
		tval_push(list, scalar_str(list, TVAL_STR, s));
}

enum tval_kind
tval_kind(const struct tval *v)
{
	return v->kind;
}

const char *
tval_str(const struct tval *v)
{
	if (v == NULL || (v->kind != TVAL_STR && v->kind != TVAL_HTML))
		return NULL;
	return v->str;
}

const char *
tval_text(const struct tval *v, char *buf, size_t size)
{
	if (v == NULL)
		return "";
	switch (v->kind) {
	case TVAL_STR:
	case TVAL_HTML:
		return v->str;
	case TVAL_INT:
		snprintf(buf, size, "%lld", v->num);
		return buf;
	case TVAL_BOOL:
		return v->num ? "true" : "false";
	default:
		return "";
	}
}

int
tval_truthy(const struct tval *v)
{
	if (v == NULL)
		return 0;
	switch (v->kind) {
	case TVAL_STR:
	case TVAL_HTML:
		return v->str[0] != '\0';
	case TVAL_INT:
	case TVAL_BOOL:
		return v->num != 0;
	case TVAL_LIST:
		return v->count > 0;
	default:
		return 1;
	}
}

const struct tval_item *
tval_items(const struct tval *list)
{
	if (list == NULL || list->kind != TVAL_LIST)
		return NULL;
	return list->items;
}

const struct tval_item *
tval_item_next(const struct tval_item *it)
{
	return it->next;
}

const struct tval *
tval_item_value(const struct tval_item *it)
{
	return it->val;
}
