/* i18n.h - the member's language: negotiation, and translation through GNU gettext.
 *
 * Every request may be in a different language and requests run on many threads, so the
 * process-wide setlocale()/LANGUAGE cannot choose the language. Each language keeps one
 * glibc locale_t for the whole process; a lookup switches the calling thread to it with
 * uselocale() around dgettext() and switches back. English is the source language: its
 * "translation" is the msgid itself.
 *
 * scripts/update-po extracts the literal msgids of i18n_gettext(lang, "..."), N_("...")
 * (marks a string translated later), a _("...") macro a file may define for itself, the
 * safe message of err_set(), and every {{_ Text}} in templates/. */
#ifndef PARASOL_I18N_H
#define PARASOL_I18N_H

struct err;

/* The languages we have catalogues for. Add one here, in i18n.c's tables and in po/LINGUAS. */
enum lang { LANG_EN, LANG_ZH_CN, LANG__MAX };

/* Marks a string for extraction without translating it (tables, default messages). */
#define N_(s) (s)

/* BCP 47 tag of l ("en", "zh-CN") for <html lang>, settings and the API; "en" for an
 * out-of-range value. Static string, never NULL. */
const char *i18n_lang_tag(enum lang l);

/* Maps a language tag to a language we support, case-insensitively, with '-' or '_'
 * between subtags: en and any en-* (en-US, en_GB); zh, zh-CN, zh_CN, zh-Hans, zh-Hans-CN,
 * zh-SG, zh-MY. Traditional Chinese (zh-Hant*, zh-TW, zh-HK, zh-MO) has no catalogue yet and,
 * like every other language and malformed input, returns -1 without touching *out.
 * Returns 0 and sets *out on success. */
int i18n_lang_parse(const char *tag, enum lang *out);

/* Picks the language for a request from an Accept-Language header (RFC 9110 section 12.5.4):
 * the supported language with the highest q-value wins, ties going to the one listed first;
 * q=0 excludes a language; "*" stands for every supported language not listed, the fallback
 * first. Malformed elements are skipped. Returns fallback for NULL, an empty or unusable
 * header (unless the header refuses the fallback with q=0 and accepts another language).
 * Pure and thread-safe. */
enum lang i18n_negotiate(const char *accept_language, enum lang fallback);

/* Binds the "parasol" text domain to locale_dir (the directory holding
 * <ll_CC>/LC_MESSAGES/parasol.mo) in UTF-8 and creates one locale per non-English language.
 * Call once at start-up, before any thread is started: it also removes LANGUAGE from the
 * environment, because glibc lets LANGUAGE override the per-thread locale.
 * On failure returns -1 and fills err (the detail says how to install a missing locale);
 * a missing catalogue is only logged as a warning (the language then shows English).
 * Calling it again replaces the previous set-up. */
int i18n_init(const char *locale_dir, struct err *err);

/* Frees the locales made by i18n_init; afterwards every lookup returns the msgid. Call
 * after the last thread using i18n_gettext has stopped. Safe to call without i18n_init. */
void i18n_shutdown(void);

/* Translates msgid into l. Thread-safe. Never returns NULL: returns the msgid itself for
 * English, an untranslated string, an unknown language or before i18n_init; "" for NULL or
 * "". The result is either msgid or a string owned by the loaded catalogue, valid for the
 * life of the process: never free it. */
const char *i18n_gettext(enum lang l, const char *msgid);

/* The same, shaped as the template engine's translator callback: arg points to an enum
 * lang (NULL means English). */
const char *i18n_translate_cb(void *arg, const char *msgid);

#endif
