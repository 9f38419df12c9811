/* alertcheck.c - see alertcheck.h. */
#include "core/alertcheck.h"

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util/arena.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/utf8.h"

const char *const alert_category_names[ALERT_CATEGORY__MAX] = {
	"violence", "sexual_assault", "robbery",     "condom",
	"stalking", "police",	      "time_waster", "other"};
const char *const alert_category_labels[ALERT_CATEGORY__MAX] = {
	N_("Violence"),		     N_("Sexual assault"),	N_("Robbery or non-payment"),
	N_("Refused or removed condom"), N_("Threats or stalking"), N_("Police or fake police"),
	N_("Time-waster"),	     N_("Other")};
const char *const alert_severity_names[ALERT_SEVERITY__MAX] = {"low", "medium", "high"};
const char *const alert_severity_labels[ALERT_SEVERITY__MAX] = {
	N_("Low: be aware"), N_("Medium: take care"), N_("High: danger")};
const char *const alert_part_names[ALERT_PART__MAX] = {"", "morning", "afternoon", "evening",
						       "night"};
const char *const alert_part_labels[ALERT_PART__MAX] = {
	N_("Not said"), N_("Morning"), N_("Afternoon"), N_("Evening"), N_("Night")};
const char *const alert_ident_names[ALERT_ID__MAX] = {"phone", "handle", "email", "plate"};

int
alert_enum_parse(const char *const *names, int n, const char *s)
{
	for (int i = 0; s != NULL && i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

/* --- the area ---------------------------------------------------------------------------- */

#define AREA_COORDINATES N_("Write the area in words, without coordinates or map links: a neighbourhood, district or town.")
#define AREA_ADDRESS N_("Leave out house numbers, streets and full postcodes: name the neighbourhood, district or town instead.")

/* Words of a street address after a house number (English, French, German, Spanish, Italian,
 * Dutch), and words before a flat's number. */
static const char *const street_words[] = {
	"street", "st",	     "road",	"rd",	   "avenue", "ave",	 "av",	    "lane",
	"ln",	  "drive",   "dr",	"way",	   "close",  "court",	 "ct",	    "place",
	"pl",	  "boulevard", "blvd",	"terrace", "crescent", "gardens", "grove",  "row",
	"mews",	  "rue",     "strasse", "str",	   "calle",  "via",	 "weg",	    "straat",
	"laan",	  "highway", "hwy",	"parade",  "square", "sq",	 "walk",    NULL};
static const char *const unit_words[] = {"flat", "apt",	  "apartment", "unit", "suite",
					 "room", "house", "no",	       "number", NULL};

static bool
in_list(const char *const *list, const char *w, size_t n)
{
	for (int i = 0; list[i] != NULL; i++)
		if (strlen(list[i]) == n && strncmp(list[i], w, n) == 0)
			return true;
	return false;
}

/* A word: a run of ASCII letters and digits or of non-ASCII bytes. */
struct word {
	const char *s;
	size_t n;
};

static bool
word_byte(unsigned char c)
{
	return isalnum(c) || c >= 0x80;
}

/* A house number: digits, then at most two letters ("12", "221b"). */
static bool
house_number(const struct word *w)
{
	size_t i = 0;
	while (i < w->n && isdigit((unsigned char)w->s[i]))
		i++;
	return i > 0 && i <= 5 && w->n - i <= 2;
}

static bool
has_digit(const struct word *w)
{
	for (size_t i = 0; i < w->n; i++)
		if (isdigit((unsigned char)w->s[i]))
			return true;
	return false;
}

/* The inward part of a UK postcode at p (" 9AA" or "9AA") ending a word. */
static bool
postcode_inward(const char *p)
{
	if (*p == ' ')
		p++;
	return isdigit((unsigned char)p[0]) && isupper((unsigned char)p[1]) &&
	       isupper((unsigned char)p[2]) && !isalnum((unsigned char)p[3]);
}

/* A full UK postcode at p (upper case): A9 9AA, A99 9AA, AA9 9AA, AA99 9AA, A9A 9AA, AA9A
 * 9AA, with or without the space. The outward part alone (a district) is coarse enough. */
static bool
full_postcode(const char *p)
{
	if (!isupper((unsigned char)p[0]))
		return false;
	size_t i = isupper((unsigned char)p[1]) ? 2 : 1;
	if (!isdigit((unsigned char)p[i]))
		return false;
	i++;
	return postcode_inward(p + i) || (isalnum((unsigned char)p[i]) && postcode_inward(p + i + 1));
}

/* Whether s holds an Open Location Code ("plus code": "9C3XGV8C+XQ", "GV8C+XQ Soho"), upper
 * case: four or more of its letters and digits, "+", then two or more (or none, padded). */
static bool
plus_code(const char *s)
{
	static const char alphabet[] = "23456789CFGHJMPQRVWX";
	for (const char *p = strchr(s, '+'); p != NULL; p = strchr(p + 1, '+')) {
		size_t before = 0, after = 0;
		while ((size_t)(p - s) > before && (strchr(alphabet, p[-1 - (ptrdiff_t)before]) ||
						     p[-1 - (ptrdiff_t)before] == '0'))
			before++;
		while (p[1 + after] != '\0' && strchr(alphabet, p[1 + after]))
			after++;
		if (before >= 4 && (after >= 2 || !isalnum((unsigned char)p[1 + after])))
			return true;
	}
	return false;
}

/* Whether s holds a what3words address ("///filled.count.soap", "filled.count.soap"): three
 * words of two letters or more joined by dots, which names a spot three metres wide. */
static bool
three_words(const char *s)
{
	if (strstr(s, "///") != NULL)
		return true;
	for (size_t i = 0; s[i] != '\0'; i++) {
		if (i > 0 && (word_byte((unsigned char)s[i - 1]) || s[i - 1] == '.'))
			continue;
		size_t j = i;
		int words = 0;
		for (;;) {
			size_t k = j;
			while (s[k] != '\0' && (isalpha((unsigned char)s[k]) || (unsigned char)s[k] >= 0x80))
				k++;
			if (k - j < 2)
				break;
			words++;
			if (s[k] != '.' || words == 3)
				break;
			j = k + 1;
		}
		if (words == 3)
			return true;
	}
	return false;
}

const char *
alert_area_problem(const char *area)
{
	if (area == NULL)
		return NULL;
	size_t len = 0;
	char low[ALERT_AREA_MAX * 4 + 8], up[sizeof low];
	/* fullwidth forms (U+FF01..U+FF5E: "１２．５０") read as the ASCII they stand for */
	for (size_t i = 0; area[i] != '\0' && len < sizeof low - 1; i++) {
		unsigned char c = (unsigned char)area[i];
		unsigned char n1 = c ? (unsigned char)area[i + 1] : 0;
		unsigned char n2 = n1 ? (unsigned char)area[i + 2] : 0;
		if (c == 0xef && ((n1 == 0xbc && n2 >= 0x81 && n2 <= 0xbf) ||
				  (n1 == 0xbd && n2 >= 0x80 && n2 <= 0x9e))) {
			c = (unsigned char)(n1 == 0xbc ? n2 - 0x81 + 0x21 : n2 - 0x80 + 0x60);
			i += 2;
		}
		low[len] = (char)(c < 0x80 ? tolower(c) : c);
		up[len] = (char)(c < 0x80 ? toupper(c) : c);
		len++;
	}
	low[len] = up[len] = '\0';
	/* degrees (and the ordinal and ring signs typed for them), map links, latitude and
	 * longitude, plus codes, what3words */
	if (strstr(low, "\xc2\xb0") != NULL || strstr(low, "\xc2\xba") != NULL ||
	    strstr(low, "\xcb\x9a") != NULL || plus_code(up) || three_words(low) ||
	    strstr(low, "http") != NULL ||
	    strstr(low, "www.") != NULL || strstr(low, "maps") != NULL ||
	    strstr(low, "geo:") != NULL || strstr(low, "latitude") != NULL ||
	    strstr(low, "longitude") != NULL)
		return AREA_COORDINATES;
	/* a number with two decimals or more: 51.50, -0.1278 */
	for (size_t i = 0; i < len; i++)
		if (isdigit((unsigned char)low[i]) && (low[i + 1] == '.' || low[i + 1] == ',') &&
		    isdigit((unsigned char)low[i + 2]) && isdigit((unsigned char)low[i + 3]))
			return AREA_COORDINATES;
	/* a number followed by 号 (number), 號 or 弄 (lane): a Chinese street address */
	for (size_t i = 0; i < len; i++)
		if (isdigit((unsigned char)low[i]) &&
		    (strncmp(low + i + 1, "\xe5\x8f\xb7", 3) == 0 ||
		     strncmp(low + i + 1, "\xe8\x99\x9f", 3) == 0 ||
		     strncmp(low + i + 1, "\xe5\xbc\x84", 3) == 0))
			return AREA_ADDRESS;
	for (size_t i = 0; i < len; i++)
		if ((i == 0 || !isalnum((unsigned char)up[i - 1])) && full_postcode(up + i))
			return AREA_ADDRESS;
	/* a house number with a street word within the next four words, or a flat's number */
	struct word words[64];
	int n = 0;
	for (size_t i = 0; i < len && n < 64;) {
		if (!word_byte((unsigned char)low[i])) {
			i++;
			continue;
		}
		size_t j = i;
		while (j < len && word_byte((unsigned char)low[j]))
			j++;
		words[n++] = (struct word){low + i, j - i};
		i = j;
	}
	static const char *const coordinate_words[] = {"lat", "lng", "lon", NULL};
	for (int i = 0; i < n; i++) {
		if (in_list(coordinate_words, words[i].s, words[i].n))
			return AREA_COORDINATES;
		if (house_number(&words[i]))
			for (int k = i + 1; k < n && k <= i + 4; k++)
				if (in_list(street_words, words[k].s, words[k].n))
					return AREA_ADDRESS;
		if (in_list(unit_words, words[i].s, words[i].n) && i + 1 < n &&
		    has_digit(&words[i + 1]))
			return AREA_ADDRESS;
	}
	return NULL;
}

char *
alert_area_key(struct arena *a, const char *area)
{
	char *t = arena_strtrim(a, area ? area : "");
	char *out = t;
	size_t o = 0;
	bool space = false;
	for (size_t i = 0; t[i] != '\0'; i++) {
		unsigned char c = (unsigned char)t[i];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			space = true;
			continue;
		}
		if (space && o > 0)
			out[o++] = ' ';
		space = false;
		out[o++] = (char)(c < 0x80 ? tolower(c) : c);
	}
	out[o] = '\0';
	return out;
}

/* --- identifiers ------------------------------------------------------------------------- */

/* A country's calling code and the trunk prefix its national numbers start with ("" when
 * they keep their first digit, as in Italy). */
static const struct country {
	const char *code, *calling, *trunk;
} countries[] = {
	{"GB", "44", "0"}, {"IE", "353", "0"}, {"US", "1", "1"},  {"CA", "1", "1"},
	{"FR", "33", "0"}, {"DE", "49", "0"},  {"AU", "61", "0"}, {"NZ", "64", "0"},
	{"NL", "31", "0"}, {"ES", "34", ""},   {"IT", "39", ""},  {"CN", "86", "0"},
	{"HK", "852", ""}, {"SG", "65", ""},   {"ZA", "27", "0"},
};

static const struct country *
country_find(const char *code)
{
	for (size_t i = 0; code != NULL && i < sizeof countries / sizeof countries[0]; i++)
		if (strcmp(countries[i].code, code) == 0)
			return &countries[i];
	return NULL;
}

bool
alert_country_known(const char *code)
{
	return country_find(code) != NULL;
}

static char *
phone_normalise(struct arena *a, const char *value, const char *country)
{
	const struct country *c = country_find(country);
	if (c == NULL)
		c = &countries[0];
	char digits[64];
	size_t n = 0;
	bool plus = false, seen = false;
	for (const char *p = value; *p; p++) {
		unsigned char ch = (unsigned char)*p;
		if (isdigit(ch)) {
			if (n + 1 >= sizeof digits)
				return NULL;
			digits[n++] = (char)ch;
			seen = true;
		} else if (ch == '+' && !seen && !plus)
			plus = true;
		else if (!strchr(" -().\t/", ch))
			return NULL; /* letters, extensions: not a number we can compare */
	}
	digits[n] = '\0';
	const char *national = digits;
	const char *prefix = "";
	if (plus)
		;
	else if (strncmp(digits, "00", 2) == 0)
		national = digits + 2;
	else if (*c->trunk && strncmp(digits, c->trunk, strlen(c->trunk)) == 0)
		national = digits + strlen(c->trunk), prefix = c->calling;
	else if (strncmp(digits, c->calling, strlen(c->calling)) == 0 &&
		 n >= strlen(c->calling) + 8)
		; /* the calling code written without '+' */
	else
		prefix = c->calling;
	size_t total = strlen(prefix) + strlen(national);
	if (total < 8 || total > 15 || (*national == '0' && *prefix == '\0'))
		return NULL;
	return arena_printf(a, "+%s%s", prefix, national);
}

static char *
lower_trimmed(struct arena *a, const char *value)
{
	char *t = arena_strtrim(a, value);
	for (char *p = t; *p; p++)
		if ((unsigned char)*p < 0x80)
			*p = (char)tolower((unsigned char)*p);
	return t;
}

static bool
has_space(const char *s)
{
	for (; *s; s++)
		if (isspace((unsigned char)*s))
			return true;
	return false;
}

char *
alert_ident_normalise(struct arena *a, enum alert_ident_kind kind, const char *value,
		      const char *country)
{
	if (value == NULL)
		return NULL;
	switch (kind) {
	case ALERT_ID_PHONE:
		return phone_normalise(a, value, country);
	case ALERT_ID_HANDLE: {
		char *t = lower_trimmed(a, value);
		while (*t == '@')
			t++;
		return *t == '\0' || has_space(t) || strlen(t) > 100 ? NULL : t;
	}
	case ALERT_ID_EMAIL: {
		char *t = lower_trimmed(a, value);
		const char *at = strchr(t, '@');
		if (at == NULL || at == t || at[1] == '\0' || strchr(at + 1, '@') != NULL ||
		    has_space(t) || strlen(t) > 254)
			return NULL;
		return t;
	}
	case ALERT_ID_PLATE: {
		char *out = arena_alloc(a, strlen(value) + 1);
		size_t n = 0;
		for (const char *p = value; *p; p++) {
			unsigned char ch = (unsigned char)*p;
			if (ch == ' ' || ch == '-' || ch == '\t')
				continue;
			if (!isalnum(ch))
				return NULL;
			out[n++] = (char)toupper(ch);
		}
		out[n] = '\0';
		return n >= 2 && n <= 12 ? out : NULL;
	}
	case ALERT_ID__MAX:
		break;
	}
	return NULL;
}

char *
alert_idents_joined(struct arena *a, enum alert_ident_kind kind, const char *list,
		    const char *country)
{
	char *copy = arena_strdup(a, list ? list : "");
	char *out = "";
	for (char *save = NULL, *tok = strtok_r(copy, ",;\n\r", &save); tok != NULL;
	     tok = strtok_r(NULL, ",;\n\r", &save)) {
		char *v = alert_ident_normalise(a, kind, arena_strtrim(a, tok), country);
		if (v != NULL)
			out = *out ? arena_printf(a, "%s, %s", out, v) : v;
	}
	return out;
}

/* --- the whole draft --------------------------------------------------------------------- */

static int
refuse(struct err *err, const char **field, const char *name, const char *msg)
{
	*field = name;
	return err_set(err, ERR_UNPROCESSABLE, msg, "alert field %s", name);
}

/* Trims *s (NULL -> "") and checks it is UTF-8 of at most max characters. */
static bool
text_ok(struct arena *a, const char **s, size_t max)
{
	const char *v = *s ? *s : "";
	if (!utf8_valid(v, strlen(v)))
		return false;
	*s = arena_strtrim(a, v);
	return utf8_chars(*s) <= max;
}

/* The day number (days since 1970-01-01) of "YYYY-MM-DD", or -1. */
static long
day_number(const char *s)
{
	int y, m, d;
	char tail;
	if (s == NULL || strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
		return -1;
	if (s[4] != '-' || s[7] != '-' || y < 1970 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d};
	time_t t = timegm(&tm);
	struct tm back;
	if (t == (time_t)-1 || gmtime_r(&t, &back) == NULL || back.tm_mday != d ||
	    back.tm_mon != m - 1)
		return -1; /* 31 April */
	return (long)(t / 86400);
}

/* Splits list (commas, semicolons, new lines) and normalises each value of kind into out. */
static int
add_idents(struct arena *a, const char *list, enum alert_ident_kind kind, const char *country,
	   struct alert_checked *out, const char **field, const char *name, struct err *err)
{
	static const char *const bad[ALERT_ID__MAX] = {
		N_("A phone number can hold only digits, spaces, dashes, brackets and a leading +."),
		N_("A handle can't hold spaces."),
		N_("That email address doesn't look right."),
		N_("A plate can hold only letters, digits, spaces and dashes."),
	};
	char *copy = arena_strdup(a, list);
	int count = 0;
	for (char *save = NULL, *tok = strtok_r(copy, ",;\n\r", &save); tok != NULL;
	     tok = strtok_r(NULL, ",;\n\r", &save)) {
		const char *t = arena_strtrim(a, tok);
		if (*t == '\0')
			continue;
		if (++count > ALERT_IDENTS_MAX)
			return refuse(err, field, name, N_("At most 10 of each kind of identifier."));
		char *v = alert_ident_normalise(a, kind, t, country);
		if (v == NULL)
			return refuse(err, field, name, bad[kind]);
		out->idents[out->nidents++] = (struct alert_ident){kind, v};
	}
	return 0;
}

int
alert_draft_check(struct arena *a, const struct alert_draft *d, int64_t now,
		  const char *country, struct alert_checked *out, const char **field,
		  struct err *err)
{
	*field = NULL;
	memset(out, 0, sizeof *out);
	out->d = *d;
	struct alert_draft *c = &out->d;
	long day = day_number(c->happened_on);
	long today = (long)(now / 86400);
	if (day < 0)
		return refuse(err, field, "happened_on", N_("Give the date as year, month and day."));
	if (day > today + 1)
		return refuse(err, field, "happened_on", N_("The date can't be in the future."));
	if (day < today - ALERT_MAX_AGE_DAYS)
		return refuse(err, field, "happened_on",
			      N_("Alerts are for the last two years: the date is older."));
	if (alert_enum_parse(alert_part_names, ALERT_PART__MAX, c->part_of_day ? c->part_of_day
										 : "") < 0)
		return refuse(err, field, "part_of_day", N_("Choose a part of the day from the list."));
	if (c->part_of_day == NULL)
		c->part_of_day = "";
	if (!text_ok(a, &c->area, ALERT_AREA_MAX) || utf8_chars(c->area) < ALERT_AREA_MIN)
		return refuse(err, field, "area",
			      N_("Name the area in 2 to 80 characters: a neighbourhood, district or town."));
	const char *problem = alert_area_problem(c->area);
	if (problem != NULL)
		return refuse(err, field, "area", problem);
	if (c->ncategories < 1)
		return refuse(err, field, "categories", N_("Choose at least one category."));
	for (int i = 0; i < c->ncategories; i++) {
		int k = alert_enum_parse(alert_category_names, ALERT_CATEGORY__MAX,
					 c->categories[i]);
		if (k < 0)
			return refuse(err, field, "categories",
				      N_("Choose the categories from the list."));
		out->categories |= 1u << k;
	}
	if (alert_enum_parse(alert_severity_names, ALERT_SEVERITY__MAX, c->severity) < 0)
		return refuse(err, field, "severity", N_("Choose a severity from the list."));
	if (!text_ok(a, &c->summary, ALERT_SUMMARY_MAX) || *c->summary == '\0')
		return refuse(err, field, "summary",
			      N_("Write what happened in 1 to 2000 characters."));
	struct {
		const char **s;
		size_t max;
		const char *name;
	} texts[] = {
		{&c->phones, ALERT_FIELD_MAX, "phones"},
		{&c->handles, ALERT_FIELD_MAX, "handles"},
		{&c->emails, ALERT_FIELD_MAX, "emails"},
		{&c->plates, ALERT_FIELD_MAX, "plates"},
		{&c->names, ALERT_FIELD_MAX, "names"},
		{&c->description, ALERT_FIELD_MAX, "description"},
		{&c->vehicle, ALERT_SHORT_MAX, "vehicle"},
		{&c->first_contact, ALERT_SHORT_MAX, "first_contact"},
	};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		if (!text_ok(a, texts[i].s, texts[i].max))
			return refuse(err, field, texts[i].name,
				      texts[i].max == ALERT_FIELD_MAX
					      ? N_("This field can have at most 500 characters.")
					      : N_("This field can have at most 200 characters."));
	if (c->for_member && !c->member_agreed)
		return refuse(err, field, "member_agreed",
			      N_("Tick that the member agreed to you filing this alert for them."));
	out->idents = arena_alloc(a, sizeof *out->idents * ALERT_ID__MAX * ALERT_IDENTS_MAX);
	if (add_idents(a, c->phones, ALERT_ID_PHONE, country, out, field, "phones", err) != 0 ||
	    add_idents(a, c->handles, ALERT_ID_HANDLE, country, out, field, "handles", err) != 0 ||
	    add_idents(a, c->emails, ALERT_ID_EMAIL, country, out, field, "emails", err) != 0 ||
	    add_idents(a, c->plates, ALERT_ID_PLATE, country, out, field, "plates", err) != 0)
		return -1;
	return 0;
}
