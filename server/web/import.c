/* import.c - see import.h. */
#include "web/import.h"

#include <string.h>

#include "app.h"
#include "core/import.h"
#include "http/body.h"
#include "http/request.h"
#include "http/router.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/tval.h"
#include "web/web.h"

#define TEMPLATE "account_import"
#define TITLE N_("Import follows, blocks and mutes")

/* What each list and mode is called on the page. */
static const char *const kind_labels[IMPORT_KIND__MAX] = {[IMPORT_FOLLOWING] = N_("Follows"),
							  [IMPORT_BLOCKS] = N_("Blocks"),
							  [IMPORT_MUTES] = N_("Mutes")};
static const char *const mode_labels[IMPORT_MODE__MAX] = {
    [IMPORT_MERGE] = N_("Merge"), [IMPORT_OVERWRITE] = N_("Overwrite")};

/* Why an entry failed (import_entries.error), as the member reads it. */
static const struct {
	const char *code, *label;
} reasons[] = {
    {"bad_address", N_("not an account address")},
    {"not_allowed", N_("not an allowed server")},
    {"not_found", N_("no such account")},
    {"unreachable", N_("its server did not answer")},
    {"self", N_("your own account")},
    {"blocked", N_("one of you blocks the other")},
    {"refused", N_("refused")},
    {"suspended", N_("stopped: your account is suspended")},
};

static const char *
reason(struct req *req, const char *code)
{
	for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
		if (code != NULL && strcmp(code, reasons[i].code) == 0)
			return i18n_gettext(req->lang, reasons[i].label);
	return i18n_gettext(req->lang, N_("refused"));
}

static struct tval *
import_view(struct req *req, const struct import_info *in)
{
	struct tval *v = tval_obj(req->arena);
	tval_set_int(v, "id", (long long)in->id);
	tval_set_str(v, "kind", i18n_gettext(req->lang, kind_labels[in->kind]));
	tval_set_str(v, "mode", i18n_gettext(req->lang, mode_labels[in->mode]));
	tval_set_bool(v, "running", in->running);
	tval_set_int(v, "total", in->total);
	tval_set_int(v, "done", in->done);
	tval_set_int(v, "failed", in->failed);
	tval_set_int(v, "waiting", in->total - in->done - in->failed);
	tval_set_str(v, "created_iso", in->created_at);
	tval_set_str(v, "created", web_time(req, in->created_at));
	tval_set_str(v, "finished_iso", in->finished_at);
	tval_set_str(v, "finished", in->running ? "" : web_time(req, in->finished_at));
	struct tval *list = tval_list(req->arena);
	for (int i = 0; i < in->nfailures; i++) {
		struct tval *f = tval_obj(req->arena);
		tval_set_str(f, "address", in->failures[i].address);
		tval_set_str(f, "reason", reason(req, in->failures[i].error));
		tval_push(list, f);
	}
	tval_set(v, "failures", list);
	tval_set_bool(v, "has_failures", in->nfailures > 0);
	tval_set_bool(v, "more_failures", in->failed > in->nfailures);
	return v;
}

/* The page, with err (and the line it is about, 0: none) next to the form. */
static int
page(struct req *req, const struct err *err, size_t line)
{
	const struct app *app = req->app;
	struct import_info *list;
	int n = import_recent(req->arena, req->viewer->id, &list, &req->err);
	if (n < 0)
		return -1;
	struct tval *ctx = tval_obj(req->arena);
	struct tval *imports = tval_list(req->arena);
	for (int i = 0; i < n; i++)
		tval_push(imports, import_view(req, &list[i]));
	tval_set(ctx, "imports", imports);
	tval_set_bool(ctx, "has_imports", n > 0);
	tval_set_bool(ctx, "running", n > 0 && list[0].running);
	tval_set_int(ctx, "max_kb", app->cfg.import_max_bytes / 1024);
	tval_set_int(ctx, "max_rows", app->cfg.import_max_rows);
	if (line > 0)
		tval_set_int(ctx, "error_line", (long long)line);
	/* the choices as they were sent back after an error, else the defaults */
	const char *kind = err ? web_field(req, "kind") : "";
	tval_set_bool(ctx, "kind_blocks", strcmp(kind, "blocks") == 0);
	tval_set_bool(ctx, "kind_mutes", strcmp(kind, "mutes") == 0);
	tval_set_bool(ctx, "kind_following",
		      strcmp(kind, "blocks") != 0 && strcmp(kind, "mutes") != 0);
	tval_set_bool(ctx, "overwrite", err && strcmp(web_field(req, "mode"), "overwrite") == 0);
	return web_render_form(req, TEMPLATE, TITLE, ctx, err);
}

static int
import_form(struct req *req)
{
	if (req->viewer == NULL)
		return web_need_signin(req);
	return page(req, NULL, 0);
}

static int
import_submit(struct req *req)
{
	if (req->viewer == NULL)
		return web_need_signin(req);
	const struct app *app = req->app;
	struct err err;
	err_clear(&err);
	struct import_request rq = {.base_url = app->cfg.base_url};
	const struct body_field *file =
	    req->body.kind == BODY_FORM ? body_field(&req->body, "file") : NULL;
	if (import_kind_parse(web_field(req, "kind"), &rq.kind) != 0) {
		err_set(&err, ERR_UNPROCESSABLE,
			"Choose what the file lists: follows, blocks or mutes.", "import: no kind");
		return page(req, &err, 0);
	}
	if (import_mode_parse(web_field(req, "mode"), &rq.mode) != 0) {
		err_set(&err, ERR_UNPROCESSABLE, "Choose to merge or to overwrite.",
			"import: no mode");
		return page(req, &err, 0);
	}
	if (rq.mode == IMPORT_OVERWRITE && strcmp(web_field(req, "confirm"), "yes") != 0) {
		err_set(&err, ERR_UNPROCESSABLE,
			"To overwrite, tick the box that says you understand what it removes.",
			"import: overwrite not confirmed");
		return page(req, &err, 0);
	}
	if (file == NULL || file->filename == NULL || (file->len == 0 && *file->filename == '\0')) {
		err_set(&err, ERR_UNPROCESSABLE, "Choose the file to import.", "import: no file");
		return page(req, &err, 0);
	}
	rq.data = file->value;
	rq.len = file->len;
	const struct import_limits lim = {.max_bytes = (size_t)app->cfg.import_max_bytes,
					  .max_rows = (size_t)app->cfg.import_max_rows};
	int64_t id;
	size_t line = 0;
	if (import_start(req->arena, req->viewer, &rq, &lim, &id, &line, &err) != 0) {
		if (err.code != ERR_UNPROCESSABLE && err.code != ERR_CONFLICT) {
			req->err = err;
			return -1;
		}
		return page(req, &err, line);
	}
	return web_redirect(req, "/settings/import", "import_started");
}

int
web_import_routes(struct router *r)
{
	int rc = 0;
	rc |= router_add(r, "GET", "/settings/import", import_form);
	rc |= router_add(r, "POST", "/settings/import", import_submit);
	return rc;
}
