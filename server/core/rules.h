/* rules.h - the community's numbered rules: a short title and an explanation, written by
 * moderators and admins (the web layer checks the role), shown on the about page, at sign-up
 * and in reports and actions that cite them. Nothing ships pre-filled. */
#ifndef PARASOL_RULES_H
#define PARASOL_RULES_H

#include <stdint.h>

#include "db/rules.h" /* struct rule_row */
#include "util/i18n.h"

struct arena;
struct err;

#define RULE_TITLE_MAX 200 /* characters (code points) */
#define RULE_BODY_MAX 2000 /* characters */
#define RULES_MAX 100	   /* rules a node may have */

/* Every rule in order (rule_row.position is its number). The count, or -1 + err; *out is
 * arena-owned. */
int rules_list(struct arena *a, struct rule_row **out, struct err *err);

/* Every rule in order, each in its version in language l where it has one, else the
 * default version (what members and visitors reading in l see). The count, or -1 + err. */
int rules_list_in(struct arena *a, enum lang l, struct rule_row **out, struct err *err);

/* Every rule's version in language l, in order: title and body NULL where there is none.
 * The count, or -1 + err. */
int rule_translations(struct arena *a, enum lang l, struct rule_row **out, struct err *err);

/* A rule's version in a language, as a form sends it. */
struct rule_translation {
	int64_t id;	   /* the rule */
	const char *title; /* "" (with an empty body): no version, the default shows */
	const char *body;
};

/* Stores the versions in language l of n rules, in one transaction; each is trimmed and
 * checked as rule_create does, except that an empty title with an empty body removes the
 * version. ERR_UNPROCESSABLE (*bad gets the rule's id) for a bad title or body, or a body
 * without a title; ERR_NOT_FOUND when a rule doesn't exist. Nothing is stored on an error.
 * 0, or -1 + err. */
int rules_translate(struct arena *a, enum lang l, const struct rule_translation *t, int n,
		    int64_t *bad, struct err *err);

/* Adds a rule after the last one. Title and body are trimmed of surrounding white space;
 * ERR_UNPROCESSABLE when the title is empty or longer than RULE_TITLE_MAX characters, the
 * body longer than RULE_BODY_MAX, or there are RULES_MAX rules already. *id may be NULL. */
int rule_create(struct arena *a, const char *title, const char *body, int64_t *id, struct err *err);

/* Replaces rule id's title and body (checked as rule_create does). ERR_NOT_FOUND when there
 * is no such rule. */
int rule_update(struct arena *a, int64_t id, const char *title, const char *body, struct err *err);

/* Moves rule id one place up (delta -1) or down (+1), swapping it with its neighbour in one
 * transaction; at the top or the bottom nothing changes. ERR_NOT_FOUND when there is no such
 * rule. */
int rule_move(struct arena *a, int64_t id, int delta, struct err *err);

/* Deletes rule id and renumbers the ones after it, in one transaction. ERR_NOT_FOUND when
 * there is no such rule. */
int rule_delete(struct arena *a, int64_t id, struct err *err);

#endif
