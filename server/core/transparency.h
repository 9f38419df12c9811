/* transparency.h - the node's transparency report: for each of the last 12 months with any
 * moderation activity, how many reports were filed (by source), how many actions moderators
 * and admins took (by kind; private notes are left out, dismissals counted) and how many
 * appeals were filed, granted and denied. Counts only, never names: everyone may read it. */
#ifndef PARASOL_CORE_TRANSPARENCY_H
#define PARASOL_CORE_TRANSPARENCY_H

#include <stdbool.h>

#include "core/moderation.h" /* enum mod_kind */

struct arena;
struct err;

#define TRANSPARENCY_MONTHS 12

/* Where reports come from (reports.source). */
enum tr_source { TR_FROM_MEMBER, TR_FROM_PEER, TR_FROM_RULE, TR_SOURCE__MAX };

/* What the report calls kind k (core/moderation.h; private notes have none): an English
 * msgid for i18n_gettext ("Reports dismissed"), or NULL for a kind the report leaves out. */
const char *transparency_kind_label(enum mod_kind k);

/* One month's counts. */
struct tr_month {
	const char *month; /* "YYYY-MM", UTC */
	long reports[TR_SOURCE__MAX];
	long actions[MOD__MAX]; /* by enum mod_kind */
	long appeals_filed;
	long appeals_granted; /* by the month of the decision */
	long appeals_denied;
};

struct transparency {
	struct tr_month *months;      /* newest first; at most TRANSPARENCY_MONTHS */
	int n;			      /* 0: no moderation activity yet */
	bool kind_used[MOD__MAX]; /* some month has an action of that kind */
};

/* Fills t for the last TRANSPARENCY_MONTHS months with any activity (arena-owned). 0 or
 * -1 + err. */
int transparency_load(struct arena *a, struct transparency *t, struct err *err);

#endif
