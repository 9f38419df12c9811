/* rules.h - SQL for the rules table (the community's numbered rules). */
#ifndef PARASOL_DB_RULES_H
#define PARASOL_DB_RULES_H

#include <stdint.h>

struct arena;
struct err;

/* A rule: position is its number (1-based, no gaps). */
struct rule_row {
	int64_t id;
	int position;
	const char *title;
	const char *body;
};

/* Every rule ordered by position; *out is arena-owned. The count, or -1 + err. */
int db_rules_list(struct arena *a, struct rule_row **out, struct err *err);

/* Every rule ordered by position, each in its version in language lang (a tag, "zh-CN")
 * where it has one, else the default. The count, or -1 + err. */
int db_rules_list_lang(struct arena *a, const char *lang, struct rule_row **out,
		       struct err *err);

/* Every rule's version in language lang, by position: rows hold the rule's id and position
 * and the version's title and body, both NULL where there is none. The count, or -1 + err. */
int db_rule_translations(struct arena *a, const char *lang, struct rule_row **out,
			 struct err *err);

/* Stores rule id's version in lang; an empty title deletes it. Rows written (0 when there is
 * no such rule), or -1 + err. */
int db_rule_translation_put(struct arena *a, int64_t id, const char *lang, const char *title,
			    const char *body, struct err *err);

/* Locks the table against other writers until the transaction ends (call inside one). */
int db_rules_lock(struct arena *a, struct err *err);

/* The number of rules, or -1 + err. */
int db_rules_count(struct arena *a, struct err *err);

/* Appends a rule after the last one; *id gets its id. 0, or -1 + err. */
int db_rule_insert(struct arena *a, const char *title, const char *body, int64_t *id,
		   struct err *err);

/* Replaces rule id's title and body. Rows matched (0 or 1), or -1 + err. */
int db_rule_update(struct arena *a, int64_t id, const char *title, const char *body,
		   struct err *err);

/* Rule id's position, 0 when there is no such rule, or -1 + err. */
int db_rule_position(struct arena *a, int64_t id, struct err *err);

/* Swaps the rules at positions p and q. Rows changed, or -1 + err. */
int db_rule_swap(struct arena *a, int p, int q, struct err *err);

/* Deletes rule id; *position gets the position it had. Rows deleted (0 or 1), or -1 + err. */
int db_rule_delete(struct arena *a, int64_t id, int *position, struct err *err);

/* Moves every rule after position up by one (closing the gap a deletion left). 0 or -1. */
int db_rules_close_gap(struct arena *a, int position, struct err *err);

#endif
