/* alertcheck.h - what a bad-date alert may hold (issue 14, ../shared/SAFETY.md), checked
 * before the database sees it: the categories, severities and parts of the day, the coarse
 * area (no coordinates, no street address), the lengths, and the identifiers normalised so
 * that different spellings of one phone number, handle, email or plate are one value. Pure
 * functions of their arguments (the clock and the node's country are passed in). */
#ifndef PARASOL_CORE_ALERTCHECK_H
#define PARASOL_CORE_ALERTCHECK_H

#include <stdbool.h>
#include <stdint.h>

struct arena;
struct err;

enum alert_category {
	ALERT_VIOLENCE,
	ALERT_SEXUAL_ASSAULT,
	ALERT_ROBBERY, /* robbery or non-payment */
	ALERT_CONDOM,  /* refused or removed condom */
	ALERT_STALKING, /* threats or stalking */
	ALERT_POLICE,  /* police or fake police */
	ALERT_TIME_WASTER,
	ALERT_OTHER,
	ALERT_CATEGORY__MAX
};
/* the stored names ("violence", ...) and the English labels (msgids) */
extern const char *const alert_category_names[ALERT_CATEGORY__MAX];
extern const char *const alert_category_labels[ALERT_CATEGORY__MAX];

enum alert_severity { ALERT_LOW, ALERT_MEDIUM, ALERT_HIGH, ALERT_SEVERITY__MAX };
extern const char *const alert_severity_names[ALERT_SEVERITY__MAX];
extern const char *const alert_severity_labels[ALERT_SEVERITY__MAX];

/* "" (not said), then the four parts of a day */
enum alert_part { ALERT_PART_NONE, ALERT_MORNING, ALERT_AFTERNOON, ALERT_EVENING, ALERT_NIGHT,
		  ALERT_PART__MAX };
extern const char *const alert_part_names[ALERT_PART__MAX];
extern const char *const alert_part_labels[ALERT_PART__MAX];

/* Parses a stored name against names[0..n): the index, or -1. */
int alert_enum_parse(const char *const *names, int n, const char *s);

enum alert_ident_kind { ALERT_ID_PHONE, ALERT_ID_HANDLE, ALERT_ID_EMAIL, ALERT_ID_PLATE,
			ALERT_ID__MAX };
extern const char *const alert_ident_names[ALERT_ID__MAX];

#define ALERT_AREA_MIN 2
#define ALERT_AREA_MAX 80
#define ALERT_SUMMARY_MAX 2000
#define ALERT_FIELD_MAX 500   /* each identifier list, names, description */
#define ALERT_SHORT_MAX 200   /* vehicle, where first contact happened */
#define ALERT_IDENTS_MAX 10   /* values of one kind in one alert */
#define ALERT_MAX_AGE_DAYS 730 /* an incident older than two years is not an alert */

/* Whether area may be an alert's area: NULL when it is a coarse place in words, else the
 * reason (an English msgid) it is refused: coordinates, a map link, a street address (a
 * house number with a street word, a full postcode, "12号"). */
const char *alert_area_problem(const char *area);

/* The area as browsing and subscriptions compare it: trimmed, ASCII lower-cased, runs of
 * spaces made one (arena). */
char *alert_area_key(struct arena *a, const char *area);

/* The node's default country for phone numbers: an ISO 3166 code this table knows ("GB",
 * "US", "IE", "FR", "DE", "AU", "NZ", "CA", "NL", "ES", "IT", "CN", "HK", "SG", "ZA").
 * Whether code is one. */
bool alert_country_known(const char *code);

/* Normalises one identifier of kind (arena), or NULL when it can't be one:
 *  phone: "+" and its digits with the country code (E.164): "+44 7700 900123",
 *         "07700 900123", "447700900123" and "0044 7700 900123" are all "+447700900123"
 *         for country "GB"; 8 to 15 digits;
 *  handle: lower case without leading '@' ("@Rose@Example.Org" -> "rose@example.org");
 *  email: lower case, one '@' with text on both sides;
 *  plate: upper case without spaces or dashes, 2 to 12 letters and digits. */
char *alert_ident_normalise(struct arena *a, enum alert_ident_kind kind, const char *value,
			    const char *country);

/* The values of list (commas, semicolons, new lines) that normalise as kind, normalised and
 * joined with ", " (arena; values that don't normalise are left out). */
char *alert_idents_joined(struct arena *a, enum alert_ident_kind kind, const char *list,
			  const char *country);

/* One normalised identifier. */
struct alert_ident {
	enum alert_ident_kind kind;
	const char *value;
};

/* What a member filled in (strings as the form sent them; NULL counts as ""). */
struct alert_draft {
	const char *happened_on; /* YYYY-MM-DD */
	const char *part_of_day; /* "" or a name of alert_part_names */
	const char *area;
	const char **categories; /* names */
	int ncategories;
	const char *severity;
	const char *summary;
	const char *phones, *handles, *emails, *plates; /* lists: commas or new lines */
	const char *names, *vehicle, *description, *first_contact;
	bool consent_members, consent_partners;
	bool for_member;    /* a support worker files it for a member who consented */
	bool member_agreed; /* the support worker ticked that the member agreed */
};

/* A checked draft: the strings trimmed, the identifiers normalised (idents[0..nidents)). */
struct alert_checked {
	struct alert_draft d;
	uint32_t categories; /* bit per enum alert_category */
	struct alert_ident *idents;
	int nidents;
};

/* Checks d against the rules above, today being the UTC day of Unix time now and phone
 * numbers read for country. 0 and *out (arena), or -1 + ERR_UNPROCESSABLE with a message
 * safe to show (an English msgid) and *field the form field it is about. */
int alert_draft_check(struct arena *a, const struct alert_draft *d, int64_t now,
		      const char *country, struct alert_checked *out, const char **field,
		      struct err *err);

#endif
