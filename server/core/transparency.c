/* transparency.c - the monthly counts of moderation, gathered from one query into a row per
 * month. */
#include "core/transparency.h"

#include <string.h>

#include "db/transparency.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/i18n.h"

static const char *const labels[MOD__MAX] = {
    [MOD_DISMISS] = N_("Reports dismissed"),
    [MOD_SENSITIVE] = N_("Posts marked sensitive"),
    [MOD_HIDE] = N_("Posts hidden"),
    [MOD_DELETE] = N_("Posts deleted"),
    [MOD_WARN] = N_("Warnings"),
    [MOD_LIMIT] = N_("Accounts limited"),
    [MOD_UNLIMIT] = N_("Limits lifted"),
    [MOD_SUSPEND] = N_("Accounts suspended"),
    [MOD_UNSUSPEND] = N_("Suspensions lifted"),
    [MOD_REJECT_MEDIA] = N_("Servers whose media are refused"),
    [MOD_ACCEPT_MEDIA] = N_("Servers whose media are accepted again"),
    [MOD_LIMIT_DOMAIN] = N_("Servers limited"),
    [MOD_UNLIMIT_DOMAIN] = N_("Server limits lifted"),
    [MOD_DEFEDERATE] = N_("Servers defederated"),
    [MOD_GRANT_MODERATOR] = N_("Moderators appointed"),
    [MOD_REVOKE_MODERATOR] = N_("Moderators removed"),
    [MOD_LOCKDOWN] = N_("Lockdowns"),
};

static const char *const sources[TR_SOURCE__MAX] = {
    [TR_FROM_MEMBER] = "member",
    [TR_FROM_PEER] = "peer",
    [TR_FROM_RULE] = "rule",
};

const char *
transparency_kind_label(enum mod_kind k)
{
	return k < MOD__MAX ? labels[k] : NULL;
}

/* Adds one count to month m; keys this code doesn't know are left out. */
static void
add(struct transparency *t, struct tr_month *m, const struct transparency_count *c)
{
	if (strcmp(c->what, "report") == 0) {
		for (int s = 0; s < TR_SOURCE__MAX; s++)
			if (strcmp(c->key, sources[s]) == 0)
				m->reports[s] += c->count;
	} else if (strcmp(c->what, "action") == 0) {
		enum mod_kind k;
		if (mod_kind_parse(c->key, &k) == 0 && labels[k] != NULL && c->count > 0) {
			m->actions[k] += c->count;
			t->kind_used[k] = true;
		}
	} else if (strcmp(c->what, "appeal") == 0) {
		if (strcmp(c->key, "filed") == 0)
			m->appeals_filed += c->count;
		else if (strcmp(c->key, "granted") == 0)
			m->appeals_granted += c->count;
		else if (strcmp(c->key, "denied") == 0)
			m->appeals_denied += c->count;
	}
}

int
transparency_load(struct arena *a, struct transparency *t, struct err *err)
{
	memset(t, 0, sizeof *t);
	struct transparency_count *counts;
	int n = db_transparency_counts(a, TRANSPARENCY_MONTHS, &counts, err);
	if (n < 0)
		return -1;
	t->months = arena_alloc(a, sizeof *t->months * TRANSPARENCY_MONTHS); /* zeroed */
	struct tr_month *m = NULL;
	for (int i = 0; i < n; i++) {
		if (m == NULL || strcmp(m->month, counts[i].month) != 0) {
			if (t->n == TRANSPARENCY_MONTHS)
				break; /* the query returns no more; this only guards the array */
			m = &t->months[t->n++];
			m->month = counts[i].month;
		}
		add(t, m, &counts[i]);
	}
	return 0;
}
