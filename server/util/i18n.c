/* i18n.c - language negotiation and per-thread gettext lookups (see i18n.h). */
#include "i18n.h"

#include "err.h"
#include "log.h"

#include <libintl.h>
#include <locale.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define I18N_DOMAIN "parasol"

/* Longest language range we look at; real tags are far shorter (RFC 5646 advises 35). */
#define I18N_TAG_MAX 63

static const char *const lang_tags[LANG__MAX] = {
    [LANG_EN] = "en",
    [LANG_ZH_CN] = "zh-CN",
};

/* Locale names to try for each language, in order (Debian spells the installed one
 * "zh_CN.utf8"; both are accepted by newlocale when the locale exists). NULL for English,
 * which needs no locale. */
static const char *const lang_locales[LANG__MAX][2] = {
    [LANG_ZH_CN] = {"zh_CN.UTF-8", "zh_CN.utf8"},
};

/* How to generate each locale when it is missing. */
static const char *const lang_localedef[LANG__MAX] = {
    [LANG_ZH_CN] = "localedef -i zh_CN -c -f UTF-8 zh_CN.UTF-8",
};

/* Written only by i18n_init/i18n_shutdown, before threads start and after they stop. */
static locale_t lang_loc[LANG__MAX];

const char *
i18n_lang_tag(enum lang l)
{
	if ((int)l < 0 || l >= LANG__MAX)
		return lang_tags[LANG_EN];
	return lang_tags[l];
}

/* Splits tag into lower-cased subtags of 1-8 letters or digits separated by '-' or '_'.
 * Returns the number of subtags, or -1 if the tag is malformed or has too many. */
static int
split_subtags(const char *tag, size_t len, char sub[][9], int max)
{
	int n = 0;
	size_t i = 0;
	if (len == 0)
		return -1;
	while (i <= len) {
		size_t k = 0;
		if (n == max)
			return -1;
		while (i < len && tag[i] != '-' && tag[i] != '_') {
			unsigned char c = (unsigned char)tag[i];
			bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
				     (c >= '0' && c <= '9');
			if (!alnum || k == 8)
				return -1;
			sub[n][k++] = (char)((c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c);
			i++;
		}
		if (k == 0)
			return -1; /* empty subtag: "zh--CN", "zh-", "-zh" */
		sub[n][k] = '\0';
		n++;
		i++; /* skip the separator (or step past the end) */
	}
	return n;
}

/* The tag-matching rule shared by i18n_lang_parse and i18n_negotiate; tag need not be
 * NUL-terminated. */
static int
lang_parse_n(const char *tag, size_t len, enum lang *out)
{
	char sub[8][9];
	if (len > I18N_TAG_MAX)
		return -1;
	int n = split_subtags(tag, len, sub, 8);
	if (n < 1)
		return -1;
	if (strcmp(sub[0], "en") == 0) {
		*out = LANG_EN;
		return 0;
	}
	if (strcmp(sub[0], "zh") != 0)
		return -1;
	/* Simplified unless a subtag says traditional: script Hant, or a region that writes
	 * traditional characters. An explicit Hans wins over the region (zh-Hans-HK). */
	bool hans = false, traditional = false;
	for (int i = 1; i < n; i++) {
		if (strcmp(sub[i], "hans") == 0)
			hans = true;
		else if (strcmp(sub[i], "hant") == 0)
			return -1;
		else if (strcmp(sub[i], "tw") == 0 || strcmp(sub[i], "hk") == 0 ||
			 strcmp(sub[i], "mo") == 0)
			traditional = true;
	}
	if (traditional && !hans)
		return -1;
	*out = LANG_ZH_CN;
	return 0;
}

int
i18n_lang_parse(const char *tag, enum lang *out)
{
	if (tag == NULL || out == NULL)
		return -1;
	return lang_parse_n(tag, strlen(tag), out);
}

static bool
is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/* Parses an RFC 9110 qvalue ("0", "0.5", "1.000") spanning exactly [s, s+len) into
 * thousandths. Returns -1 if malformed. */
static int
parse_qvalue(const char *s, size_t len, int *q)
{
	if (len == 0 || (s[0] != '0' && s[0] != '1'))
		return -1;
	int value = (s[0] - '0') * 1000;
	if (len == 1) {
		*q = value;
		return 0;
	}
	if (s[1] != '.' || len > 5)
		return -1;
	int scale = 100;
	for (size_t i = 2; i < len; i++, scale /= 10) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		value += (s[i] - '0') * scale;
	}
	if (value > 1000)
		return -1; /* "1.5" */
	*q = value;
	return 0;
}

/* Parses one list element [s, s+len) of Accept-Language, already trimmed of OWS:
 * language-range [ OWS ";" OWS "q=" qvalue ]. Points range and range_len at the language
 * range and sets q (1000 when absent). Returns -1 if malformed. */
static int
parse_element(const char *s, size_t len, const char **range, size_t *range_len, int *q)
{
	size_t i = 0;
	while (i < len && s[i] != ';' && !is_ows(s[i]))
		i++;
	*range = s;
	*range_len = i;
	*q = 1000;
	if (i == 0)
		return -1;
	while (i < len && is_ows(s[i]))
		i++;
	if (i == len)
		return 0;
	if (s[i] != ';')
		return -1;
	i++;
	while (i < len && is_ows(s[i]))
		i++;
	if (len - i < 2 || (s[i] != 'q' && s[i] != 'Q') || s[i + 1] != '=')
		return -1;
	i += 2;
	return parse_qvalue(s + i, len - i, q);
}

enum lang
i18n_negotiate(const char *accept_language, enum lang fallback)
{
	if ((int)fallback < 0 || fallback >= LANG__MAX)
		fallback = LANG_EN;
	if (accept_language == NULL)
		return fallback;

	/* For each language: the best q among the ranges naming it (-1: not named) and where
	 * that range was; likewise for "*". */
	int named_q[LANG__MAX], named_pos[LANG__MAX];
	int star_q = -1, star_pos = 0;
	for (int l = 0; l < LANG__MAX; l++) {
		named_q[l] = -1;
		named_pos[l] = 0;
	}

	const char *p = accept_language;
	int pos = 0;
	while (*p != '\0') {
		const char *end = strchr(p, ',');
		if (end == NULL)
			end = p + strlen(p);
		const char *start = p;
		const char *stop = end;
		while (start < stop && is_ows(*start))
			start++;
		while (stop > start && is_ows(stop[-1]))
			stop--;
		p = *end == ',' ? end + 1 : end;

		const char *range;
		size_t range_len;
		int q;
		if (start == stop ||
		    parse_element(start, (size_t)(stop - start), &range, &range_len, &q) != 0)
			continue; /* empty list element, or garbage: skip it */
		pos++;
		enum lang l;
		if (range_len == 1 && range[0] == '*') {
			if (q > star_q) {
				star_q = q;
				star_pos = pos;
			}
		} else if (lang_parse_n(range, range_len, &l) == 0) {
			if (q > named_q[l]) {
				named_q[l] = q;
				named_pos[l] = pos;
			}
		}
	}

	/* The fallback is examined first so that it wins ties among languages that only "*"
	 * brought in. */
	enum lang best = fallback;
	int best_q = 0, best_pos = 0;
	for (int i = -1; i < LANG__MAX; i++) {
		enum lang l = i < 0 ? fallback : (enum lang)i;
		if (i >= 0 && l == fallback)
			continue;
		int q = named_q[l] >= 0 ? named_q[l] : star_q;
		int at = named_q[l] >= 0 ? named_pos[l] : star_pos;
		if (q <= 0)
			continue; /* not acceptable (q=0), or not mentioned at all */
		if (q > best_q || (q == best_q && at < best_pos)) {
			best = l;
			best_q = q;
			best_pos = at;
		}
	}
	/* Nothing acceptable: the fallback, unless the member refused it outright ("zh;q=0"
	 * with a Chinese fallback); then the first language they did not refuse. */
	if (best_q == 0 && named_q[fallback] == 0) {
		for (int l = 0; l < LANG__MAX; l++)
			if ((named_q[l] >= 0 ? named_q[l] : star_q) != 0)
				return (enum lang)l;
	}
	return best;
}

void
i18n_shutdown(void)
{
	for (int l = 0; l < LANG__MAX; l++) {
		if (lang_loc[l] != (locale_t)0) {
			freelocale(lang_loc[l]);
			lang_loc[l] = (locale_t)0;
		}
	}
}

int
i18n_init(const char *locale_dir, struct err *err)
{
	i18n_shutdown();
	if (locale_dir == NULL || locale_dir[0] == '\0')
		return err_set(err, ERR_INTERNAL, NULL, "i18n: no locale directory given");
	if (bindtextdomain(I18N_DOMAIN, locale_dir) == NULL)
		return err_set(err, ERR_INTERNAL, NULL, "i18n: bindtextdomain(%s) failed",
			       locale_dir);
	if (bind_textdomain_codeset(I18N_DOMAIN, "UTF-8") == NULL)
		return err_set(err, ERR_INTERNAL, NULL, "i18n: bind_textdomain_codeset failed");

	/* glibc consults LANGUAGE before the thread's LC_MESSAGES whenever that is not "C", so
	 * a LANGUAGE=en in the service's environment would turn every page English. */
	const char *language = getenv("LANGUAGE");
	if (language != NULL && language[0] != '\0') {
		log_msg(LOG_INFO, "i18n: ignoring LANGUAGE from the environment; each request "
				  "chooses its own language");
		unsetenv("LANGUAGE");
	}

	for (int l = 0; l < LANG__MAX; l++) {
		if (lang_locales[l][0] == NULL)
			continue;
		for (size_t i = 0; i < 2 && lang_loc[l] == (locale_t)0; i++)
			if (lang_locales[l][i] != NULL)
				lang_loc[l] = newlocale(LC_MESSAGES_MASK | LC_CTYPE_MASK,
							lang_locales[l][i], (locale_t)0);
		if (lang_loc[l] == (locale_t)0) {
			i18n_shutdown();
			return err_set(err, ERR_INTERNAL, NULL,
				       "locale %s is not installed; generate it with: %s",
				       lang_locales[l][0], lang_localedef[l]);
		}
		/* The empty msgid yields the catalogue's header entry when the catalogue loaded. */
		locale_t old = uselocale(lang_loc[l]);
		const char *header = dgettext(I18N_DOMAIN, "");
		uselocale(old);
		if (header == NULL || header[0] == '\0')
			log_msg(LOG_WARN,
				"i18n: no %s catalogue for domain %s under %s; pages in that "
				"language will be in English",
				lang_tags[l], I18N_DOMAIN, locale_dir);
	}
	return 0;
}

const char *
i18n_gettext(enum lang l, const char *msgid)
{
	if (msgid == NULL || msgid[0] == '\0')
		return ""; /* "" would fetch the catalogue header */
	if ((int)l < 0 || l >= LANG__MAX || lang_loc[l] == (locale_t)0)
		return msgid;
	locale_t old = uselocale(lang_loc[l]);
	const char *translated = dgettext(I18N_DOMAIN, msgid);
	uselocale(old);
	return translated != NULL ? translated : msgid;
}

const char *
i18n_translate_cb(void *arg, const char *msgid)
{
	const enum lang *l = arg;
	return i18n_gettext(l != NULL ? *l : LANG_EN, msgid);
}
