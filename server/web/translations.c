/* translations.c - the versions per language of the rules (moderators and admins) and of the
 * instance description (admins): members and visitors reading in a language see its version
 * where there is one, else the default one (the rules page and the instance settings write
 * the default). One form per part, so that each saves in one transaction. */
#include "web/translations.h"

#include <microhttpd.h>
#include <stdio.h>
#include <string.h>

#include "core/account.h"
#include "core/rules.h"
#include "core/settings.h"
#include "http/request.h"
#include "http/respond.h"
#include "http/router.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/id.h"
#include "util/tmpl.h"
#include "web/web.h"

/* Each language's name, written in that language (as the settings' language list has it):
 * the page's links to each language. */
static const char *const lang_names[LANG__MAX] = {[LANG_EN] = "English", [LANG_ZH_CN] = "简体中文"};
/* Each language's name as a msgid, for the page's sentences ("the rules in {language}"),
 * which are in the reader's language: a name in another script mid-sentence reads wrong. */
static const char *const lang_msgids[LANG__MAX] = {[LANG_EN] = N_("English"),
						   [LANG_ZH_CN] = N_("Simplified Chinese")};

static enum lang
default_lang(const struct req *req)
{
	return req->settings ? req->settings->default_language : LANG_EN;
}

/* The language in the query or form (field "lang"), which must not be the default; with none,
 * the first other one. -1 + ERR_INVALID for an unknown or the default language. */
static int
chosen_lang(struct req *req, const char *tag, enum lang *out)
{
	enum lang def = default_lang(req);
	if (tag == NULL || *tag == '\0') {
		*out = def == LANG_EN ? LANG_ZH_CN : LANG_EN;
		return 0;
	}
	if (i18n_lang_parse(tag, out) != 0 || *out == def || strcmp(tag, i18n_lang_tag(*out)) != 0)
		return err_set(&req->err, ERR_INVALID,
			       "Choose one of the languages other than the default.",
			       "translations: bad lang");
	return 0;
}

/* The page for language l. After a failed form, form_err is set, part says which form
 * ("rules" or "description") and bad_rule which rule's fields are wrong (0: none); the
 * fields of that form show what was sent. */
static int
page(struct req *req, enum lang l, const struct err *form_err, const char *part, int64_t bad_rule)
{
	bool sent_rules = form_err != NULL && strcmp(part, "rules") == 0;
	bool sent_desc = form_err != NULL && strcmp(part, "description") == 0;
	struct rule_row *base, *versions;
	int n = rules_list(req->arena, &base, &req->err);
	if (n < 0)
		return -1;
	int nv = rule_translations(req->arena, l, &versions, &req->err);
	if (nv < 0)
		return -1;
	struct tval *ctx = tval_obj(req->arena);
	enum lang def = default_lang(req);
	tval_set_str(ctx, "language", i18n_gettext(req->lang, lang_msgids[l]));
	tval_set_str(ctx, "lang_tag", i18n_lang_tag(l));
	tval_set_str(ctx, "default_language", i18n_gettext(req->lang, lang_msgids[def]));
	struct tval *langs = tval_list(req->arena);
	for (int i = 0; i < LANG__MAX; i++) {
		if ((enum lang)i == def)
			continue;
		struct tval *v = tval_obj(req->arena);
		tval_set_str(v, "name", lang_names[i]);
		tval_set_str(v, "tag", i18n_lang_tag((enum lang)i));
		tval_set_bool(v, "current", (enum lang)i == l);
		tval_push(langs, v);
	}
	tval_set(ctx, "languages", langs);
	struct tval *list = tval_list(req->arena);
	char buf[ID_STRLEN], field[64];
	for (int i = 0; i < n; i++) {
		struct tval *v = tval_obj(req->arena);
		id_format(base[i].id, buf);
		tval_set_str(v, "id", buf);
		tval_set_int(v, "number", base[i].position);
		tval_set_str(v, "default_title", base[i].title);
		tval_set_str(v, "default_text", base[i].body);
		const char *title = NULL, *body = NULL;
		for (int j = 0; j < nv; j++)
			if (versions[j].id == base[i].id) {
				title = versions[j].title;
				body = versions[j].body;
			}
		if (sent_rules) {
			snprintf(field, sizeof field, "title_%s", buf);
			title = web_field(req, field);
			snprintf(field, sizeof field, "text_%s", buf);
			body = web_field(req, field);
		}
		tval_set_str(v, "title", title ? title : "");
		tval_set_str(v, "text", body ? body : "");
		tval_set_bool(v, "invalid", sent_rules && bad_rule == base[i].id);
		tval_push(list, v);
	}
	tval_set(ctx, "rules", list);
	tval_set_bool(ctx, "has_rules", n > 0);
	tval_set_bool(ctx, "rules_error", sent_rules);
	tval_set_bool(ctx, "description_error", sent_desc);
	if (form_err != NULL)
		tval_set_str(ctx, "error", i18n_gettext(req->lang, form_err->safe));
	bool admin = web_has_role(req, ROLE_ADMIN);
	tval_set_bool(ctx, "admin", admin);
	if (admin && req->settings != NULL) {
		tval_set_str(ctx, "default_description", req->settings->description);
		const char *d =
		    sent_desc ? web_field(req, "description") : req->settings->descriptions[l];
		tval_set_str(ctx, "description", d ? d : "");
	}
	int status = MHD_HTTP_OK;
	if (form_err != NULL) {
		if (form_err->code == ERR_UNAVAILABLE || form_err->code == ERR_INTERNAL) {
			req->err = *form_err;
			return -1;
		}
		status = resp_status_for(form_err->code);
	}
	return web_render(req, status, "admin_translations", N_("Other languages"), ctx);
}

static int
translations_get(struct req *req)
{
	if (!web_has_role(req, ROLE_MODERATOR))
		return web_deny(req);
	enum lang l;
	if (chosen_lang(req, req_query(req, "lang"), &l) != 0)
		return -1;
	return page(req, l, NULL, "", 0);
}

static int
saved(struct req *req, enum lang l)
{
	return web_redirect(
	    req, arena_printf(req->arena, "/admin/translations?lang=%s", i18n_lang_tag(l)),
	    "saved");
}

static int
rules_post(struct req *req)
{
	if (!web_has_role(req, ROLE_MODERATOR))
		return web_deny(req);
	enum lang l;
	if (chosen_lang(req, web_field(req, "lang"), &l) != 0)
		return -1;
	struct rule_row *base;
	int n = rules_list(req->arena, &base, &req->err);
	if (n < 0)
		return -1;
	/* a rule added since the form was shown has no fields: it is left as it is */
	struct rule_translation *t = arena_alloc(req->arena, sizeof *t * (size_t)(n > 0 ? n : 1));
	int m = 0;
	char buf[ID_STRLEN], tf[64], bf[64];
	for (int i = 0; i < n; i++) {
		id_format(base[i].id, buf);
		snprintf(tf, sizeof tf, "title_%s", buf);
		snprintf(bf, sizeof bf, "text_%s", buf);
		if (req_form(req, tf) == NULL && req_form(req, bf) == NULL)
			continue;
		t[m++] = (struct rule_translation){
		    .id = base[i].id, .title = web_field(req, tf), .body = web_field(req, bf)};
	}
	struct err err;
	int64_t bad = 0;
	if (rules_translate(req->arena, l, t, m, &bad, &err) != 0)
		return page(req, l, &err, "rules", bad);
	return saved(req, l);
}

static int
description_post(struct req *req)
{
	if (!web_has_role(req, ROLE_ADMIN))
		return web_deny(req);
	enum lang l;
	if (chosen_lang(req, web_field(req, "lang"), &l) != 0)
		return -1;
	struct err err;
	if (settings_put_description(req->arena, l, web_field(req, "description"), &err) != 0)
		return page(req, l, &err, "description", 0);
	return saved(req, l);
}

int
web_translations_routes(struct router *r)
{
	int rc = 0;
	rc |= router_add(r, "GET", "/admin/translations", translations_get);
	rc |= router_add(r, "POST", "/admin/translations/rules", rules_post);
	rc |= router_add(r, "POST", "/admin/translations/description", description_post);
	return rc ? -1 : 0;
}
